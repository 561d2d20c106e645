"""Worker threads run a little below the GUI thread (the rest of the tuning is core/platform/interpreter.py).

On a busy machine the GUI thread competes for CPU with the workers of its own process.
``lower_this_thread`` gives a worker thread a slightly lower priority (nice +5 on Linux, where Qt's
thread priorities have no effect; Qt's low priority elsewhere), so input and painting come first.
Only slightly: a worker descheduled while it holds the GIL would make the GUI wait for it
(measured: +10 traded smaller stalls for that inversion).
"""

import contextlib
import os
import sys
import threading

WORKER_NICENESS = 5

_thread_state = threading.local()


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
