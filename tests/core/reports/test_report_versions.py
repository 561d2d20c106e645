"""An older copy of a report's row, put back without keys, no longer passes ``log verify``.

Row tags bind a row's content to its identity, not to its version: every earlier copy of a report's
row still carries a valid tag. Each write of a report's sealed draft logs the draft's SHA-256
(``draft_sha256``), and the reconciliation holds the row to the one logged last
(docs/row-binding.md). The attacker here edits the database file directly, as an outsider would.
"""

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.reports.conftest import NOW
from tests.core.reports.helpers import import_uploads, logged_by_an_older_app
from tests.rollback import copy_row, discrepancy_codes, put_back

_COLUMNS = ("created_at", "updated_at", "status", "draft_ct", "row_tag")


def _row(workspace, report_id):
    return copy_row(workspace, "reports", _COLUMNS, "report_id", report_id)


def _put_back(workspace, report_id, row) -> None:
    put_back(workspace, "reports", _COLUMNS, "report_id", report_id, row)


def _edit_history(reports: ReportService, report_id: str, item_ids: list[str]) -> list[object]:
    """Create, edit, remove a file, add it back, override a viewed flag, record NCMEC's id: each row kept."""
    rows = []

    def save(change) -> None:
        record = reports.load(report_id)
        change(record)
        reports.save(record)
        rows.append(_row(reports._workspace, report_id))

    rows.append(_row(reports._workspace, report_id))
    save(lambda r: r.draft.report.ensure("incidentSummary").set("incidentType", "Child Pornography"))
    save(lambda r: r.draft.files.pop())
    save(lambda r: reports.add_items(r, item_ids[1:]))
    save(lambda r: r.draft.files.pop(0))
    reports.record_ncmec_report_id(report_id, 1234567)
    rows.append(_row(reports._workspace, report_id))
    return rows


def test_a_legitimate_history_of_saves_verifies_clean_and_every_older_copy_is_caught(workspace, tmp_path):
    items = ItemService(workspace)
    reports = ReportService(workspace, items, now=lambda: NOW)
    item_ids = [item_id for item_id, _ in import_uploads(items, tmp_path).values()]
    report_id = reports.create_draft(item_ids).report_id
    rows = _edit_history(reports, report_id, item_ids)
    assert len({row[3] for row in rows}) == len(rows)  # each write stored a new sealed draft
    assert discrepancy_codes(workspace) == []
    for older in rows[:-1]:
        _put_back(workspace, report_id, older)
        assert "older-draft" in discrepancy_codes(workspace)
    _put_back(workspace, report_id, rows[-1])  # the version the log saved last
    assert discrepancy_codes(workspace) == []


def test_a_report_created_from_a_document_is_bound_from_its_first_row(workspace, tmp_path):
    items = ItemService(workspace)
    reports = ReportService(workspace, items, now=lambda: NOW)
    first = reports.create_draft()
    record = reports.create_from_document(first.draft.report.copy())
    created = _row(workspace, record.report_id)
    record.draft.report.ensure("incidentSummary").set("incidentType", "Child Pornography")
    reports.save(record)
    assert discrepancy_codes(workspace) == []
    _put_back(workspace, record.report_id, created)
    assert "older-draft" in discrepancy_codes(workspace)


@pytest.fixture
def older_workspace(paths, monkeypatch):
    """A workspace whose reports were saved by an app that logged no draft digest; its rows by version."""
    with logged_by_an_older_app(monkeypatch, "draft_sha256"):
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        reports = ReportService(workspace, ItemService(workspace), now=lambda: NOW)
        record = reports.create_draft()
        before = _row(workspace, record.report_id)
        record.draft.report.ensure("incidentSummary").set("incidentType", "Child Pornography")
        reports.save(record)
        untouched = reports.create_draft().report_id
        assert not any("draft_sha256" in e.event.data for e in workspace.events())
        workspace.close()
    return paths, record.report_id, before, untouched


def _unlocked(paths) -> Workspace:
    workspace = Workspace.open(paths)
    assert workspace.unlock(PASSPHRASE).ok
    return workspace


def test_an_older_workspace_records_its_drafts_once_and_is_checked_from_then_on(older_workspace):
    paths, report_id, before, untouched = older_workspace
    workspace = _unlocked(paths)
    try:
        recorded = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_DRAFTS_RECORDED]
        assert len(recorded) == 1 and set(recorded[0].data["draft_sha256"]) == {report_id, untouched}
        assert discrepancy_codes(workspace) == []
        _put_back(workspace, report_id, before)
        assert "older-draft" in discrepancy_codes(workspace)
    finally:
        workspace.close()


def test_the_one_time_record_is_written_once(older_workspace):
    paths, *_ = older_workspace
    for _ in range(2):
        workspace = _unlocked(paths)
        kinds = [e.event.type for e in workspace.events()]
        workspace.close()
    assert kinds.count(EventType.REPORT_DRAFTS_RECORDED) == 1
