"""Every interpreter setting the app changes, in one place: the GIL switch interval and the collector.

The app (``app.py``), the benchmarks and the GUI tests all enter ``tuned_for_the_gui()``, so what is
measured and tested is what reviewers run. Qt-free: the thread priority of workers is the worker
bridge's business (``ui/interpreter.py``).

Three things stop every thread at once in CPython, and each showed as event-loop stalls in
``benchmarks/ui_bench.py`` or ``benchmarks/match_queue_bench.py``:

* The GIL. Every call from Qt into Python (a model's ``data()``, a slot, a paint) must take it.
  While a worker runs Python code, the GUI thread waits up to the switch interval for it, 5 ms
  by default, each time: a repaint of a few hundred cells could stall for a second.
  ``GUI_SWITCH_INTERVAL_SECONDS`` (0.2 ms) bounds that wait. Measured on a 10,000-file import
  through the window (2 cores): 1 ms left stalls of 100-300 ms, 0.5 ms 90-110 ms, 0.2 ms 50-75 ms,
  for 5-15% of import throughput (within the noise of a shared machine).
* The cyclic garbage collector. Reading 100,000 items allocates about a million tracked objects;
  the full collections that growth triggers walked all of them (300-360 ms each, measured)
  while holding the GIL, and a 10,000-file import triggered them too. Almost none of it is
  garbage: items and rows hold no reference cycles and are freed by reference counting. Three
  switches, from coarse to fine:

  - ``tuned_for_the_gui`` defers automatic full collections for the app's whole run (young
    collections go on); ``collect_garbage`` does the full collection on lock, when a pause
    cannot be felt.
  - ``long_lived_allocation`` defers them while a large, long-lived batch is built (the queue's
    rows) and then freezes what survived, so later full collections skip it; locking unfreezes.
  - ``collector_paused`` switches the collector off altogether while one batch of items is
    decrypted (never across a ``yield``): the pieces all survive, and walking them cost a quarter
    to a third of listing 100,000 items.
* One C-level call over a big container. The last reference to a dict of 100,000 entries going
  away frees all they hold in one cascade, holding the GIL throughout; ``release_gradually``
  empties it one entry per bytecode step instead. Building one is the same: ``dict(rows)`` of
  100,000 fetched pairs held the GIL for 25 ms, where a comprehension gives it up every 0.2 ms.
"""

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

GUI_SWITCH_INTERVAL_SECONDS = 0.0002
NEVER = 2**30  # a full-collection threshold that is never reached

_lock = threading.Lock()
_deferrals = 0  # how many ``long_lived_allocation`` blocks are open
_saved_thresholds = gc.get_threshold()  # what the first open block found
_pauses = 0  # how many ``collector_paused`` blocks are open
_was_enabled = True


@contextmanager
def tuned_for_the_gui() -> Iterator[None]:
    """The app's settings for as long as it runs: a short switch interval, no automatic full collections.

    Both are put back on exit (the end of ``main``, a benchmark, the GUI test session).
    """
    interval = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_SECONDS)
    gc.set_threshold(thresholds[0], thresholds[1], NEVER)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)


@contextmanager
def long_lived_allocation() -> Iterator[None]:
    """Build a large, long-lived batch of objects without full-collection pauses.

    Full collections are deferred inside (nested and concurrent uses are counted; the thresholds
    come back when the last one leaves), and what survived into the oldest generation is then
    frozen: out of the collector's walks, still freed by reference counting when dropped.
    """
    global _deferrals, _saved_thresholds
    with _lock:
        if _deferrals == 0:
            _saved_thresholds = gc.get_threshold()
            gc.set_threshold(_saved_thresholds[0], _saved_thresholds[1], NEVER)
        _deferrals += 1
    try:
        yield
    finally:
        with _lock:
            _deferrals -= 1
            if _deferrals == 0:
                # No full collection first: walking the batch is the very pause this avoids. A
                # cycle that survived the young collections stays frozen until the next lock.
                gc.freeze()
                gc.set_threshold(*_saved_thresholds)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Switch the cyclic collector off while one batch is built (never hold this across a ``yield``).

    Counted, so overlapping uses on several threads cannot switch it back on under each other; a
    collector the caller had switched off stays off. Reference counting still frees everything
    that is not in a cycle.
    """
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def collect_garbage() -> None:
    """Unfreeze and do a full collection now: call it only when a pause cannot be felt (on lock)."""
    gc.unfreeze()
    gc.collect()


def release_gradually(entries: dict[Any, Any] | list[Any]) -> None:
    """Empty a big dict or list one entry at a time, so freeing what it held never holds the GIL for long.

    Dropping the last reference to a dict of 100,000 entries frees everything they hold in one
    C-level cascade, and no other thread runs Python until it ends: freeing a generation of the
    queue's item cache (sealed rows, their cells, ...) held the GIL for 60-70 ms at 100,000 items
    (``benchmarks/match_queue_bench.py``, the window's longest stall while re-matching). Popped
    one entry per bytecode step instead, the interpreter can switch threads between any two.

    Only call it with a container no one else reads: it is emptied.
    """
    pop = entries.popitem if isinstance(entries, dict) else entries.pop
    while entries:
        pop()
