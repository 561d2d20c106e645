"""Issue 15 (3): a submitted report's status is bound like any other (row tag, reconciliation)."""

import sqlite3
from contextlib import closing

from desktop_app.core.domain.submission import Environment, SubmissionState
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
