"""The middle of the submission dialog: what will happen (before sending), then the steps as they go.

``SubmissionStepsWidget`` shows an explanation until the work starts, then the steps table (one row
per step and per file, see ``steps.py``) and a bar for the bytes of the whole submission. ``apply``
takes each ``SubmissionProgress`` and returns the line for "what is happening now": the core's own
message, or one made from the running step.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.submission import SubmissionProgress
from desktop_app.ui.submission.steps import (
    DETAIL_COLUMN,
    PROGRESS_COLUMN,
    STEP_COLUMN,
    StepProgressDelegate,
    SubmissionStepsModel,
    size_words,
)


class SubmissionStepsWidget(QWidget):
    """The intro, then the steps table and the overall bar."""

    def __init__(self, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SubmissionStepsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Submission steps")
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, StepProgressDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # an NCMEC message keeps its code and its end
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STEP_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(STEP_COLUMN, 280)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro.setProperty("role", "hint")
        self.intro.setContentsMargins(40, 0, 40, 0)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.intro)
        self.stack.addWidget(self.table)
        self.overall = QProgressBar()
        self.overall.setTextVisible(False)
        self.overall.setRange(0, 1000)
        self.overall.setAccessibleName("Bytes sent")
        self.overall.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.overall)

    def start(self) -> None:
        """Work begins: an empty table in place of the intro."""
        self.model.clear()
        self.stack.setCurrentWidget(self.table)

    def apply(self, update: SubmissionProgress) -> str:
        """Show ``update``; returns what is happening now, in words."""
        self.model.apply(update)
        total = update.total or sum(step.bytes_total for step in self.model.steps)
        if total:
            done = min(update.done, total)
            self.overall.setValue(int(1000 * done / total))
            self.overall.setToolTip(f"{size_words(done)} of {size_words(total)} sent")
        self.overall.setVisible(bool(total))
        return update.message or self.current_words()

    def current_words(self) -> str:
        """What is happening now, from the step that is running (when the core's message is empty)."""
        step = self.model.step(self.model.current)
        if step is None:
            return ""
        if step.status == "retrying":
            return f"{step.label}: trying again. {step.detail}".strip()
        if step.bytes_total and step.bytes_done >= step.bytes_total and step.status == "running":
            return f"{step.label}: sent, waiting for NCMEC's answer…"
        return f"{step.label}…" if step.status == "running" else step.label
