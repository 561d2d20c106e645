"""Autosave for one report editor: debounced, off the GUI thread, one save in flight at a time.

Edits start (or restart) a short timer; when it fires, a copy of the report goes to the worker
pool to be saved, so typing never waits for the database. A change made while a save runs is
saved right after it. ``flush`` saves what is pending now, waiting for a save in flight first so
an older copy can never land after a newer one (the main window calls it before locking).
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.reports import ReportRecord
from desktop_app.ui.worker import Worker, WorkerPool

AUTOSAVE_DELAY_MS = 1000  # long enough to batch a burst of typing, short enough to lose nothing much


class AutosaveController(QObject):
    """Saves a report through ``save`` (the service's) a moment after the last change.

    Signals:
        saved(object): the service's result of a save that wrote (or found nothing to write).
        failed(object): the exception of a save that failed; the changes stay pending.
        state_changed(str): "pending", "saving", "saved" or "failed".
    """

    saved = Signal(object)
    failed = Signal(object)
    state_changed = Signal(str)

    def __init__(
        self,
        pool: WorkerPool,
        save: Callable[[ReportRecord], Any],
        snapshot: Callable[[], ReportRecord],
        delay_ms: int = AUTOSAVE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._save = save
        self._snapshot = snapshot
        self.pending = False
        self.last_failed = False  # no retry loop: a failed save waits for the next change or a flush
        self.in_flight: Worker | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._fire)

    def schedule(self) -> None:
        """Something changed: save a moment after the last change."""
        self.pending = True
        self.last_failed = False
        self.state_changed.emit("pending")
        self.timer.start()

    def _fire(self) -> None:
        if self.in_flight is not None or not self.pending:
            return  # _finished starts the next save
        self.pending = False
        self.state_changed.emit("saving")
        worker = Worker(self._save, self._snapshot(), context=self)
        worker.result.connect(self._succeeded)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)
        self.in_flight = worker
        self._pool.start(worker)

    def _succeeded(self, result: object) -> None:
        self.last_failed = False
        self.saved.emit(result)
        if not self.pending:
            self.state_changed.emit("saved")

    def _failed(self, exc: BaseException) -> None:
        self.pending = True  # nothing of it was stored: keep it for the next attempt
        self.last_failed = True
        self.state_changed.emit("failed")
        self.failed.emit(exc)

    def _finished(self) -> None:
        self.in_flight = None
        if self.pending and not self.last_failed and not self.timer.isActive():
            self.timer.start()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait (running the event loop) until no save is in flight; False on timeout."""
        if self.in_flight is None:
            return True
        loop = QEventLoop()
        self.in_flight.finished.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        return self.in_flight is None

    def flush(self) -> bool:
        """Save pending changes now, on this thread; True if nothing is left unsaved."""
        self.timer.stop()
        if not self.wait():
            return False
        if not self.pending:
            return True
        self.pending = False
        try:
            result = self._save(self._snapshot())
        except EvidenceDeskError as exc:
            self._failed(exc)
            return False
        except BaseException:
            self.pending = True  # a bug: the crash handler gets it; the changes stay pending
            raise
        self._succeeded(result)
        return True

    def stop(self) -> None:
        """Forget pending changes without saving (the report is being closed after a failure)."""
        self.timer.stop()
        self.pending = False
