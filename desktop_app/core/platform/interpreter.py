"""Every interpreter setting the app changes, in one place: the GIL switch interval and the collector.

The app (``app.py``), the benchmarks and the GUI tests all enter ``tuned_for_the_gui()`` (through
``ui/interpreter.py``, which adds the GUI thread's collector), so what is measured and tested is
what reviewers run. Qt-free: the timer that collects on the GUI thread and the thread priority of
workers are the UI's business (``ui/interpreter.py``).

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
  garbage: items and rows hold no reference cycles and are freed by reference counting.
* One C-level call over a big container. The last reference to a dict of 100,000 entries going
  away frees all they hold in one cascade, holding the GIL throughout; ``release_gradually``
  empties it one entry per bytecode step instead. Building one is the same: ``dict(rows)`` of
  100,000 fetched pairs held the GIL for 25 ms, where a comprehension gives it up every 0.2 ms.

And one thing that crashed it. An automatic collection runs on whichever thread happens to allocate
when a generation's count passes its threshold, and it frees every unreachable cycle it finds, from
whatever thread made it. A cycle that holds a Qt wrapper (a dialog and a controller that point at
each other, a ``Worker`` and its runnable, a lambda that captured a widget) then has its C++
destructor run on a worker thread, while the GUI thread uses the same objects: a segmentation
fault in the middle of a plain allocation on the worker (seen in the GUI tests, at
``Node.__init__`` under ``SubmissionService.plan``). So while the GUI runs, nothing collects
automatically: ``tuned_for_the_gui`` switches automatic collection off, and the GUI thread calls
``collect_if_due`` from a timer (``ui/interpreter.py``; pyqtgraph's ``GarbageCollector`` does the
same), which does the young collections, on the one thread that may destroy Qt objects. Workers
may allocate freely; they never collect. The CLI has no GUI thread and keeps the interpreter's own
automatic collection.

The switches, from coarse to fine:

  - ``tuned_for_the_gui`` hands collection to ``collect_if_due`` and defers full collections for
    the app's whole run (young collections go on, on the GUI thread); ``collect_garbage`` does the
    full collection on lock, when a pause cannot be felt.
  - ``long_lived_allocation`` defers full collections while a large, long-lived batch is built (the
    queue's rows) and then freezes what survived, so later full collections skip it; locking
    unfreezes.
  - ``collector_paused`` stops collection altogether while one batch of items is decrypted (never
    across a ``yield``): the pieces all survive, and walking them cost a quarter to a third of
    listing 100,000 items. It switches the automatic collector off where one runs (the CLI), and
    makes ``collect_if_due`` wait where the GUI collects; it never switches automatic collection
    on from a worker while the GUI runs.
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
    """The app's settings for as long as it runs: a short switch interval, no automatic collection.

    Enter it through ``ui/interpreter.py``'s ``tuned_for_the_gui``, which runs ``collect_if_due`` on
    the GUI thread: on its own this only stops automatic collection. Nested uses are fine (the app
    started inside the GUI tests); everything is put back on exit (the end of ``main``, a
    benchmark, the GUI test session).
    """
    global _was_enabled
    interval = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    with _lock:
        enabled = _was_enabled if _pauses else gc.isenabled()
        gc.disable()
        _was_enabled = False  # an open pause must not switch it back on when it ends
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_SECONDS)
    gc.set_threshold(thresholds[0], thresholds[1], NEVER)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
        with _lock:
            if _pauses:
                _was_enabled = enabled  # the last pause to end puts it back
            elif enabled:
                gc.enable()


def collect_if_due() -> int:
    """The young collection, on the calling thread, once the youngest generation passed its threshold.

    Both young generations at once, so every object is walked once before it is old, in pieces no
    larger than what was allocated since the last call: left to the generations' own thresholds, the
    middle one would gather ten calls' survivors into one walk (measured: 194,000 objects, 138 ms on
    a loaded machine, against 1-18 ms for one call's worth). Full collections wait for the lock;
    nothing is collected while ``collector_paused`` is open. Returns how many unreachable objects
    it found; cheap when nothing is due. Call it only on the GUI thread.
    """
    if _pauses:
        return 0
    threshold = gc.get_threshold()[0]
    if threshold == 0 or gc.get_count()[0] <= threshold:  # 0: the caller wants no collections
        return 0
    return gc.collect(1)


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
    """Stop cyclic collection while one batch is built (never hold this across a ``yield``).

    Counted, so overlapping uses on several threads cannot switch it back on under each other; a
    collector the caller had switched off stays off, and so does the GUI's (``collect_if_due``
    waits instead). Reference counting still frees everything that is not in a cycle.
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
