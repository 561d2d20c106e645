"""Work-arounds for bugs in the PySide6 release we ship, each checked at run time, not assumed.

PySide6 6.12 returns ``None`` from every Qt method without a result (``setText``, ``update``,
``processEvents``, ...) without taking a reference to it. On Python 3.12 and later that is
harmless, because ``None`` is immortal there; on Python 3.11, which this app runs on, each such
call wears ``None``'s reference count down by one, and after a few thousand calls in a fresh
process (measured: about 5,000) the interpreter aborts with "none_dealloc: deallocating None".

``shield_none`` does for ``None`` what Python 3.12 does: it gives it a reference count so large
that no session can wear it down. It first checks that this PySide really drops references, and
does nothing on interpreters where ``None`` is immortal already. The proper fix is a PySide6
release built for Python 3.11 (or Python 3.12); until then this keeps the app alive.
"""

import ctypes
import functools
import sys

from PySide6.QtCore import QObject

PROBE_CALLS = 200
# 2**48 lost references at a million Qt calls a second would take nine years.
SHIELD = 2**48


@functools.cache
def void_calls_lose_none() -> bool:
    """Whether a Qt method without a result returns ``None`` without a reference to it."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")  # any method without a result shows it
    # Exactly one per call when the bug is there; unrelated noise is a handful either way.
    return before - sys.getrefcount(None) >= PROBE_CALLS // 2


def shield_none() -> bool:
    """Make ``None`` effectively immortal if this PySide needs it; True if it did. Call once, early."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal already
    if not void_calls_lose_none():
        return False
    # ob_refcnt is the first field of every CPython object: raise it as 3.12's immortality would.
    ctypes.c_ssize_t.from_address(id(None)).value += SHIELD
    return True
