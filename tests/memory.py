"""How much memory this (the main) process takes while a block of test code runs.

Linux keeps the process's peak resident set in ``/proc/self/status`` (VmHWM). Writing ``5`` to
``/proc/self/clear_refs`` resets that peak to the current RSS, so the peak reached inside the
block is measured, not one left over from an earlier test in the same pytest process. Where the
reset is refused the growth of the lifetime peak is used instead: weaker (an earlier high hides a
new one below it) but it never reports growth that did not happen. Without /proc the calling test
is skipped with the reason.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

MiB = 1024 * 1024
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_bytes(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in {_STATUS}")


def rss_bytes() -> int:
    """Current resident set of this process."""
    return _status_bytes("VmRSS")


def _reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


@dataclass
class MemoryGrowth:
    """Filled in when the ``memory_growth`` block ends: bytes above the RSS at its start."""

    peak: int = 0
    current: int = 0
    peak_was_reset: bool = False

    def describe(self) -> str:
        how = "peak" if self.peak_was_reset else "lifetime peak"
        return f"{how} +{self.peak / MiB:.1f} MiB, now +{self.current / MiB:.1f} MiB"


@contextmanager
def memory_growth() -> Iterator[MemoryGrowth]:
    """Measure the main process's peak and current RSS growth over the block."""
    if not _STATUS.is_file():
        pytest.skip("needs /proc/self/status (Linux) to measure the process's memory")
    growth = MemoryGrowth(peak_was_reset=_reset_peak())
    start_rss = rss_bytes()
    start_peak = _status_bytes("VmHWM")
    yield growth
    end_peak = _status_bytes("VmHWM")
    growth.peak = end_peak - start_rss if growth.peak_was_reset else max(0, end_peak - start_peak)
    growth.current = rss_bytes() - start_rss
