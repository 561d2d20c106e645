"""Interpreter settings that keep the GUI thread responsive while workers run Python.

Two things stop every thread at once in CPython, and both showed as event-loop stalls in
``benchmarks/ui_bench.py``:

* The GIL. Every call from Qt into Python (a model's ``data()``, a slot, a paint) must take it.
  While a worker runs Python code, the GUI thread waits up to the switch interval for it, 5 ms
  by default, each time: a repaint of a few hundred cells could stall for a second.
  ``favour_the_gui_thread`` sets 0.2 ms, which bounds that wait. Measured on a 10,000-file import
  through the window (2 cores): 1 ms left stalls of 100-300 ms, 0.5 ms 90-110 ms, 0.2 ms 50-75 ms,
  for 5-15% of import throughput (within the noise of a shared machine).
* The cyclic garbage collector. Reading 100,000 items allocates about a million tracked objects;
  the full collections that growth triggers walked all of them (300-360 ms each, measured)
  while holding the GIL, and a 10,000-file import triggered them too. Almost none of it is
  garbage: items and rows hold no reference cycles and are freed by reference counting.
  ``long_lived_allocation`` defers full collections while such a batch is built (young
  collections go on, so short-lived cycles are still reclaimed) and then freezes what survived,
  so later full collections skip it. Locking drops the batches and ``release_long_lived``
  unfreezes what is left, so nothing stays out of the collector's reach for good.

And one thing the operating system decides: on a busy machine the GUI thread competes for CPU
with the workers of its own process. ``lower_this_thread`` gives a worker thread a slightly lower
priority (nice +5 on Linux, where Qt's thread priorities have no effect; Qt's low priority
elsewhere), so input and painting come first. Only slightly: a worker descheduled while it holds
the GIL would make the GUI wait for it (measured: +10 traded smaller stalls for that inversion).
"""

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

GUI_SWITCH_INTERVAL_SECONDS = 0.0002
WORKER_NICENESS = 5

_thread_state = threading.local()

_pause_lock = threading.Lock()
_pauses = 0  # how many ``long_lived_allocation`` blocks are open
_saved_thresholds = gc.get_threshold()  # what the first open block found
NEVER = 2**30  # a full-collection threshold that is never reached


def favour_the_gui_thread() -> float:
    """Make the interpreter hand the GIL over often, so the GUI thread never waits long for it.

    Returns:
        The previous switch interval, for whoever wants to put it back.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_SECONDS)
    return previous


@contextmanager
def long_lived_allocation() -> Iterator[None]:
    """Build a large, long-lived batch of objects without full-collection pauses.

    Full collections are deferred inside (nested and concurrent uses are counted; the thresholds
    come back when the last one leaves), and what survived into the oldest generation is then
    frozen: out of the collector's walks, still freed by reference counting when dropped.
    """
    global _pauses, _saved_thresholds
    with _pause_lock:
        if _pauses == 0:
            _saved_thresholds = gc.get_threshold()
            gc.set_threshold(_saved_thresholds[0], _saved_thresholds[1], NEVER)
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                # No full collection first: walking the batch is the very pause this avoids. A
                # cycle that survived the young collections stays frozen until the next lock.
                gc.freeze()
                gc.set_threshold(*_saved_thresholds)


def defer_full_collections() -> tuple[int, int, int]:
    """Stop automatic full collections (young ones go on); returns the thresholds to restore."""
    previous = gc.get_threshold()
    gc.set_threshold(previous[0], previous[1], NEVER)
    return previous


def collect_garbage() -> None:
    """Unfreeze and do a full collection now: call it only when a pause cannot be felt (on lock)."""
    gc.unfreeze()
    gc.collect()


def lower_this_thread() -> None:
    """Run the calling (worker) thread at a slightly lower priority than the GUI; once per thread."""
    if getattr(_thread_state, "lowered", False):
        return
    _thread_state.lowered = True
    if sys.platform.startswith("linux"):
        # Linux threads are schedulable tasks with their own nice value; raising it needs no rights.
        # A sandbox may forbid it all the same; responsiveness then rests on the other measures.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
    else:
        from PySide6.QtCore import QThread

        thread = QThread.currentThread()
        if thread is not None:
            thread.setPriority(QThread.Priority.LowPriority)
