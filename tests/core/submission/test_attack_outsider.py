"""An outsider's server at the configured address, against the whole submission (``tests/hostile_http.py``).

The practice server fails the way NCMEC fails; this one does what NCMEC never would: trickles its
status line a byte at a time (every read is short, so only the overall deadline ends the call), or
answers a submit with a report id no XSD allows. The workspace must end in a state that says what
happened and never hold a report id NCMEC could not have given. And what a submission leaves on
this computer: sealed blobs in the vault, nothing else, and no report detail in the log.
"""

import logging
import os
import sys
import threading
import time
from pathlib import Path

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of, import_media, new_report
from tests.hostile_http import HostileServer, report_response, response


def service_at(workspace, reports, items, url, credentials):
    endpoint = PracticeEndpoint.attached(url, credentials)
    return SubmissionService(workspace, reports, items, CredentialStore(MemorySecretStore()), endpoint, settings=FAST)


def test_a_submit_whose_answer_trickles_stops_at_the_deadline_and_is_not_sent_again(
    workspace, items, reports, server, tmp_path
):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
    holder: list[HostileServer] = []

    def answer(client, request):
        holder[0].trickle(client, response(report_response("4711")), every=0.25)

    with HostileServer(answer) as hostile:
        holder.append(hostile)
        service = service_at(workspace, reports, items, hostile.url, credentials_of(server))
        started = time.monotonic()
        status = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
        took = time.monotonic() - started
        submits = [r for r in hostile.requests if r.startswith(b"POST /ispws/submit")]
    assert took < FAST.limits.deadline + 3, f"the submission ran {took:.1f} s past a {FAST.limits.deadline} s deadline"
    assert len(submits) == 1, "a submit whose outcome is unknown was sent again"
    assert status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id is None
    assert "--new-attempt" in (status.advice or "")
    assert workspace.verify_log().ok


def test_a_submit_answered_with_a_report_id_outside_the_xsd_is_an_unknown_outcome(
    workspace, items, reports, server, tmp_path
):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
    huge = "9" * 30  # xs:long ends at 9223372036854775807

    def answer(client, request):
        client.sendall(response(report_response(huge)))

    with HostileServer(answer) as hostile:
        service = service_at(workspace, reports, items, hostile.url, credentials_of(server))
        status = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
        paths = [r.split(b" ", 2)[1] for r in hostile.requests]
    assert paths == [b"/ispws/submit"], f"the run went on with a report id NCMEC cannot have given: {paths}"
    assert status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id is None
    assert workspace.verify_log().ok


# -- what a submission leaves behind on this computer ----------------------------------------------

_WRITES: list[str] = []
_WATCHING = threading.Event()
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND


def _watch_writes(event: str, args: tuple) -> None:
    # Audit hooks cannot be removed: this one records only while a test sets the flag.
    if not _WATCHING.is_set():
        return
    writes = event == "open" and isinstance(args[0], str) and isinstance(args[2], int) and args[2] & _WRITE_FLAGS
    if writes or event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
        _WRITES.append(args[0])
    elif event in ("os.rename", "os.replace", "shutil.copyfile"):
        _WRITES.append(args[1])  # where it lands


sys.addaudithook(_watch_writes)


def test_a_submission_writes_only_sealed_blobs_and_logs_no_report_detail(
    workspace, items, reports, submissions, server, paths, tmp_path, caplog
):
    item_ids = import_media(items, tmp_path / "m", pictures=2, video=True)
    report_id = new_report(reports, item_ids)
    secrets = [b"trust@example.org", f"u-{report_id[:6]}".encode()]
    secrets += [items.get(i).display_name.encode() for i in item_ids]
    blobs = paths.workspace / "blobs"
    caplog.set_level(logging.DEBUG)
    _WRITES.clear()
    _WATCHING.set()
    try:
        status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    finally:
        _WATCHING.clear()
    assert status.state is SubmissionState.FINISHED, status.advice
    # Python-level writes only (SQLite writes from C, into its sealed columns): the receipt's blob.
    written = {Path(path).parent for path in _WRITES}
    assert written <= {blobs}, f"written outside the vault's blobs during a submission: {_WRITES}"
    for name in os.listdir(blobs):
        data = (blobs / name).read_bytes()
        assert not any(secret in data for secret in secrets), f"plaintext in blob {name}"
    logged = "\n".join(record.getMessage() for record in caplog.records).encode()
    assert not any(secret in logged for secret in secrets), "a report detail or file name was logged"


def test_a_redirect_elsewhere_sends_nothing_there_and_asks_the_reviewer(workspace, items, reports, server, tmp_path):
    report_id = new_report(reports, import_media(items, tmp_path / "m", pictures=1, video=False))
    with HostileServer(lambda client, request: client.sendall(response(report_response("7")))) as elsewhere:
        location = f"Location: {elsewhere.url}/submit"

        def redirect(client, request):
            client.sendall(response(b"", status="307 Temporary Redirect", headers=(location,)))

        with HostileServer(redirect) as configured:
            service = service_at(workspace, reports, items, configured.url, credentials_of(server))
            status = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
            asked = list(configured.requests)
        assert not elsewhere.requests, "the report went to the address a redirect named"
    assert len(asked) == 1 and b"authorization: basic" in asked[0].lower()
    # A 307 keeps the method and body: had the server acted on it, NCMEC may hold the report. Never re-sent blindly.
    assert status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id is None
    assert "redirect" in (status.advice or "").lower(), status.advice
