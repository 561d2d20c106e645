"""The import progress strip: a bar, items and problems counted, bytes, time left, and Cancel.

It shows whatever the running import reports (``show_progress``) and computes the estimate of the
time left itself, from the rate since the import started, so core never has to know about clocks
on screens. It sits above the queue and hides itself when no import runs; per-item problems are
listed in the queue, never as dialogs.
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.models.queue_rows import size_text
from desktop_app.ui.theme import set_role
from desktop_app.ui.widgets.live_text import LiveText

MIN_SECONDS_FOR_ETA = 1.5  # before this the rate is noise and an estimate would jump around


@dataclass(frozen=True, slots=True)
class ImportStatus:
    """What the strip shows, read from a progress record by the controller."""

    done: int
    total: int | None
    problems: int = 0
    bytes_done: int = 0
    bytes_total: int | None = None
    message: str = ""
    unit: str = "items"


def duration_text(seconds: float) -> str:
    """'about 5 s', 'about 2 min', 'about 1 h 10 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"about {max(1, seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"


def eta_seconds(status: ImportStatus, elapsed: float) -> float | None:
    """Time left at the rate so far: by bytes when their total is known, else by items."""
    if elapsed < MIN_SECONDS_FOR_ETA:
        return None
    if status.bytes_total and status.bytes_done > 0:
        return (status.bytes_total - status.bytes_done) * elapsed / status.bytes_done
    if status.total and status.done > 0:
        return (status.total - status.done) * elapsed / status.done
    return None


class ImportProgressWidget(QFrame):
    """A card shown while an import runs."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.title = QLabel("Importing")
        self.title.setProperty("role", "strong")
        self.counts = LiveText()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        # Text that changes ten times a second must not re-lay out the page (see LiveText).
        self.detail = LiveText()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current file; everything already imported stays")
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.hide)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.title)
        top.addWidget(self.counts, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.close_button)
        # The bar and its line of detail give way to the outcome in the same place, as high as a
        # one-line outcome: the strip keeps its height when an import ends, so the page is not laid
        # out again. That re-layout moved and repainted every widget below the strip, each event
        # through the auto-lock's filter into Python while the queue's reload held the GIL: the
        # longest stall of a 10,000-file import (80 ms, benchmarks/ui_bench.py).
        self.running = QWidget()
        running = QVBoxLayout(self.running)
        running.setContentsMargins(0, 0, 0, 0)
        running.setSpacing(6)
        running.addWidget(self.bar)
        running.addWidget(self.detail)
        running.addStretch(1)
        self.body = QStackedWidget()
        self.body.addWidget(self.running)
        self.body.addWidget(self.outcome)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self.outcome.setMinimumHeight(self._one_line_outcome_height())
        self._started = time.monotonic()
        self.status: ImportStatus | None = None
        self.hide()

    def start(self, what: str) -> None:
        """Show the strip for a new import of ``what`` ('3 folders', '12 files')."""
        self._started = time.monotonic()
        self.status = None
        self.title.setText(f"Importing {what}")
        self.counts.setText("Starting…")
        self.detail.setText("")
        self.bar.setRange(0, 0)
        self.outcome.setText("")  # a long outcome of the last import would keep the strip tall
        self.body.setCurrentWidget(self.running)
        self.close_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.show()

    def show_progress(self, status: ImportStatus) -> None:
        """Show a progress update."""
        if self.status is not None and self.status.unit != status.unit:
            self._started = time.monotonic()  # a new phase (scanning, importing, analysing) has its own rate
        self.status = status
        maximum = status.total or 0  # 0 to 0: a busy bar while the total is unknown
        if self.bar.maximum() != maximum:
            self.bar.setRange(0, maximum)
        if maximum:
            self.bar.setValue(min(status.done, maximum))
        total = f" of {status.total:,}" if status.total is not None else ""
        problems = f" · {status.problems:,} with problems" if status.problems else ""
        self.counts.setText(f"{status.done:,}{total} {status.unit}{problems}")
        parts = []
        if status.bytes_done or status.bytes_total:
            of = f" of {size_text(status.bytes_total)}" if status.bytes_total else ""
            parts.append(f"{size_text(status.bytes_done)}{of}")
        eta = eta_seconds(status, time.monotonic() - self._started)
        if eta is not None:
            parts.append(f"{duration_text(eta)} left")
        if status.message:
            parts.append(status.message)
        self.detail.setText(" · ".join(parts))

    def finish(self, title: str, outcome: str, role: str = "ok") -> None:
        """Turn the strip into the import's outcome (kept until closed; per-item problems are in the queue).

        Args:
            title: The headline ("Import finished", "Import cancelled").
            outcome: One or two sentences: counts, and what to look at.
            role: The outcome's style: "ok", "notice" or "problem".
        """
        self.title.setText(title)
        self.counts.setText("")
        self.cancel_button.hide()
        self.close_button.show()
        self.outcome.setText(outcome)
        set_role(self.outcome, role)
        self.body.setCurrentWidget(self.outcome)
        self.show()

    def _one_line_outcome_height(self) -> int:
        """How high the outcome is with one line of text (every role has the same padding)."""
        set_role(self.outcome, "ok")
        self.outcome.setText("Import finished")
        height = self.outcome.sizeHint().height()
        self.outcome.setText("")
        return height

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.counts.setText(self.counts.text() + " · stopping after the current file")
        self.cancel_requested.emit()
