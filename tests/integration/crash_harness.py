"""Kill -9 a writer at random moments and prove nothing acknowledged is lost (docs/decisions.md §3).

Shared by the test suite (20 cycles) and ``scripts/crash_stress.py`` (100 or more).
"""

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace import Workspace
from tests.integration.crash_child import PLAINTEXT_MARKER

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CycleResult:
    acked_events: int
    acked_blobs: int
    log_entries: int
    swept_temp_files: int


def kill_one_writer(profile: Path, passphrase: str, rng: random.Random) -> tuple[list[str], float]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_child", str(profile), passphrase],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready.strip() == "ready", (ready, child.stderr.read() if child.stderr else "")
    delay = rng.uniform(0.0, 0.35)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    lines = out.splitlines()
    # The last line may be cut mid-write by the kill; only whole lines are acknowledgements.
    if out and not out.endswith("\n"):
        lines = lines[:-1]
    return lines, delay


def no_plaintext_on_disk(profile: Path) -> None:
    for path in profile.rglob("*"):
        if path.is_file():
            assert PLAINTEXT_MARKER not in path.read_bytes(), f"plaintext evidence found in {path}"


def check_after_crash(profile: Path, passphrase: str, acked: list[str]) -> CycleResult:
    no_plaintext_on_disk(profile)  # before the sweep: a killed write must not leave plaintext either
    workspace = Workspace.open(AppPaths.resolve(profile))
    try:
        swept = workspace.storage.sweep_report.removed_temp_files
        assert workspace.db.integrity_check() == "ok"
        verification = workspace.unlock(passphrase)
        assert verification.ok, verification.problem
        assert not workspace.storage.sweep_report.missing_blobs and not workspace.storage.sweep_report.damaged_blobs
        logged = {e.seq: e.event for e in workspace.events()}
        events = blobs = 0
        vault = workspace.vault()
        for line in acked:
            kind, *fields = line.split()
            if kind == "event":
                events += 1
                seq, marker = int(fields[0]), fields[1]
                assert logged[seq].data.get("marker") == marker, f"acknowledged entry {seq} lost"
            elif kind == "blob":
                blobs += 1
                import hashlib

                assert hashlib.sha256(vault.read_bytes(fields[0])).hexdigest() == fields[1]
        return CycleResult(events, blobs, len(logged), swept)
    finally:
        workspace.close()


def run_cycles(profile: Path, passphrase: str, cycles: int, seed: int = 0, report=None) -> list[CycleResult]:
    rng = random.Random(seed)
    results = []
    for cycle in range(cycles):
        acked, delay = kill_one_writer(profile, passphrase, rng)
        result = check_after_crash(profile, passphrase, acked)
        results.append(result)
        if report:
            report(cycle, delay, result)
    return results
