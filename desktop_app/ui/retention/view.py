"""The retention view: held items and reports by deadline, filtered, and the unlock reminders.

``RetentionWidget(lifecycle, pool)`` reads through the worker pool; nothing in it deletes
(destruction is a separate, confirmed act). ``install_unlock_reminders`` is the app's one-line
hook: after every unlock it derives the automatic holds and puts what needs the reviewer in the
status bar.
"""

from datetime import timedelta

from PySide6.QtCore import QObject, SignalInstance, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.lifecycle import Lifecycle
from desktop_app.core.services.retention import Reminder, RetentionFilter, RetentionRow
from desktop_app.ui.retention.model import RetentionModel
from desktop_app.ui.worker import WorkerPool

FILTERS = (
    ("Everything held", RetentionFilter()),
    ("Due in 30 days", RetentionFilter(due_within=timedelta(days=30))),
    ("Retention review due", RetentionFilter(review_due=True)),
    ("Held by request (2703(f))", RetentionFilter(held_by_request=True)),
)


class RetentionWidget(QWidget):
    """The retention table with its filter."""

    def __init__(self, lifecycle: Lifecycle, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lifecycle = lifecycle
        self._pool = pool
        self.filter = QComboBox()
        for label, _ in FILTERS:
            self.filter.addItem(label)
        self.filter.currentIndexChanged.connect(self.reload)
        self.summary = QLabel()
        self.model = RetentionModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def reload(self) -> None:
        """Re-run the retention query in a worker."""
        wanted = FILTERS[max(self.filter.currentIndex(), 0)][1]
        worker = self._pool.run(self._lifecycle.retention.rows, wanted, context=self)
        worker.result.connect(self._listed)
        worker.error.connect(self._failed)

    def _listed(self, rows: list[RetentionRow]) -> None:
        self.model.set_rows(rows)
        due = sum(1 for r in rows if r.review_due and r.kind == "item")
        self.summary.setText(
            f"{plural(len(rows), 'row')}; {plural(due, 'item')} due for retention review. Nothing is deleted by itself."
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.summary.setText(exc.message)


def reminder_text(reminders: list[Reminder]) -> str:
    """One status-bar line for every reminder."""
    return " ".join(r.message for r in reminders)


class UnlockReminders(QObject):
    """After every unlock, the automatic holds derived and what needs the reviewer in the status bar.

    A child of the window: a result arriving after the window is gone goes nowhere.
    """

    def __init__(self, window: QMainWindow, lifecycle: Lifecycle, pool: WorkerPool) -> None:
        super().__init__(window)
        self._window = window
        self._lifecycle = lifecycle
        self._pool = pool

    def remind(self) -> None:
        """Look for reminders in a worker (nothing to do while locked)."""
        if self._lifecycle.holds.workspace.is_unlocked:
            worker = self._pool.run(self._lifecycle.at_unlock, context=self)
            worker.result.connect(self._show)

    @Slot(object)
    def _show(self, found: list[Reminder]) -> None:
        if found:
            self._window.statusBar().showMessage(reminder_text(found))


def install_unlock_reminders(
    window: QMainWindow, lifecycle: Lifecycle, pool: WorkerPool, unlocked: SignalInstance
) -> None:
    """The app's hook: remind now and after every unlock (``unlocked`` is the window's signal)."""
    reminders = UnlockReminders(window, lifecycle, pool)
    unlocked.connect(reminders.remind)
    reminders.remind()
