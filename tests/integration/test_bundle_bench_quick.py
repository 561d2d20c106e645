"""The bundle benchmark's quick mode runs end to end (the 512 MiB goal run is for benchmarks/RESULTS.md)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bundle_bench.py"


@pytest.mark.skipif(shutil.which("age") is None, reason="the Go age tool is not installed (apt-get install age)")
def test_quick_mode_prints_every_row_the_ratios_and_the_load():
    pytest.importorskip("pyrage")
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    for line in (
        "GIL probe", "load average", "| ours export |", "| ours export, one thread |", "| age -r |",
        "| pyrage encrypt_file |", "| ours verify", "ours export vs age -r:", "pipelined vs one thread",
        "single-stream rates, ns/byte", "floors from the single-stream rates", "CPU ns/byte",
        "  export: file read", "  verify: file read",
    ):
        assert line in out.stdout, line
