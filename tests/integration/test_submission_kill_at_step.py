"""SIGKILL the submitting process at each step, on purpose rather than at random; then restart and settle.

The random kills (``test_submission_crash.py``) land wherever the clock puts them; these land at
named moments. The practice server (in this process, so it outlives the child) holds one request
without answering (a ``hang`` fault) after it took effect or before; once its own state shows the
child got there, the child is killed. Then, as after a real crash: what the workspace tells the
reviewer before anything runs, the settling a reviewer does (resume, or decide to send again), and
the server's own state as the judge (``check_cycle``): one finished report, ours, with every file
described, its receipt in the vault, and the custody log intact.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.cybertipline.practice import Fault, PracticeServer
from desktop_app.core.domain.submission import SubmissionState
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli
from tests.conftest import PASSPHRASE
from tests.integration.submission_crash_harness import REPO, build_service, check_cycle, settle
from tests.integration.test_submission_crash import prepare

FILES = 3
# (name, the request the server holds, when its state shows the child got there)
MOMENTS = [
    ("submit-took-effect", {"endpoint": "/submit", "applied": True}, lambda s: len(s.in_state("open")) == 1),
    ("first-upload-took-effect", {"endpoint": "/upload", "applied": True}, lambda s: _files(s) == 1),
    ("second-upload-in-flight", {"endpoint": "/upload", "call": 2}, lambda s: len(s.requests_to("/upload")) == 1),
    ("description-took-effect", {"endpoint": "/fileinfo", "applied": True}, lambda s: _described(s) == 1),
    ("finish-in-flight", {"endpoint": "/finish"}, lambda s: len(s.requests_to("/fileinfo")) == FILES),
    ("finish-took-effect", {"endpoint": "/finish", "applied": True}, lambda s: len(s.in_state("finished")) == 1),
]
# What the reviewer is told after the kill, before anything runs again.
TOLD = {
    "submit-took-effect": "stopped while NCMEC was opening the report",
    "first-upload-took-effect": "stopped while uploading file 1 of NCMEC report",
    "second-upload-in-flight": "stopped while uploading file 2 of NCMEC report",
    "description-took-effect": "stopped while describing file 1 of NCMEC report",
    "finish-in-flight": "stopped while NCMEC was finishing NCMEC report",
    "finish-took-effect": "stopped while NCMEC was finishing NCMEC report",
}


def _files(snapshot) -> int:
    return sum(len(r.files) for r in snapshot.reports)


def _described(snapshot) -> int:
    return sum(f.has_file_details for r in snapshot.reports for f in r.files)


def kill_when(profile, report_id: str, server: PracticeServer, there) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.submission_crash_child", str(profile), PASSPHRASE, report_id]
        + [server.url, server.username, server.password],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        end = time.monotonic() + 60
        while not there(server.snapshot()):
            assert child.poll() is None, f"the child ended before the moment: {child.communicate()}"
            assert time.monotonic() < end, "the child never got to the moment"
            time.sleep(0.05)
        time.sleep(0.3)  # the held request is in flight: the child waits for its answer
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "fault", "there"), MOMENTS, ids=[m[0] for m in MOMENTS])
def test_a_kill_at_each_step_is_settled_once_and_told(moment, fault, there, paths, isolated_profile, tmp_path):
    [report_id] = prepare(paths, tmp_path / "media", 1)
    with PracticeServer() as server:
        server.set_faults([Fault.from_data({"kind": "hang", "seconds": 60, **fault})])
        kill_when(isolated_profile, report_id, server, there)
        server.set_faults([])
        shown = json.loads(run_cli(isolated_profile, "report", "status", report_id, "--json", check_code=0).stdout)
        assert TOLD[moment] in (shown["advice"] or ""), shown
        workspace = Workspace.open(AppPaths.resolve(isolated_profile))
        try:
            workspace.unlock(PASSPHRASE)
            service = build_service(workspace, server.url, Credentials(server.username, server.password))
            after_kill = service.status(report_id)
            # Before anything runs again, the reviewer is told the report is unsettled and what to do.
            assert after_kill.state not in (SubmissionState.DRAFT, SubmissionState.FINISHED), after_kill
            assert after_kill.interrupted and TOLD[moment] in (after_kill.advice or ""), after_kill
            settle(service, report_id)
            check_cycle(workspace, service, server, report_id, set())
            assert workspace.verify_log().ok
        finally:
            workspace.close()
