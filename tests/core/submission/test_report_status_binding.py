"""Issue 15 (3): a submitted report's status is bound like any other (row tag, reconciliation)."""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.errors import ReportNotAsLogged
from desktop_app.core.progress import CancelToken, run_to_completion
from tests.core.submission.helpers import import_media, new_report


def test_a_finished_reports_status_cannot_be_edited_back(workspace, items, reports, submissions, server, tmp_path):
    item_ids = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, item_ids)
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.FINISHED, status.advice
    assert workspace.verify_log().ok  # the submission's own status writes are tagged and reconciled

    with closing(sqlite3.connect(workspace.db.path, isolation_level=None)) as conn:  # as an outsider would
        conn.execute("UPDATE reports SET status = 'draft' WHERE report_id = ?", (report_id,))
        conn.execute("UPDATE submissions SET state = 'draft' WHERE report_id = ?", (report_id,))
    verification = workspace.verify_log()
    assert not verification.ok and report_id in (verification.problem or "")


def test_an_older_copy_of_a_reports_row_is_refused_before_anything_is_sent(
    workspace, items, reports, submissions, server, tmp_path
):
    """A file the reviewer removed, brought back by an older row (its tag still valid), is not sent."""
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=False)
    report_id = new_report(reports, item_ids)
    columns = ("updated_at", "status", "draft_ct", "row_tag")
    with workspace.db.read() as reader:
        older = reader.conn.execute(
            f"SELECT {', '.join(columns)} FROM reports WHERE report_id = ?", (report_id,)
        ).fetchone()
    record = reports.load(report_id)
    record.draft.files.pop()
    reports.save(record)
    with closing(sqlite3.connect(workspace.db.path, isolation_level=None)) as conn:  # as an outsider would
        sets = ", ".join(f"{c} = ?" for c in columns)
        conn.execute(f"UPDATE reports SET {sets} WHERE report_id = ?", (*older, report_id))

    with pytest.raises(ReportNotAsLogged, match="Nothing was sent"):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert server.snapshot().requests == ()
    assert not workspace.verify_log(record=False).ok
