"""Attacks on the submissions table: a row deleted or rolled back must not let a finished report go again.

The table is what ``submit`` consults first, but the custody log is the evidence: a report the log
shows as finished (or still open at NCMEC) is never opened a second time, whatever the row says.
"""

import pytest

from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.errors import SubmissionRefused
from desktop_app.core.progress import CancelToken, run_to_completion
from tests.core.submission.helpers import new_report


def _row(workspace, report_id):
    with workspace.db.read() as reader:
        return reader.conn.execute(
            "SELECT state, updated_at, record_ct, draft_ct, row_tag FROM submissions WHERE report_id = ?", (report_id,)
        ).fetchone()


def test_a_finished_report_whose_row_was_deleted_is_not_sent_again(workspace, reports, submissions, server):
    report_id = new_report(reports, [])
    done = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert done.state is SubmissionState.FINISHED
    with workspace.db.write() as conn:
        conn.execute("DELETE FROM submissions WHERE report_id = ?", (report_id,))
        conn.execute("UPDATE reports SET status = 'draft' WHERE report_id = ?", (report_id,))

    with pytest.raises(SubmissionRefused, match="custody log"):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert len(server.snapshot().in_state("finished")) == 1
    assert len(server.snapshot().reports) == 1


def test_a_finished_report_whose_row_was_rolled_back_is_not_sent_again(workspace, reports, submissions, server):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/submit", kind="code", code=4100, status=400)])
    refused = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert refused.state is SubmissionState.DRAFT
    old = _row(workspace, report_id)  # a genuine, well-sealed (and tagged) row from before the report was filed
    server.set_faults([])
    done = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert done.state is SubmissionState.FINISHED
    with workspace.db.write() as conn:
        conn.execute(
            "UPDATE submissions SET state = ?, updated_at = ?, record_ct = ?, draft_ct = ?, row_tag = ? "
            "WHERE report_id = ?",
            (*old, report_id),
        )

    with pytest.raises(SubmissionRefused, match="custody log"):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert len(server.snapshot().in_state("finished")) == 1


def test_a_report_open_at_ncmec_whose_row_was_deleted_is_not_opened_again(workspace, reports, submissions, server):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
    waiting = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert waiting.state is SubmissionState.NEEDS_DECISION and waiting.ncmec_report_id
    server.set_faults([])
    with workspace.db.write() as conn:
        conn.execute("DELETE FROM submissions WHERE report_id = ?", (report_id,))
        conn.execute("UPDATE reports SET status = 'draft' WHERE report_id = ?", (report_id,))

    with pytest.raises(SubmissionRefused, match="custody log"):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert len(server.snapshot().reports) == 1
