"""An older copy of a submission's row, put back without keys, is caught and never acted on.

Row tags bind a row's columns to each other and to its report, not to its version: every earlier
copy of a ``submissions`` row still carries a valid tag. Each write of the row logs the SHA-256 of
its sealed record (``submission_sha256``): ``log verify`` holds the row to the one logged last
(``older-submission``), and whatever acts on a row (resume, retract, the reviewer's decision, a
fresh submit, the receipt) refuses one that is not it (docs/row-binding.md). The attacker here
edits the database file directly, as an outsider would.
"""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.errors import SubmissionNotAsLogged
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.reports.helpers import logged_by_an_older_app
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of, import_media, new_report
from tests.rollback import copy_row, discrepancy_codes, put_back

# What an outsider copies: the submission's row and its report's (whose status mirrors the state).
_COLUMNS = {
    "submissions": ("state", "environment", "updated_at", "record_ct", "draft_ct", "row_tag"),
    "reports": ("updated_at", "status", "draft_ct", "row_tag"),
}
_FINISH_UNAVAILABLE = Fault(endpoint="/finish", kind="status", status=503, call=None)
_SUBMIT_UNKNOWN = Fault(endpoint="/submit", kind="status", status=500, body="empty", applied=True)


def _row(workspace, report_id):
    return {table: copy_row(workspace, table, columns, "report_id", report_id) for table, columns in _COLUMNS.items()}


def _put_back(workspace, report_id, rows) -> None:
    for table, columns in _COLUMNS.items():
        put_back(workspace, table, columns, "report_id", report_id, rows[table])


def _waiting_then_finished(workspace, items, reports, submissions, server, tmp_path):
    """A report left open at NCMEC (finish unavailable), then finished by a resume: (report id, the open row)."""
    report_id = new_report(reports, import_media(items, tmp_path / "media", pictures=1, video=False))
    server.set_faults([_FINISH_UNAVAILABLE])
    waiting = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert waiting.state is SubmissionState.NEEDS_DECISION and waiting.ncmec_report_id
    open_row = _row(workspace, report_id)
    server.set_faults([])
    done = run_to_completion(submissions.resume(report_id, CancelToken()))
    assert done.state is SubmissionState.FINISHED
    return report_id, open_row


def test_every_write_names_the_row_it_stored_and_verify_catches_an_older_copy(
    workspace, items, reports, submissions, server, tmp_path
):
    report_id, open_row = _waiting_then_finished(workspace, items, reports, submissions, server, tmp_path)
    assert discrepancy_codes(workspace) == []
    finished_row = _row(workspace, report_id)
    _put_back(workspace, report_id, open_row)
    assert discrepancy_codes(workspace) == ["older-submission"]  # the report's row agrees: only the digest tells
    _put_back(workspace, report_id, finished_row)  # the version the log saved last
    assert discrepancy_codes(workspace) == []


def test_a_finished_submission_rolled_back_to_open_is_not_resumed_and_its_receipt_not_hidden(
    workspace, items, reports, submissions, server, tmp_path
):
    """The older row says "open, finish pending" and has no receipt: acting on it would finish again."""
    report_id, open_row = _waiting_then_finished(workspace, items, reports, submissions, server, tmp_path)
    assert submissions.receipt(report_id)
    calls = len(server.snapshot().requests)
    _put_back(workspace, report_id, open_row)

    with pytest.raises(SubmissionNotAsLogged, match="older copy"):
        submissions.receipt(report_id)
    with pytest.raises(SubmissionNotAsLogged, match="Nothing was sent"):
        run_to_completion(submissions.resume(report_id, CancelToken()))
    with pytest.raises(SubmissionNotAsLogged):
        run_to_completion(submissions.retract(report_id, CancelToken()))
    assert len(server.snapshot().requests) == calls
    kinds = [e.event.type for e in workspace.events()]
    assert kinds.count(EventType.SUBMISSION_RECEIPT_ARCHIVED) == 1


def test_a_receipt_is_not_silently_left_out_when_the_row_was_deleted(
    workspace, items, reports, submissions, server, tmp_path
):
    """A bundle takes the receipt from ``receipt``: with the row gone it would leave it out without a word."""
    report_id, _ = _waiting_then_finished(workspace, items, reports, submissions, server, tmp_path)
    with closing(sqlite3.connect(workspace.db.path, isolation_level=None)) as conn:  # as an outsider would
        conn.execute("DELETE FROM submissions WHERE report_id = ?", (report_id,))
    with pytest.raises(SubmissionNotAsLogged, match="receipt was not read"):
        submissions.receipt(report_id)
    assert "missing-row" in discrepancy_codes(workspace)


def test_a_set_aside_decision_cannot_be_replayed_on_an_older_row_to_send_a_filed_report_again(
    workspace, items, reports, submissions, server, tmp_path
):
    """Unknown /submit, set aside, sent again and filed; the unknown row put back would allow a second report.

    The reviewer's decision is logged as "draft": taken on the older row, it would make the log's
    last word on the report a draft again, and a fresh submit would open a second report at NCMEC.
    """
    report_id = new_report(reports, import_media(items, tmp_path / "media", pictures=1, video=False))
    server.set_faults([_SUBMIT_UNKNOWN])
    unknown = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert unknown.state is SubmissionState.NEEDS_DECISION
    unknown_row = _row(workspace, report_id)
    server.set_faults([])
    submissions.acknowledge_unknown(report_id)
    done = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert done.state is SubmissionState.FINISHED
    _put_back(workspace, report_id, unknown_row)

    with pytest.raises(SubmissionNotAsLogged, match="Nothing was decided"):
        submissions.acknowledge_unknown(report_id)
    with pytest.raises(SubmissionNotAsLogged):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert len(server.snapshot().in_state("finished")) == 1
    assert "older-submission" in discrepancy_codes(workspace)


@pytest.fixture
def older_workspace(paths, server, monkeypatch, tmp_path):
    """A workspace whose submission was written by an app that logged no digest: (paths, report, open row)."""
    with logged_by_an_older_app(monkeypatch, "submission_sha256"):
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        items = ItemService(workspace)
        reports = ReportService(workspace, items)
        practice = PracticeEndpoint.attached(server.url, credentials_of(server))
        service = SubmissionService(
            workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=FAST
        )
        report_id, open_row = _waiting_then_finished(workspace, items, reports, service, server, tmp_path)
        assert not any("submission_sha256" in e.event.data for e in workspace.events())
        workspace.close()
    return paths, report_id, open_row


def _unlocked(paths) -> Workspace:
    workspace = Workspace.open(paths)
    assert workspace.unlock(PASSPHRASE).ok
    return workspace


def test_an_older_workspace_records_its_submissions_once_and_is_checked_from_then_on(older_workspace):
    paths, report_id, open_row = older_workspace
    for _ in range(2):
        workspace = _unlocked(paths)
        recorded = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_DRAFTS_RECORDED]
        workspace.close()
    assert len(recorded) == 1 and set(recorded[0].data["submission_sha256"]) == {report_id}

    workspace = _unlocked(paths)
    try:
        assert discrepancy_codes(workspace) == []
        _put_back(workspace, report_id, open_row)
        assert "older-submission" in discrepancy_codes(workspace)
    finally:
        workspace.close()
