"""Every document a workspace report exports validates against NCMEC's XSD; refused when it would not."""

import pytest

from desktop_app.core.cybertipline.model import DraftFile, ReportDraft
from desktop_app.core.cybertipline.parse import parse_file_details, parse_report
from desktop_app.core.cybertipline.schema import FILE_DETAILS
from desktop_app.core.errors import ReportHasErrors
from desktop_app.core.services.report_building import render_documents
from desktop_app.core.storage.reports import ReportRecord
from tests.core.cybertipline.samples import good_draft, maximal, minimal_report
from tests.core.reports.conftest import NOW
from tests.core.reports.helpers import compiled_xsd, import_uploads, reveal


def referral_report(reports, record):
    """Give a draft the body of a complete, referral-quality report (keeping its files)."""
    record.draft.report = good_draft().report
    reports.save(record)


def test_a_report_built_from_queue_items_exports_documents_the_xsd_accepts(reports, items, tmp_path):
    xsd = compiled_xsd()
    uploads = import_uploads(items, tmp_path)
    ids = [item_id for item_id, _ in uploads.values()]
    reveal(items, ids[0])
    record = reports.create_draft(ids)
    referral_report(reports, record)

    export = reports.export_xml(record.report_id)

    assert [d.name for d in export.documents] == ["report.xml", "fileDetails-01.xml", "fileDetails-02.xml"]
    for document in export.documents:
        assert xsd.validate_bytes(document.data) == [], document.name
    assert [d.item_id for d in export.documents[1:]] == ids
    files = [parse_file_details(d.data).root for d in export.documents[1:]]
    assert [f.text("fileViewedByEsp") for f in files] == ["true", "false"]
    assert [(f.text("reportId"), f.text("fileId")) for f in files] == [("0", "pending-1"), ("0", "pending-2")]
    assert parse_report(export.documents[0].data).root == record.draft.report
    assert not [f for f in export.findings if f.severity == "error"]


def test_a_text_only_report_exports_one_document(reports):
    xsd = compiled_xsd()
    record = reports.create_draft()
    record.draft.report = minimal_report()
    reports.save(record)
    export = reports.export_xml(record.report_id)
    assert [d.name for d in export.documents] == ["report.xml"]
    assert xsd.validate_bytes(export.documents[0].data) == []


def test_file_details_carry_ncmecs_report_id_once_it_is_known(reports, items, tmp_path):
    xsd = compiled_xsd()
    uploads = import_uploads(items, tmp_path)
    record = reports.create_draft([next(iter(uploads.values()))[0]])
    referral_report(reports, record)
    reports.record_ncmec_report_id(record.report_id, 4564654)
    document = reports.export_xml(record.report_id).documents[1]
    assert parse_file_details(document.data).root.text("reportId") == "4564654"
    assert xsd.validate_bytes(document.data) == []


def test_the_maximal_file_details_render_valid_with_placeholder_ids():
    xsd = compiled_xsd()
    details = maximal(FILE_DETAILS)
    details.remove("reportId")
    details.remove("fileId")
    record = ReportRecord("r" * 32, ReportDraft(good_draft().report, [DraftFile(details)]), NOW, NOW)
    for document in render_documents(record):
        assert xsd.validate_bytes(document.data) == [], document.name


def test_a_report_ncmec_would_reject_is_not_exported_nor_logged_as_exported(reports, workspace):
    record = reports.create_draft()  # no incident type, time, or submitter email
    with pytest.raises(ReportHasErrors) as refused:
        reports.export_xml(record.report_id)
    codes = {f.code for f in refused.value.findings}
    assert {"required-missing", "reporting-person-email"} <= codes
    assert not [e for e in workspace.events() if str(e.event.type) == "report.exported"]
