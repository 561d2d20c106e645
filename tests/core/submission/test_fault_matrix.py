"""The fault matrix: every fault the practice server can inject, at every step of a submission.

Each cell submits a two-file report with one fault armed on the step's first call, then checks on
the SERVER's own snapshot (not the client's belief):

* the run ends in a clear state with a message (and the state the rules predict for that fault);
* there is never more than one finished report, and a finished one holds exactly our files;
* every report left open at the server is either the one the client holds (waiting for a decision,
  with NCMEC's discard time) or one whose id the client never learned, recorded as such;

then it settles the cell the way a reviewer would (resume; or set the unknown attempt aside and
send again; or fix nothing and send again) and checks that exactly one finished report remains.

Time limits are parameters (``FAST``-like settings below), never monkeypatching.
"""

from dataclasses import dataclass, replace

import pytest

from desktop_app.core.cybertipline.client import CallLimits
from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.storage.submissions import SubmissionStore
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of, import_media, new_report

MATRIX = replace(FAST, limits=CallLimits(connect=2.0, read=1.0, deadline=2.0, upload_min_rate=10 * 1024 * 1024))


@dataclass(frozen=True)
class Kind:
    """One fault, and whether the server acts on the request before the answer goes wrong."""

    name: str
    fault: dict
    unknown: bool  # the client cannot tell whether the step took effect
    rejected: bool = False  # NCMEC refuses the step for good


KINDS = [
    Kind("503-retry-after", {"kind": "status", "status": 503, "retry_after": "0"}, unknown=False),
    Kind("429-empty", {"kind": "status", "status": 429, "body": "empty"}, unknown=False),
    Kind("500-empty", {"kind": "status", "status": 500, "body": "empty"}, unknown=True),
    Kind("500-empty-applied", {"kind": "status", "status": 500, "body": "empty", "applied": True}, unknown=True),
    Kind("502-html-applied", {"kind": "status", "status": 502, "body": "html", "applied": True}, unknown=True),
    Kind("401-empty", {"kind": "status", "status": 401, "body": "empty"}, unknown=False, rejected=True),
    Kind("code-1000-http-200", {"kind": "code", "code": 1000}, unknown=True),  # "server error": maybe saved
    Kind("code-1000-http-500", {"kind": "code", "code": 1000, "status": 500}, unknown=True),
    Kind("code-4100", {"kind": "code", "code": 4100, "status": 400}, unknown=False, rejected=True),
    Kind("html-200", {"kind": "html"}, unknown=True),
    Kind("html-200-applied", {"kind": "html", "applied": True}, unknown=True),
    Kind("delay-applied", {"kind": "delay", "seconds": 0.2, "applied": True}, unknown=False),
    Kind("hang", {"kind": "hang", "seconds": 4}, unknown=True),
    Kind("hang-applied", {"kind": "hang", "seconds": 4, "applied": True}, unknown=True),
    Kind("trickle-applied", {"kind": "trickle", "rate": 40, "applied": True}, unknown=True),
    Kind("drop", {"kind": "drop"}, unknown=True),
    Kind("drop-applied", {"kind": "drop", "applied": True}, unknown=True),
    Kind("truncate-applied", {"kind": "truncate", "applied": True}, unknown=True),
]
STEPS = ["/submit", "/upload", "/fileinfo", "/finish"]


def expected_state(step: str, kind: Kind) -> SubmissionState:
    """What the rules predict for a fault on the step's first call."""
    if step == "/submit":
        if kind.unknown:
            return SubmissionState.NEEDS_DECISION  # never re-sent blindly
        return SubmissionState.DRAFT if kind.rejected else SubmissionState.FINISHED
    # After /submit: refusals withdraw the report; unknown uploads/descriptions send it afresh;
    # finish is repeated; transient failures are retried.
    return SubmissionState.RETRACTED if kind.rejected else SubmissionState.FINISHED


@pytest.fixture
def service(workspace, reports, items, server):
    practice = PracticeEndpoint.attached(server.url, credentials_of(server))
    return SubmissionService(workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=MATRIX)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


def stored_record(workspace, report_id: str):
    with workspace.db.read() as reader:
        return SubmissionStore(workspace.fields()).load(reader.conn, report_id)


def check_server(server, status, md5s: set[str], record) -> None:
    """The invariants, on the server's own state (``record``: what the workspace wrote down)."""
    snapshot = server.snapshot()
    finished = snapshot.in_state("finished")
    assert len(finished) <= 1, "a duplicate finished report"
    if status.state is SubmissionState.FINISHED:
        [report] = finished
        assert str(report.report_id) == status.ncmec_report_id
        assert sorted(f.md5 for f in report.files) == sorted(md5s)
    else:
        assert not finished
    for report in snapshot.in_state("open"):
        if str(report.report_id) == status.ncmec_report_id:
            assert status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION)
            assert status.expires_at is not None and "retract" in (status.advice or "")
        else:
            # Opened by a /submit whose answer was lost: the workspace must record that it does not
            # know (waiting for the reviewer's decision, or the decision taken and logged).
            accounted = record.unknown_submit or any(h["outcome"] == "unknown-submit-set-aside" for h in record.history)
            assert accounted, f"report {report.report_id} is open at the server and nothing accounts for it"


def settle(service, report_id: str):
    """Do what a reviewer would, with the faults gone; returns the final status."""
    status = service.status(report_id)
    cancel = CancelToken()
    if status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION) and status.ncmec_report_id:
        return run_to_completion(service.resume(report_id, cancel))
    if status.state is SubmissionState.NEEDS_DECISION:
        service.acknowledge_unknown(report_id)
    if status.state is not SubmissionState.FINISHED:
        return run_to_completion(service.submit(report_id, Environment.PRACTICE, cancel))
    return status


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
@pytest.mark.parametrize("step", STEPS)
def test_fault_at_step(step, kind, workspace, items, reports, service, server, media):
    item_ids = import_media(items, media / f"{step[1:]}-{kind.name}", pictures=2, video=False)
    md5s = {items.get(i).digests.md5 for i in item_ids}
    report_id = new_report(reports, item_ids)
    server.set_faults([Fault.from_data({"endpoint": step, "call": 1, **kind.fault})])

    status = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))

    assert status.state is expected_state(step, kind), status.advice
    if status.state is not SubmissionState.FINISHED:
        assert status.advice, "a state other than finished must say what happened and what to do"
    if kind.rejected and step != "/submit":
        # A refusal after the report was opened withdraws it and says why and what to do.
        assert "withdrawn" in status.advice and "NCMEC answered" in status.advice, status.advice
    check_server(server, status, md5s, stored_record(workspace, report_id))

    server.set_faults([])
    final = settle(service, report_id)
    assert final.state is SubmissionState.FINISHED, final.advice
    check_server(server, final, md5s, stored_record(workspace, report_id))
    assert workspace.verify_log().ok


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_fault_at_the_reviewers_retraction(kind, items, reports, service, server, media):
    item_ids = import_media(items, media / f"retract-{kind.name}", pictures=1, video=False)
    report_id = new_report(reports, item_ids)
    server.set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
    waiting = run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert waiting.state is SubmissionState.NEEDS_DECISION
    server.set_faults([Fault.from_data({"endpoint": "/retract", "call": 1, **kind.fault})])

    status = run_to_completion(service.retract(report_id, CancelToken()))

    [report] = server.snapshot().reports
    if kind.rejected:
        # Refused for good: the report stays open and the reviewer is told so, with the discard time.
        assert status.state is SubmissionState.NEEDS_DECISION and report.state == "open"
        assert status.expires_at is not None and "retract" in status.advice
        server.set_faults([])
        status = run_to_completion(service.retract(report_id, CancelToken()))
        [report] = server.snapshot().reports
    assert status.state is SubmissionState.RETRACTED, status.advice
    assert report.state == "retracted" and not server.snapshot().in_state("finished")
