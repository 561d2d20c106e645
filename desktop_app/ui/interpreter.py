"""The interpreter as the GUI runs it: collection on the GUI thread only, workers a little below it.

``tuned_for_the_gui(app)`` is what the app, the benchmarks and the GUI tests enter. It applies the
Qt-free settings of ``core/platform/interpreter.py`` (a short GIL switch interval, automatic
collection off) and runs the collection from a timer on the GUI thread instead
(``collect_if_due``, every ``COLLECT_INTERVAL_MS``). Why: an automatic collection runs on whichever
thread allocates, and frees whatever unreachable cycles it finds; a cycle holding a Qt wrapper (a
dialog and its controller, a worker and its runnable, a lambda capturing a widget) then has its C++
destructor run on a worker thread while the GUI thread uses it, a segmentation fault. The interval
is short because the pause of a collection grows with what was allocated since the last one: a
worker allocating flat out made about 17,000 objects in 20 ms, walked in 1.2 ms (61,000 in 50 ms:
up to 33 ms, on a loaded machine). When nothing is due a tick costs a function call.

On a busy machine the GUI thread competes for CPU with the workers of its own process.
``lower_this_thread`` gives a worker thread a slightly lower priority (nice +5 over the GUI thread on
Linux, where Qt's thread priorities have no effect; Qt's low priority elsewhere), so input and
painting come first.
Only slightly: a worker descheduled while it holds the GIL would make the GUI wait for it
(measured: +10 traded smaller stalls for that inversion).
"""

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, QThread, QTimer

from desktop_app.core.platform import interpreter

COLLECT_INTERVAL_MS = 20

WORKER_NICENESS = 5

_thread_state = threading.local()


@contextlib.contextmanager
def tuned_for_the_gui(app: QCoreApplication) -> Iterator[QTimer]:
    """The app's interpreter settings, with the collection done on ``app``'s thread; nests.

    Enter it on the GUI thread once the application exists (the timer needs its event loop);
    yields the collecting timer.
    """
    if QThread.currentThread() is not app.thread():
        raise RuntimeError("tuned_for_the_gui must be entered on the GUI thread")
    with interpreter.tuned_for_the_gui():
        timer = QTimer()
        timer.setInterval(COLLECT_INTERVAL_MS)
        timer.timeout.connect(interpreter.collect_if_due)
        timer.start()
        try:
            yield timer
        finally:
            timer.stop()


def lower_this_thread() -> None:
    """Run the calling (worker) thread at a slightly lower priority than the GUI; once per thread."""
    if getattr(_thread_state, "lowered", False):
        return
    _thread_state.lowered = True
    if sys.platform.startswith("linux"):
        # Linux threads are schedulable tasks with their own nice value; raising it needs no rights.
        # A sandbox may forbid it all the same; responsiveness then rests on the other measures.
        # Relative to the nice value the thread inherited from the GUI thread that started it: an app
        # started with ``nice`` would otherwise get workers as urgent as its GUI thread.
        with contextlib.suppress(OSError):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS, 19))
    else:
        thread = QThread.currentThread()
        if thread is not None:
            thread.setPriority(QThread.Priority.LowPriority)
