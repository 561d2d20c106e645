"""Recovery without a crash: a practice server that went away, cancelling, NCMEC's discard time."""

from datetime import timedelta

import pytest

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.errors import ReportSent
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import import_media, new_report


def test_a_report_open_on_a_stopped_practice_server_is_settled_and_sent_again(workspace, items, reports, tmp_path):
    practice = PracticeEndpoint()  # starts its own server, as the app's Practice environment does
    credentials = CredentialStore(MemorySecretStore())
    service = SubmissionService(workspace, reports, items, credentials, practice, settings=FAST)
    try:
        report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
        practice.connection()
        practice.server().set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
        waiting = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
        assert waiting.state is SubmissionState.NEEDS_DECISION and waiting.ncmec_report_id
        practice.close()  # the process that ran it ended

        settled = run_to_completion(service.resume(report_id, CancelToken()))
        assert settled.state is SubmissionState.RETRACTED and "stopped" in settled.advice
        assert practice.server().snapshot().requests == ()  # nothing went to the new server under the old id

        again = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
        assert again.state is SubmissionState.FINISHED
        assert [r.state for r in practice.server().snapshot().reports] == ["finished"]
    finally:
        practice.close()


def test_cancelling_mid_way_leaves_the_open_report_waiting(items, reports, submissions, server, tmp_path):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=2, video=False))
    cancel = CancelToken()
    steps = submissions.submit(report_id, Environment.PRACTICE, cancel)
    for progress in steps:
        if any(s.key == "upload:1" and s.status == "done" for s in progress.steps):
            cancel.cancel()
            break
    status = run_to_completion(steps)
    assert status.state is SubmissionState.NEEDS_DECISION and "Cancelled" in status.advice
    [report] = server.snapshot().reports
    assert report.state == "open" and str(report.report_id) == status.ncmec_report_id

    finished = run_to_completion(submissions.resume(report_id, CancelToken()))
    assert finished.state is SubmissionState.FINISHED
    assert len(server.snapshot().in_state("finished")) == 1


def test_the_discard_time_follows_the_last_change_and_warns_before_it(items, reports, submissions, server, tmp_path):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
    server.set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.expires_at == status.opened_at + timedelta(hours=24)
    assert not status.expiring(status.opened_at + timedelta(hours=21))
    assert status.expiring(status.opened_at + timedelta(hours=22, minutes=30))
    assert f"{status.expires_at:%Y-%m-%d %H:%M}" in status.advice
    [listed] = submissions.unfinished()
    assert listed.report_id == report_id and listed.expires_at == status.expires_at


def test_a_report_with_ncmec_cannot_be_changed_until_it_is_withdrawn(reports, submissions, server):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
    run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    record = reports.load(report_id)
    record.draft.report.get("incidentSummary").set("platform", "Example Forum")
    with pytest.raises(ReportSent, match="with NCMEC, waiting for your decision"):
        reports.save(record)

    server.set_faults([])
    status = run_to_completion(submissions.retract(report_id, CancelToken()))
    assert status.state is SubmissionState.RETRACTED
    assert reports.save(record).changed  # withdrawn: it can be corrected and sent again


def test_the_last_progress_says_which_steps_never_ran(reports, submissions, server):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/submit", kind="code", code=4100, status=400)])
    *_, last = list(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    steps = {s.key: s.status for s in last.steps}
    assert steps == {"submit": "failed", "finish": "skipped"} and last.message


def test_retry_after_is_honoured_before_trying_again(reports, submissions, server):
    report_id = new_report(reports, [])
    server.set_faults([Fault(endpoint="/submit", kind="status", status=503, retry_after="1")])
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.FINISHED
    first, second = [r for r in server.snapshot().requests if r.path == "/submit"]
    assert (second.at - first.at).total_seconds() >= 0.95


def test_nothing_listening_means_nothing_was_sent(workspace, items, reports):
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from desktop_app.core.cybertipline.endpoint import Credentials

    practice = PracticeEndpoint.attached(f"http://127.0.0.1:{port}/ispws", Credentials("nobody", "nothing"))
    service = SubmissionService(
        workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=FAST
    )
    report_id = new_report(reports, [])
    status = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.DRAFT and "Cannot reach" in status.advice
    assert not status.unfinished
