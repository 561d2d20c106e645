"""Kill -9 the submitting process at random moments; after restart and resume, nothing is duplicated.

Shared by the suite (20 cycles, ``test_submission_crash.py``) and ``scripts/submission_crash_stress.py``
(100). The practice server runs in the calling process, so it outlives every killed child and its
snapshot is the judge: after each cycle the server holds exactly one more finished report, it is
the one the workspace recorded, it holds all the report's files, and its receipt is in the vault.
"""

import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.cybertipline.client import CallLimits
from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission import SubmissionService, SubmissionSettings
from desktop_app.core.services.submission_calls import RetryPolicy
from desktop_app.core.services.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
SETTINGS = SubmissionSettings(
    limits=CallLimits(connect=5.0, read=10.0, deadline=20.0),
    retry=RetryPolicy(attempts=4, first_delay=0.05, max_delay=0.5, longest_wait=5.0),
    max_restarts=3,
)


def build_service(workspace: Workspace, url: str, credentials: Credentials) -> SubmissionService:
    """The submission service a reviewer's app would build, pointed at the parent's practice server."""
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    practice = PracticeEndpoint.attached(url, credentials)
    return SubmissionService(
        workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=SETTINGS
    )


@dataclass
class CycleResult:
    killed_after: float
    child_finished: bool  # the child got to the end before the kill
    state_after_kill: str
    decisions: list[str]
    ncmec_report_id: str


def kill_one_submitter(
    profile: Path, passphrase: str, report_id: str, server, rng: random.Random, window: float
) -> tuple[float, bool]:
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.submission_crash_child",
            str(profile),
            passphrase,
            report_id,
            server.url,
            server.username,
            server.password,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready.strip() == "ready", (ready, child.stderr.read() if child.stderr else "")
    delay = rng.uniform(0.0, window)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    return delay, "done" in out


def settle(service: SubmissionService, report_id: str) -> list[str]:
    """Restart and resume as the app would at start-up, taking the decisions a reviewer takes."""
    decisions = []
    for _ in range(4):
        status = service.status(report_id)
        if status.state is SubmissionState.FINISHED:
            break
        if status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id is None:
            decisions.append("send-again-after-unknown-submit")
            service.acknowledge_unknown(report_id)
        elif status.unfinished:
            decisions.append("resume")
            run_to_completion(service.resume(report_id, CancelToken()))
        else:
            decisions.append("submit")
            run_to_completion(service.submit(report_id, Environment.PRACTICE, CancelToken()))
    return decisions


def run_cycles(
    profile: Path,
    passphrase: str,
    report_ids: list[str],
    server,
    seed: int,
    window: float = 0.6,
    report: Callable[[int, CycleResult], None] = lambda i, r: None,
) -> list[CycleResult]:
    rng = random.Random(seed)
    results = []
    for index, report_id in enumerate(report_ids):
        finished_before = {r.report_id for r in server.snapshot().in_state("finished")}
        delay, child_finished = kill_one_submitter(profile, passphrase, report_id, server, rng, window)
        workspace = Workspace.open(AppPaths.resolve(profile))
        try:
            workspace.unlock(passphrase)
            credentials = Credentials(server.username, server.password)
            service = build_service(workspace, server.url, credentials)
            after_kill = str(service.status(report_id).state)
            decisions = settle(service, report_id)
            status = service.status(report_id)
            check_cycle(workspace, service, server, report_id, finished_before)
        finally:
            workspace.close()
        result = CycleResult(delay, child_finished, after_kill, decisions, str(status.ncmec_report_id))
        report(index, result)
        results.append(result)
        # Keep the kills inside the submission however fast this machine is today: a child that got
        # to the end narrows the window, one killed before it sent anything widens it.
        if child_finished:
            window *= 0.7
        elif after_kill == "draft":
            window *= 1.3
    return results


def check_cycle(workspace: Workspace, service: SubmissionService, server, report_id: str, before: set[int]) -> None:
    """Exactly one new finished report at the server, ours, with all its files; the receipt archived."""
    status = service.status(report_id)
    assert status.state is SubmissionState.FINISHED, (status.state, status.advice)
    snapshot = server.snapshot()
    new = [r for r in snapshot.in_state("finished") if r.report_id not in before]
    assert len(new) == 1, f"{len(new)} reports finished for one submission: {[r.report_id for r in new]}"
    [finished] = new
    assert str(finished.report_id) == status.ncmec_report_id
    items = ItemService(workspace)
    draft = ReportService(workspace, items).load(report_id).draft
    expected = sorted(items.get(str(f.item_id)).digests.md5 for f in draft.files)  # type: ignore[union-attr]
    assert sorted(f.md5 for f in finished.files) == expected
    assert all(f.has_file_details for f in finished.files)
    receipt = workspace.vault().read_bytes(str(status.receipt_blob_id))
    assert str(finished.report_id).encode() in receipt
    for open_report in snapshot.in_state("open"):
        # Only reports whose id the workspace never learned may stay open (NCMEC discards them).
        assert str(open_report.report_id) not in {s.ncmec_report_id for s in service.all_statuses()}
