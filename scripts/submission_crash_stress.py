"""Stress version of the submission crash test: SIGKILL the submitting process 100 times.

.venv/bin/python scripts/submission_crash_stress.py [--cycles 100] [--seed 1] [--window 0.6]

Each cycle submits one report (two pictures and a video) to a practice server this script runs,
kills the submitting process at a random moment, restarts, resumes (taking the reviewer's decisions
where the rules require one) and checks on the server's snapshot that exactly one more report is
finished, with all its files, and that its receipt is in the vault. Ends with ``log verify``.
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.cybertipline.practice import PracticeServer  # noqa: E402
from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from tests.conftest import PASSPHRASE  # noqa: E402
from tests.integration.submission_crash_harness import run_cycles  # noqa: E402
from tests.integration.test_submission_crash import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--window", type=float, default=0.6, help="kill within this many seconds of 'ready'")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        report_ids = prepare(AppPaths.resolve(profile), Path(tmp) / "media", args.cycles)
        start = time.perf_counter()
        with PracticeServer() as server:
            results = run_cycles(
                profile,
                PASSPHRASE,
                report_ids,
                server,
                args.seed,
                args.window,
                report=lambda i, r: print(
                    f"cycle {i + 1:>3}: killed after {r.killed_after * 1000:4.0f} ms in state {r.state_after_kill:<14} "
                    f"-> {'+'.join(r.decisions) or 'nothing to do'} -> finished as NCMEC report {r.ncmec_report_id}",
                    flush=True,
                ),
            )
            snapshot = server.snapshot()
        env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE}
        verified = subprocess.run(
            [sys.executable, "-m", "desktop_app.cli", "log", "verify"], env=env, capture_output=True, text=True
        )
    finished = len(snapshot.in_state("finished"))
    states = collections.Counter(r.state_after_kill for r in results)
    print(f"{len(results)} cycles in {time.perf_counter() - start:.0f} s; states at the kill: {dict(states)}")
    print(
        f"server: {finished} finished (one per submission: {finished == len(results)}), "
        f"{len(snapshot.in_state('retracted'))} retracted, {len(snapshot.in_state('open'))} left open "
        "(opened by a /submit whose answer was lost; NCMEC discards them)"
    )
    first_line = verified.stdout.strip().splitlines()[0] if verified.stdout.strip() else ""
    print(f"log verify: exit {verified.returncode}: {first_line}")
    sys.exit(0 if finished == len(results) and verified.returncode == 0 else 1)


if __name__ == "__main__":
    main()
