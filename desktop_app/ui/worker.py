"""The one bridge between core work and the GUI thread.

A ``Worker`` runs a core callable, or a core progress generator, on a ``QThreadPool`` and reports
back through four signals, always on the GUI thread:

* ``progress(object)``: the generator's ``Progress`` records, throttled to at most 10 a second, and
  always the last one before the result;
* ``result(object)``: the return value (a generator's ``StopIteration.value``);
* ``error(object)``: the exception. Expected failures (``EvidenceDeskError``) are for the caller to
  show inline; anything else is a bug and is *also* handed to ``sys.excepthook``, which the crash
  handler owns, so a caller that only handles expected errors cannot swallow a bug;
* ``finished()``: always, exactly once, after ``result`` or ``error``.

**The receiver.** A worker started for a widget names it: ``pool.run(fn, ..., context=widget)``, as Qt's
own ``connect(signal, context, slot)`` does. Once the context is destroyed (a dialog closed with
``WA_DeleteOnClose``, an editor replaced) the worker delivers nothing more, not even ``finished``: a
lambda that captured the widget would otherwise run on a deleted C++ object and end in the crash
dialog. The work itself is not stopped (a save must still land); a bug in it still reaches the crash
handler. Without a context the worker delivers to whatever is connected, for as long as it runs.

The thread emits private signals that are queued to the worker's own slots, which re-emit the public
ones. That makes the thread of every public emission the GUI thread, whatever the receiver is (a
bound method, a lambda), instead of depending on how PySide picks a connection type for plain
callables. ``WorkerPool`` holds a reference to every running worker until ``finished`` so neither
the worker nor its runnable can be garbage-collected mid-run.

Tests wait with ``qtbot.waitSignal(worker.finished)``; teardown calls ``WorkerPool.wait_for_done``.
"""

import inspect
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken
from desktop_app.ui.interpreter import lower_this_thread

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.1  # <= 10 updates a second: enough to feel live, never a flood


class _Job(QRunnable):
    """The part that runs on the pool thread. Holds no Qt objects of its own."""

    def __init__(self, worker: "Worker") -> None:
        super().__init__()
        self._worker = worker
        # Python owns the runnable (through the worker), not the pool: no double deletion.
        self.setAutoDelete(False)

    def run(self) -> None:
        """Run the task, deliver its outcome, and always announce the end."""
        worker = self._worker
        lower_this_thread()  # background work yields the CPU to input and painting
        try:
            outcome = worker.fn(*worker.args, **worker.kwargs)
            if inspect.isgenerator(outcome):
                outcome = self._drive(outcome)
        except BaseException as exc:  # noqa: B036 - delivered, never swallowed: see the module docstring
            worker.raw_failed.emit(exc)
        else:
            worker.raw_succeeded.emit(outcome)
        finally:
            worker.raw_finished.emit()

    def _drive(self, generator: Any) -> Any:
        worker = self._worker
        last = float("-inf")
        held: Any = None  # the latest update the throttle held back
        while True:
            try:
                update = next(generator)
            except StopIteration as stop:
                if held is not None:
                    # The last word before the result is never dropped: a view showing progress would
                    # otherwise end on a stale picture (a step still "running" after the work is done).
                    worker.raw_progressed.emit(held)
                return stop.value
            now = time.monotonic()
            if now - last >= worker.progress_interval:
                last = now
                held = None
                worker.raw_progressed.emit(update)
            else:
                held = update


class Worker(QObject):
    """One piece of core work run off the GUI thread. Create in the GUI thread; start with a pool.

    Args:
        fn: A callable; if it returns a generator, the generator is driven to completion and its
            yields become ``progress``.
        *args: Positional arguments for ``fn``.
        cancel: The token ``fn`` polls, if it supports cancellation; ``cancel()`` sets it.
        context: The object the outcome is for; once it is destroyed nothing more is delivered.
        **kwargs: Keyword arguments for ``fn``.
    """

    progress = Signal(object)
    result = Signal(object)
    error = Signal(object)
    finished = Signal()

    # Emitted on the pool thread, queued to the slots below.
    raw_progressed = Signal(object)
    raw_succeeded = Signal(object)
    raw_failed = Signal(object)
    raw_finished = Signal()
    # After ``finished`` if delivered: always, whether or not the context still lives (the pool's books).
    settled = Signal()

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        cancel: CancelToken | None = None,
        context: QObject | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.cancel_token = cancel
        self.context = context
        self._context_destroyed = False
        if context is not None:
            context.destroyed.connect(self._on_context_destroyed)
        self.progress_interval = PROGRESS_INTERVAL_SECONDS
        self.running = False
        self.runnable = _Job(self)
        queued = Qt.ConnectionType.QueuedConnection
        self.raw_progressed.connect(self._on_progressed, queued)
        self.raw_succeeded.connect(self._on_succeeded, queued)
        self.raw_failed.connect(self._on_failed, queued)
        self.raw_finished.connect(self._on_finished, queued)

    def cancel(self) -> None:
        """Ask the work to stop at its next check (only if it was given a cancel token)."""
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    @property
    def delivering(self) -> bool:
        """False once the context is destroyed: its outcome then has nobody to go to."""
        if self.context is None:
            return True
        return not self._context_destroyed and shiboken6.isValid(self.context)

    @Slot()
    def _on_context_destroyed(self) -> None:
        self._context_destroyed = True

    @Slot(object)
    def _on_progressed(self, update: object) -> None:
        if self.delivering:
            self.progress.emit(update)

    @Slot(object)
    def _on_succeeded(self, value: object) -> None:
        if self.delivering:
            self.result.emit(value)
        else:
            log.debug("%s: result dropped, its receiver is gone", _name(self.fn))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            log.info("%s failed: %s (%s)", _name(self.fn), type(exc).__name__, exc.code)
        if self.delivering:
            self.error.emit(exc)
        if not isinstance(exc, EvidenceDeskError):
            # A bug: the crash handler reports it even if the caller handles ``error`` quietly, or
            # its receiver is gone.
            sys.excepthook(type(exc), exc, exc.__traceback__)

    @Slot()
    def _on_finished(self) -> None:
        self.running = False
        if self.delivering:
            self.finished.emit()
        self.context = None  # no longer needed; do not keep a closed widget's wrapper alive
        self.settled.emit()


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


class WorkerPool(QObject):
    """A thread pool plus the references that keep its running workers alive.

    Args:
        max_threads: Pool size. Two by default: the work is a KDF or a database pass, and more
            threads would only contend for the one SQLite writer.
        parent: The owning QObject.
    """

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: set[Worker] = set()

    def start(self, worker: Worker) -> Worker:
        """Run ``worker``; connect its signals before or right after this call (delivery is queued)."""
        self._active.add(worker)
        worker.settled.connect(lambda: self._active.discard(worker))
        worker.running = True
        self._pool.start(worker.runnable)
        return worker

    def run(self, fn: Callable[..., Any], *args: Any, context: QObject | None = None, **kwargs: Any) -> Worker:
        """Shorthand for ``start(Worker(fn, *args, context=context, **kwargs))``."""
        return self.start(Worker(fn, *args, context=context, **kwargs))

    @property
    def active_count(self) -> int:
        """Workers started that have not settled yet (their queued ``finished`` is still to come)."""
        return len(self._active)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the pool threads are idle (teardown and quit); True if they are."""
        return bool(self._pool.waitForDone(msecs))
