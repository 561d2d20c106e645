"""Cold start to the unlock dialog and idle memory: the frozen app against ``python -m desktop_app``.

    .venv/bin/python benchmarks/startup.py dist/evidence-desk [--runs 5]

Both start offscreen on the same workspace (made once with the frozen CLI), in a fresh process
each run, alternating frozen and source so that both see the same machine load. "Ready" is the
moment the app stops using CPU for good: the unlock dialog is modal and waits for a passphrase,
so the last CPU tick before 0.6 s of silence is when it was up and idle. Memory is measured at
that moment (RSS and PSS, from /proc; Linux only). The process is then killed. Prints a table;
results go to packaging/README.md with this command.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUIET_S = 0.6
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        values[name] = int(rest.split()[0])
    return values["Rss"], values["Pss"]


def start_once(command: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Seconds to ready, RSS and PSS (MiB) at ready."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        last_cpu, last_change = -1.0, started
        while time.monotonic() - last_change < QUIET_S or last_cpu < 0.05:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {process.returncode} before it was ready")
            cpu = cpu_seconds(process.pid)
            if cpu != last_cpu:
                last_cpu, last_change = cpu, time.monotonic()
            if time.monotonic() - started > 120:
                raise SystemExit(f"{command[0]} never went idle")
            time.sleep(0.01)
        rss, pss = memory_kib(process.pid)
        return last_change - started, rss // 1024, pss // 1024
    finally:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onedir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    onedir = args.onedir.resolve()
    with tempfile.TemporaryDirectory(prefix="evidence-desk-startup-") as scratch:
        profile = Path(scratch) / "profile"
        env = {
            **os.environ,
            "HOME": scratch,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "EVIDENCE_DESK_PROFILE_DIR": str(profile),
        }
        subprocess.run(
            [str(onedir / "evidence-desk"), "init", "--reviewer", "benchmark"],
            env={**env, "EVIDENCE_DESK_PASSPHRASE": "benchmark passphrase"},
            check=True,
            capture_output=True,
        )
        commands = {"frozen": [str(onedir / "evidence-desk-gui")], "source": [sys.executable, "-m", "desktop_app"]}
        samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(start_once(command, env))
    print(f"{'':8} {'ready (median of ' + str(args.runs) + ')':>22} {'min':>7} {'RSS MiB':>8} {'PSS MiB':>8}")
    for name, rows in samples.items():
        times = [row[0] for row in rows]
        print(
            f"{name:8} {statistics.median(times):21.2f}s {min(times):6.2f}s "
            f"{statistics.median(r[1] for r in rows):8.0f} {statistics.median(r[2] for r in rows):8.0f}"
        )
    ratio = statistics.median(r[0] for r in samples["frozen"]) / statistics.median(r[0] for r in samples["source"])
    print(f"frozen / source: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
