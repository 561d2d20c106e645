"""One worker at a time, shown by a dialog's progress bar and stopped by its Cancel button.

The bundle export, bundle check, backup and restore dialogs each run one long generator on the pool
(``ui/worker.py``): while it runs the bar shows how far it is and Cancel stops it at its next
piece; when it ends, however it ends, both hide and ``idle`` tells the dialog to offer its start
button again. The dialog still connects the worker's ``result`` and ``error`` itself: what a
result means is the dialog's business, not this one's.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QProgressBar, QPushButton, QWidget

from desktop_app.core.progress import Progress
from desktop_app.ui.worker import Worker, WorkerPool

_STEPS = 1000  # the bar's resolution once the total is known


class WorkerProgress(QObject):
    """Runs a dialog's workers one at a time on ``pool``, shown by ``bar`` and stopped by ``cancel_button``.

    Args:
        pool: The pool the workers run on.
        bar: Shown while a worker runs; it shows the fraction done once a ``Progress`` has a total
            (with ``fraction`` False it keeps whatever range the dialog gave it).
        cancel_button: Shown while a worker runs, and cancels it; None when the work cannot be stopped.
        parent: The dialog.
        fraction: Whether the bar follows the worker's ``Progress``.

    Signals:
        idle(): the worker ended (a result, an error or a cancel).
    """

    idle = Signal()

    def __init__(
        self,
        pool: WorkerPool,
        bar: QProgressBar,
        cancel_button: QPushButton | None,
        parent: QWidget,
        fraction: bool = True,
    ) -> None:
        super().__init__(parent)
        self._pool, self._bar, self._cancel_button, self._fraction = pool, bar, cancel_button, fraction
        self._worker: Worker | None = None
        bar.hide()
        if cancel_button is not None:
            cancel_button.hide()
            cancel_button.clicked.connect(self.cancel)

    @property
    def running(self) -> bool:
        """Whether a worker is running now."""
        return self._worker is not None

    def start(self, worker: Worker) -> None:
        """Start ``worker`` on the pool and show the bar and Cancel until it ends."""
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        self._bar.show()
        if self._cancel_button is not None:
            self._cancel_button.show()
        self._worker = self._pool.start(worker)

    def cancel(self) -> None:
        """Stop the running worker at its next piece (nothing partial is kept)."""
        if self._worker is not None:
            self._worker.cancel()

    def _on_progress(self, update: object) -> None:
        if self._fraction and isinstance(update, Progress) and update.total:
            self._bar.setRange(0, _STEPS)
            self._bar.setValue(int(_STEPS * min(update.done, update.total) / update.total))

    def _on_finished(self) -> None:
        self._worker = None
        self._bar.hide()
        if self._cancel_button is not None:
            self._cancel_button.hide()
        self.idle.emit()


def browse_row(parent: QWidget, field: QLineEdit, choose: Callable[[], str]) -> QHBoxLayout:
    """``field`` with a Choose… button beside it; what ``choose`` returns fills it (nothing: unchanged)."""
    row = QHBoxLayout()
    row.addWidget(field, 1)
    button = QPushButton("Choose…", parent)
    button.clicked.connect(lambda: field.setText(choose() or field.text()))
    row.addWidget(button)
    return row
