"""Report drafts on a real workspace: creation from items, saving with custody events, lock/unlock."""

import json

import pytest

from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import ItemHasNoContent, ReportNotFound, ViewedOverrideReasonRequired
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.report_building import file_from_item, set_file_viewed
from desktop_app.core.services.reports import ReportService
from desktop_app.core.storage.reports import ViewedOverride
from tests.conftest import PASSPHRASE
from tests.core.reports.conftest import NOW
from tests.core.reports.helpers import UPLOADS, digests, import_uploads, reveal


def report_events(workspace, report_id=None):
    return [
        e.event
        for e in workspace.events()
        if str(e.event.type).startswith(("report.", "reporter-profile."))
        and (report_id is None or e.event.subject == report_id)
    ]


def types(events):
    return [str(e.type) for e in events]


def test_a_text_only_report_is_created_logged_and_listed(reports, workspace):
    record = reports.create_draft()
    assert record.draft.files == []
    assert record.draft.report.get("reporter").get("reportingPerson") is not None
    assert types(report_events(workspace)) == [EventType.REPORT_CREATED]
    assert report_events(workspace)[0].subject == record.report_id
    assert reports.load(record.report_id).draft == record.draft
    (summary,) = reports.list_reports()
    assert (summary.report_id, summary.files) == (record.report_id, 0)
    assert summary.errors > 0  # no incident type or time yet


def test_a_report_from_two_items_carries_their_hashes_metadata_and_viewed_flags(reports, items, workspace, tmp_path):
    uploads = import_uploads(items, tmp_path)
    first, second = (uploads[row["original_name"]] for row in UPLOADS)
    reveal(items, first[0])

    record = reports.create_draft([first[0], second[0]])

    assert [f.item_id for f in record.draft.files] == [first[0], second[0]]
    for entry, row in zip(record.draft.files, UPLOADS, strict=True):
        details, data = entry.details, uploads[row["original_name"]][1]
        hashes = {h.attribute("hashType"): h.value for h in details.all("originalFileHash")}
        assert hashes == digests(data)
        assert details.text("originalFileName") == row["original_name"]
        assert details.text("locationOfFile") == row["url"]
        assert details.text("uploadedToEspTimestamp") == row["upload_time"]
        event = details.get("ipCaptureEvent")
        assert (event.text("ipAddress"), event.text("port")) == (row["ip"], str(row["port"]))
        assert event.text("eventName") == "Upload"
        assert event.text("dateTime") == row["upload_time"]
    assert [f.details.text("fileViewedByEsp") for f in record.draft.files] == ["true", "false"]
    person = record.draft.report.get("personOrUserReported")
    assert (person.text("espIdentifier"), person.text("screenName")) == ("u-7731", "account-7731")
    added = EventType.REPORT_FILE_ADDED
    assert types(report_events(workspace)) == [EventType.REPORT_CREATED, added, added]
    assert [e.data["item"] for e in report_events(workspace)[1:]] == [first[0], second[0]]


def test_items_without_content_are_refused_before_anything_is_written(reports, items, workspace, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-link").symlink_to("/nowhere")
    run_to_completion(items.import_paths([tmp_path / "in"]))
    (link,) = items.list_items()
    with pytest.raises(ItemHasNoContent):
        reports.create_draft([link.item_id])
    assert report_events(workspace) == [] and reports.list_reports() == []


def test_a_save_logs_the_changed_paths_and_never_the_values(reports, workspace):
    record = reports.create_draft()
    summary = record.draft.report.get("incidentSummary")
    summary.set("incidentType", "Child Sex Trafficking")
    summary.set("platform", "Distinctive Platform Name Qx8812")  # not hex: a digest in the log could hold 8812
    result = reports.save(record)
    assert result.paths == ("report/incidentSummary/incidentType", "report/incidentSummary/platform")
    changed = report_events(workspace)[-1]
    assert changed.type == EventType.REPORT_CHANGED
    assert len(changed.data.pop("draft_sha256")) == 64  # the sealed draft it stored (docs/row-binding.md)
    assert changed.data == {"paths": list(result.paths), "count": 2}
    assert "Qx8812" not in json.dumps([e.event.data for e in workspace.events()])
    assert reports.load(record.report_id).draft == record.draft

    size = len(workspace.events())
    assert not reports.save(record).changed
    assert len(workspace.events()) == size  # nothing changed: nothing written


def test_adding_and_removing_files_are_logged_with_the_item(reports, items, workspace, tmp_path):
    uploads = import_uploads(items, tmp_path)
    (a, _), (b, _) = uploads.values()
    record = reports.create_draft([a])
    assert reports.add_items(record, [a, b]) == [1]  # an item already in the report is not added twice
    reports.save(record)
    del record.draft.files[0]
    reports.save(record)
    events = report_events(workspace, record.report_id)
    assert [(str(e.type), e.data.get("item")) for e in events if e.type != EventType.REPORT_CHANGED] == [
        (EventType.REPORT_CREATED, None),
        (EventType.REPORT_FILE_ADDED, a),
        (EventType.REPORT_FILE_ADDED, b),
        (EventType.REPORT_FILE_REMOVED, a),
    ]
    assert [f.item_id for f in reports.load(record.report_id).draft.files] == [b]


def test_the_viewed_flag_departs_from_the_log_only_with_a_recorded_reason(reports, items, workspace, tmp_path):
    uploads = import_uploads(items, tmp_path)
    (a, _), _ = uploads.values()
    record = reports.create_draft([a])
    assert reports.logged_viewed(record) == {a: False}

    record.draft.files[0].details.set("fileViewedByEsp", True)  # what a careless caller might do
    with pytest.raises(ViewedOverrideReasonRequired):
        reports.save(record)
    with pytest.raises(ViewedOverrideReasonRequired):
        set_file_viewed(record, 0, True, "  ", logged=False)

    set_file_viewed(record, 0, True, "Viewed in the platform's moderation console", logged=False)
    reports.save(record)
    overridden = [e for e in report_events(workspace) if e.type == EventType.REPORT_VIEWED_FLAG_OVERRIDDEN]
    assert [e.data for e in overridden] == [
        {"item": a, "viewed": True, "reason": "Viewed in the platform's moderation console"}
    ]
    stored = reports.load(record.report_id)
    assert stored.overrides == {a: ViewedOverride(True, "Viewed in the platform's moderation console")}
    assert stored.draft.files[0].details.text("fileViewedByEsp") == "true"

    set_file_viewed(stored, 0, False, "", logged=False)  # back to what the log says: no reason needed
    reports.save(stored)
    assert reports.load(record.report_id).overrides == {}
    assert report_events(workspace)[-2].data == {"item": a, "cleared": True}


def test_loading_follows_reveals_made_after_the_file_was_added(reports, items, tmp_path):
    uploads = import_uploads(items, tmp_path)
    (a, _), (b, _) = uploads.values()
    record = reports.create_draft([a])
    reveal(items, a)
    assert reports.load(record.report_id).draft.files[0].details.text("fileViewedByEsp") == "true"
    # A save that reads the log anyway (a file was added) brings the stale copy in line, and says so.
    reports.add_items(record, [b])
    result = reports.save(record)
    assert result.synced_files == (0,)
    assert "fileDetails[0]/fileViewedByEsp" in result.paths
    assert [f.details.text("fileViewedByEsp") for f in result.record.draft.files] == ["true", "false"]


def test_drafts_survive_lock_and_unlock_and_are_sealed_on_disk(reports, items, workspace, tmp_path, paths):
    uploads = import_uploads(items, tmp_path)
    record = reports.create_draft([item_id for item_id, _ in uploads.values()])
    record.draft.report.get("incidentSummary").set("platform", "Sealed Platform Marker 5531")
    reports.save(record)
    before = reports.load(record.report_id)

    workspace.lock()
    workspace.unlock(PASSPHRASE)
    again = ReportService(workspace, items, now=lambda: NOW).load(record.report_id)

    assert again.draft == before.draft and again.draft.to_json() == before.draft.to_json()
    assert (again.created_at, again.overrides) == (before.created_at, before.overrides)
    database = (paths.workspace / "workspace.db").read_bytes() + (paths.workspace / "workspace.db-wal").read_bytes()
    assert b"Sealed Platform Marker 5531" not in database and b"u-7731" not in database


def test_the_reporter_profile_is_saved_sealed_reused_and_logged(reports, workspace):
    assert reports.reporter_profile() is None
    record = reports.create_draft()
    reporter = record.draft.report.get("reporter")
    person = reporter.get("reportingPerson")
    person.add("firstName", "Alex")
    person.add("email", "trust@example.org")
    reporter.add("companyTemplate", "Legal process: legal@example.org")
    reporter.add("termsOfService", "https://example.org/terms")
    reporter.add("legalURL", "https://example.org/legal")
    reports.save_reporter_profile(reporter)
    reports.save_reporter_profile(reporter)  # unchanged: not logged again

    fresh = reports.create_draft()
    assert fresh.draft.report.get("reporter") == reporter
    saved = [e for e in report_events(workspace) if e.type == EventType.REPORTER_PROFILE_SAVED]
    assert len(saved) == 1 and "report/reporter/legalURL" in saved[0].data["paths"]
    created = report_events(workspace)[-1].data
    assert len(created.pop("draft_sha256")) == 64
    assert created == {"files": 0, "profile": True}


def test_earlier_reports_about_the_same_account_are_offered_once_ncmec_has_an_id(reports):
    first = reports.create_draft()
    first.draft.report.add("personOrUserReported").add("espIdentifier", "u-1001")
    reports.save(first)
    second = reports.create_draft()
    user = second.draft.report.add("personOrUserReported")
    user.add("screenName", "someone")
    user.add("espIdentifier", "u-1001")
    reports.save(second)
    unrelated = reports.create_draft()
    unrelated.draft.report.add("personOrUserReported").add("espIdentifier", "u-2002")
    reports.save(unrelated)

    assert reports.prior_reports(second) == []  # no report id from NCMEC yet: nothing to cite
    reports.record_ncmec_report_id(first.report_id, 4564654)
    reports.record_ncmec_report_id(unrelated.report_id, 4564655)
    (offered,) = reports.prior_reports(second)
    assert (offered.ncmec_report_id, offered.report_id, offered.person_index, offered.account, offered.cited) == (
        4564654,
        first.report_id,
        0,
        "account ID u-1001",
        False,
    )
    user.add("priorCTReports", offered.ncmec_report_id)
    assert reports.prior_reports(second)[0].cited


def test_report_ids_resolve_from_a_unique_prefix(reports):
    record = reports.create_draft()
    assert reports.resolve_id(record.report_id[:6].upper()) == record.report_id
    with pytest.raises(ReportNotFound):
        reports.resolve_id("abc")
    with pytest.raises(ReportNotFound):
        reports.resolve_id("zzzz")
    with pytest.raises(ReportNotFound):
        reports.load("0" * 32)


def test_export_gives_the_exact_report_bytes_and_is_logged(reports, workspace):
    from tests.core.cybertipline.samples import good_draft

    record = reports.create_draft()
    record.draft.report = good_draft().report
    reports.save(record)
    export = reports.export_xml(record.report_id)
    assert [d.name for d in export.documents] == ["report.xml"]
    assert export.documents[0].data == serialize(record.draft.report)
    logged = report_events(workspace)[-1]
    assert logged.type == EventType.REPORT_EXPORTED and len(logged.data["documents"][0]["sha256"]) == 64


def test_a_copy_older_than_a_reveal_is_brought_in_line_not_refused(reports, items, tmp_path):
    uploads = import_uploads(items, tmp_path)
    (a, _), (b, _) = uploads.values()
    record = reports.create_draft([a])
    stale = items.get(b)  # read before the reveal, as the editor's worker would
    reveal(items, b)
    record.draft.files.append(file_from_item(stale))
    result = reports.save(record)  # says "not viewed" for b; the log now says viewed
    assert result.synced_files == (1,)
    assert reports.load(record.report_id).draft.files[1].details.text("fileViewedByEsp") == "true"


def test_the_reporter_profile_is_not_on_disk_in_clear(reports, workspace, paths):
    # Made-up values distinctive enough that finding them anywhere in the files means they leaked.
    values = {
        "firstName": "Quillonette",
        "lastName": "Vandermeerschaft",
        "email": "q.vandermeerschaft@trust-desk-4417.example",
        "companyTemplate": "Zephyrine Legal Process Desk 7741",
        "termsOfService": "Marbleworth Terms Clause 5209",
    }
    record = reports.create_draft()
    reporter = record.draft.report.get("reporter")
    person = reporter.get("reportingPerson")
    for name in ("firstName", "lastName", "email"):
        person.add(name, values[name])
    reporter.add("companyTemplate", values["companyTemplate"])
    reporter.add("termsOfService", values["termsOfService"])
    reports.save_reporter_profile(reporter)
    assert reports.reporter_profile() == reporter  # it is there, readable through the workspace

    on_disk = b"".join(
        path.read_bytes() for path in (paths.workspace / "workspace.db", paths.workspace / "workspace.db-wal")
    )
    assert record.report_id.encode() in on_disk  # the files read do hold the workspace's rows
    for value in values.values():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in on_disk, value
