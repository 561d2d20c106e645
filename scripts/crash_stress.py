"""Stress version of the crash test: many SIGKILL cycles on one growing workspace.

.venv/bin/python scripts/crash_stress.py [--cycles 100] [--seed 1]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from desktop_app.core.services.workspace import Workspace  # noqa: E402
from tests.conftest import PASSPHRASE, fast_kdf  # noqa: E402
from tests.integration.crash_harness import run_cycles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        workspace, _ = Workspace.create(AppPaths.resolve(profile), PASSPHRASE, "Stress", fast_kdf())
        workspace.close()
        start = time.perf_counter()
        results = run_cycles(
            profile,
            PASSPHRASE,
            args.cycles,
            args.seed,
            report=lambda i, d, r: print(
                f"cycle {i + 1:>3}: killed after {d * 1000:5.0f} ms, "
                f"{r.acked_events} events + {r.acked_blobs} blobs acked, "
                f"log {r.log_entries} entries, swept {r.swept_temp_files}"
            ),
        )
    print(
        f"\n{args.cycles} cycles in {time.perf_counter() - start:.0f} s: every cycle verified, "
        f"{sum(r.acked_events for r in results)} acknowledged events and "
        f"{sum(r.acked_blobs for r in results)} acknowledged blobs all present, "
        f"{sum(r.swept_temp_files for r in results)} half-written temp blobs swept, no plaintext on disk."
    )


if __name__ == "__main__":
    main()
