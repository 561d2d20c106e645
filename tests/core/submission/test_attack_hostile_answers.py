"""A server that answers what it should not: a finish "success" for another report, or in the wrong shape.

The practice server sends the hostile body as the answer to a request it did not carry out
(``applied=False``), so the assertions read the server's own state: the report must not be left
open there while Evidence Desk believes it filed.
"""

from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.progress import CancelToken, run_to_completion
from tests.core.submission.helpers import import_media, new_report

PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def _submit_with_finish_answer(reports, submissions, server, body):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/finish", kind="status", status=200, body=body)])
    return run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))


def test_a_finish_success_naming_another_report_is_not_our_finish(reports, submissions, server):
    body = (
        f"{PROLOG}<reportDoneResponse><responseCode>0</responseCode><reportId>999999</reportId>"
        "<files/></reportDoneResponse>"
    )
    status = _submit_with_finish_answer(reports, submissions, server, body)
    [report] = server.snapshot().reports
    assert report.state == "finished", "the report was left open at the server"
    assert status.state is SubmissionState.FINISHED and status.ncmec_report_id == str(report.report_id)


def test_a_finish_success_in_a_reportresponse_is_not_a_receipt(reports, submissions, server):
    body = (
        f"{PROLOG}<reportResponse><responseCode>0</responseCode>"
        "<responseDescription>Success</responseDescription></reportResponse>"
    )
    status = _submit_with_finish_answer(reports, submissions, server, body)
    [report] = server.snapshot().reports
    assert report.state == "finished", "the report was left open at the server"
    assert status.state is SubmissionState.FINISHED


def test_a_submit_that_took_effect_then_answered_server_error_is_not_sent_again_blindly(reports, submissions, server):
    # NCMEC's 1000 is "server error": an unexpected failure, which may come after the report was saved.
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/submit", kind="code", code=1000, status=500, applied=True)])
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    opened = server.snapshot().reports
    orphans = [r for r in opened if r.state == "open" and str(r.report_id) != status.ncmec_report_id]
    assert not orphans or status.state is SubmissionState.NEEDS_DECISION, (
        f"report(s) {[r.report_id for r in orphans]} left open at the server, unknown to the reviewer"
    )
    assert len(opened) == 1, "/submit was repeated after an answer that did not say whether it took effect"


def test_an_upload_that_took_effect_then_answered_server_error_leaves_no_second_copy(
    items, reports, submissions, server, tmp_path
):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
    server.set_faults([Fault(endpoint="/upload", kind="code", code=1000, status=500, applied=True)])
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.FINISHED
    [finished] = server.snapshot().in_state("finished")
    assert len(finished.files) == 1, "the finished report holds the file twice"
