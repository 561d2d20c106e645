"""SIGKILL the submitting process at random moments (20 cycles); restart, resume, and nothing is duplicated.

The stress version (100 cycles) is ``scripts/submission_crash_stress.py``.
"""

import os
import subprocess
import sys

import pytest

from desktop_app.core.cybertipline.practice import PracticeServer
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.submission.helpers import import_media, new_report
from tests.integration.submission_crash_harness import run_cycles

CYCLES = 20


def prepare(paths, folder, cycles: int) -> list[str]:
    """A closed workspace with ``cycles`` complete reports of three files each."""
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Crash Tester", fast_kdf())
    try:
        items = ItemService(workspace)
        reports = ReportService(workspace, items)
        item_ids = import_media(items, folder, pictures=2, video=True)
        return [new_report(reports, item_ids) for _ in range(cycles)]
    finally:
        workspace.close()


@pytest.mark.slow
def test_sigkill_while_submitting_never_duplicates_and_always_resumes(paths, isolated_profile, tmp_path):
    report_ids = prepare(paths, tmp_path / "media", CYCLES)
    with PracticeServer() as server:
        results = run_cycles(isolated_profile, PASSPHRASE, report_ids, server, seed=2258)
        snapshot = server.snapshot()
    assert len(snapshot.in_state("finished")) == CYCLES
    # The kills really landed in different places: some before anything was sent, some mid-way.
    assert len({r.state_after_kill for r in results}) >= 3, [r.state_after_kill for r in results]
    verified = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "log", "verify"],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(isolated_profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
