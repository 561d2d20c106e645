"""``kill -9`` of ``evidence-desk report submit --env practice`` as a user would cause it, then what the CLI says.

The CLI prints each step as it starts; the test kills the process when a named step's line
appears (the step may finish in the instant before the signal lands, so the checks hold for either).
The practice server lived in the killed process, so what can be checked is the workspace: the
status a reviewer asks for next says where the report stands and what to do, the report can be
settled and sent again with the commands the status names, and the custody log verifies.
"""

import json
import os
import signal
import subprocess
import sys

import pytest

from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.submission.helpers import import_media, new_report

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def sendable(paths, isolated_profile, tmp_path):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        report_id = new_report(ReportService(workspace, items), import_media(items, tmp_path / "m", pictures=2))
    finally:
        workspace.close()
    return isolated_profile, report_id


def submit_until(profile, report_id: str, line: str) -> list[str]:
    """Run ``report submit`` and SIGKILL it when ``line`` appears on its stderr; the lines seen."""
    env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE}
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli", "report", "submit", report_id, "--env", "practice"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    assert child.stderr is not None
    try:
        for text in child.stderr:
            seen.append(text.rstrip())
            if line in text:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert any(line in s for s in seen), seen
    return seen


@pytest.mark.slow
@pytest.mark.parametrize(
    "line", ["[running ] Open the report", "[running ] Upload", "[running ] Describe", "[running ] Finish the report"]
)
def test_a_killed_cli_submission_is_told_and_settled(sendable, line):
    profile, report_id = sendable
    submit_until(profile, report_id, line)

    status = json.loads(run_cli(profile, "report", "status", report_id, "--json", check_code=0).stdout)
    if status["state"] != "finished":
        # Where it stands and what to do, before anything runs again.
        assert status["state"] in ("submitting", "open", "needs-decision"), status
        assert "stopped" in (status["advice"] or ""), status
        resumed = run_cli(profile, "report", "resume", report_id, "--json")
        settled = json.loads(resumed.stdout) if resumed.stdout.strip() else {}
        if settled.get("state") != "finished":
            # The practice server died with the process: resume settles the report here and says what next
            # (a submit of unknown outcome waits for the reviewer's decision to send again).
            assert settled.get("advice") or "--new-attempt" in resumed.stderr, (settled, resumed.stderr)
            undecided = settled.get("state") == "needs-decision" or "--new-attempt" in resumed.stderr
            decision = ["--new-attempt"] if undecided else []
            again = run_cli(profile, "report", "submit", report_id, "--env", "practice", *decision)
            assert again.returncode == 0, again.stdout + again.stderr
    final = json.loads(run_cli(profile, "report", "status", report_id, "--json", check_code=0).stdout)
    assert final["state"] == "finished" and final["receipt_blob"], final
    run_cli(profile, "log", "verify", check_code=0)
