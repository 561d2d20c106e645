"""NCMEC's report id for a report: recorded by the reviewer, validated, logged; checked when cited."""

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import NcmecReportIdInUse, NcmecReportIdInvalid
from desktop_app.core.services.report_building import check_record, ncmec_report_id_from_text
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.conftest import NOW


def recorded(workspace, report_id):
    return [
        e.event.data
        for e in workspace.events()
        if e.event.type == EventType.REPORT_NCMEC_ID_RECORDED and e.event.subject == report_id
    ]


@pytest.mark.parametrize("text", ["4564654", " 4564654 ", "+4564654"])
def test_a_typed_report_number_is_read_as_the_xsd_reads_a_long(text):
    assert ncmec_report_id_from_text(text) == 4564654


@pytest.mark.parametrize("text", ["", "  ", "0", "-12", "45 64", "4,564,654", "CT-4564654", "1e6", str(2**63)])
def test_what_priorctreports_could_not_cite_is_refused(text):
    with pytest.raises(NcmecReportIdInvalid) as caught:
        ncmec_report_id_from_text(text)
    assert caught.value.code == "ncmec-report-id-invalid" and "whole numbers from 1" in caught.value.message


def test_recording_the_id_is_a_custody_event_and_a_correction_says_what_it_replaced(reports, workspace):
    record = reports.create_draft()
    stored = reports.record_ncmec_report_id(record.report_id, 4564654)
    assert stored.ncmec_report_id == 4564654 == reports.load(record.report_id).ncmec_report_id
    reports.record_ncmec_report_id(record.report_id, 4564654)  # the same again: nothing new to log
    reports.record_ncmec_report_id(record.report_id, 4564655)
    first, correction = recorded(workspace, record.report_id)
    assert first["ncmec_report_id"] == 4564654 and "previous" not in first
    assert {"incident_type", "hashes", "referral_ready"} <= set(first)  # what the transparency figures count
    assert len(correction.pop("draft_sha256")) == 64  # the sealed draft it stored (docs/row-binding.md)
    assert correction == {"ncmec_report_id": 4564655, "previous": 4564654}
    assert reports.known_ncmec_report_ids() == {4564655}


def test_an_id_is_refused_before_anything_is_written(reports, workspace):
    first, second = reports.create_draft(), reports.create_draft()
    reports.record_ncmec_report_id(first.report_id, 4564654)
    with pytest.raises(NcmecReportIdInUse) as caught:
        reports.record_ncmec_report_id(second.report_id, 4564654)
    assert first.report_id[:8] in caught.value.message
    with pytest.raises(NcmecReportIdInvalid):
        reports.record_ncmec_report_id(second.report_id, 0)
    assert reports.load(second.report_id).ncmec_report_id is None
    assert recorded(workspace, second.report_id) == []


def test_a_draft_save_keeps_the_recorded_id(reports):
    record = reports.create_draft()  # the editor's copy, loaded before the id was recorded
    reports.record_ncmec_report_id(record.report_id, 4564654)
    record.draft.report.get("incidentSummary").set("platform", "Example Forum")
    reports.save(record)
    assert reports.load(record.report_id).ncmec_report_id == 4564654


def cites(reports, ncmec_id):
    record = reports.create_draft()
    record.draft.report = good_draft().report  # text-only: a referral-quality report with nothing to fix
    record.draft.report.get("personOrUserReported").add("priorCTReports", ncmec_id)
    reports.save(record)
    return reports.load(record.report_id)


def unknown(findings):
    return [(f.path, f.severity) for f in findings if f.code == "prior-report-unknown"]


def test_citing_a_report_the_workspace_never_recorded_is_a_warning(reports):
    record = cites(reports, 250799407)
    expected = [("report/personOrUserReported[0]/priorCTReports[0]", "warning")]
    assert unknown(reports.check(record)) == expected
    assert unknown(reports.export_xml(record.report_id).findings) == expected  # a warning: still exported
    (summary,) = reports.list_reports()
    assert summary.errors == 0 and summary.warnings == 1


def test_citing_a_report_the_workspace_recorded_passes(reports):
    earlier = reports.create_draft()
    reports.record_ncmec_report_id(earlier.report_id, 250799407)
    record = cites(reports, 250799407)
    assert reports.check(record) == []
    assert {s.report_id: s.warnings for s in reports.list_reports()}[record.report_id] == 0


def test_without_the_workspaces_history_the_rule_does_not_run(reports):
    # A report file checked on its own (the CLI's ``report validate``) cannot know what was recorded.
    record = cites(reports, 250799407)
    assert unknown(check_record(record, now=NOW)) == []
    assert unknown(check_record(record, now=NOW, known_ncmec_ids=frozenset())) != []
