"""The submission's steps as a table: one row per step and per file, with progress and speed.

``SubmissionStepsModel`` holds the latest ``StepProgress`` of every step the core reported (open the
report, upload and describe each file, finish, retract) and, for the step that is moving bytes, its
speed. ``StepProgressDelegate`` paints the progress column as a slim bar. Status icons are drawn
here from the theme's colours, so they look the same on every platform and in screenshots.
"""

import time
from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app.core.domain.submission import StepProgress, SubmissionProgress
from desktop_app.ui.submission.state import text_tooltip
from desktop_app.ui.theme import ACCENT, BORDER, NOTICE_TEXT, OK_TEXT, PROBLEM_TEXT, SECONDARY_TEXT

COLUMNS = ("Step", "Progress", "Speed", "Now")
STEP_COLUMN, PROGRESS_COLUMN, SPEED_COLUMN, DETAIL_COLUMN = range(4)
FRACTION_ROLE = Qt.ItemDataRole.UserRole + 1  # 0..1, or -1 while running with no byte count
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
STATUS_WORDS = {
    "pending": "waiting",
    "running": "in progress",
    "retrying": "retrying",
    "done": "done",
    "failed": "failed",
    "skipped": "not run",
}
_STATUS_COLOURS = {
    "pending": BORDER,
    "running": ACCENT,
    "retrying": NOTICE_TEXT,
    "done": OK_TEXT,
    "failed": PROBLEM_TEXT,
    "skipped": SECONDARY_TEXT,
}
Index = QModelIndex | QPersistentModelIndex


def size_words(count: float) -> str:
    """Bytes for people: ``812 B``, ``4.2 MB``, ``1.0 GB`` (decimal units, as speeds are quoted)."""
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover - the loop returns


@cache
def status_icon(status: str) -> QIcon:
    """A 16-pixel mark for a step status: ring (waiting), dot (moving), tick, cross, dash."""
    size = 32  # drawn at 2x and scaled down by the view: crisp at any device pixel ratio
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    colour = QColor(_STATUS_COLOURS.get(status, SECONDARY_TEXT))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    circle = QRectF(3, 3, size - 6, size - 6)
    if status == "pending":
        painter.setPen(QPen(colour, 3))
        painter.drawEllipse(circle)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(circle)
        mark = QPen(QColor("#ffffff"), 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(mark)
        if status == "done":
            painter.drawPolyline([QPointF(9, 16), QPointF(14, 21), QPointF(23, 11)])
        elif status == "failed":
            painter.drawLine(11, 11, 21, 21)
            painter.drawLine(21, 11, 11, 21)
        elif status == "skipped":
            painter.drawLine(10, 16, 22, 16)
        elif status == "retrying":
            painter.drawArc(QRectF(10, 10, 12, 12), 60 * 16, 270 * 16)
        else:  # running
            painter.setBrush(QColor("#ffffff"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(12, 12, 8, 8))
    painter.end()
    return QIcon(pixmap)


class SubmissionStepsModel(QAbstractTableModel):
    """The steps of one submission, in the order the core reports them."""

    def __init__(self, parent: QWidget | None = None, clock: Any = time.monotonic) -> None:
        super().__init__(parent)
        self.steps: list[StepProgress] = []
        self.current = ""
        self.speeds: dict[str, float] = {}
        self._clock = clock

    def key_row(self, key: str) -> int:
        """The row of the step ``key``, or -1."""
        return next((n for n, step in enumerate(self.steps) if step.key == key), -1)

    def step(self, key: str) -> StepProgress | None:
        """The latest progress of step ``key``."""
        row = self.key_row(key)
        return self.steps[row] if row >= 0 else None

    def apply(self, progress: SubmissionProgress) -> None:
        """Take the core's latest picture: rows change in place, new steps are appended."""
        self.current = progress.current
        if progress.bytes_per_second is not None and progress.current:
            self.speeds[progress.current] = progress.bytes_per_second
        keys = [step.key for step in progress.steps]
        if keys != [step.key for step in self.steps]:
            self.beginResetModel()
            self.steps = list(progress.steps)
            self.endResetModel()
            return
        for row, step in enumerate(progress.steps):
            if step != self.steps[row]:
                self.steps[row] = step
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if self.steps:
            self.dataChanged.emit(self.index(0, SPEED_COLUMN), self.index(len(self.steps) - 1, SPEED_COLUMN))

    def clear(self) -> None:
        """No steps."""
        self.beginResetModel()
        self.steps = []
        self.current = ""
        self.speeds = {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Steps (a table: no children)."""
        return 0 if parent.isValid() else len(self.steps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Step, progress, speed, what is happening now."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Label with a status icon; progress (text and fraction); speed; detail."""
        if not index.isValid() or not 0 <= index.row() < len(self.steps):
            return None
        step = self.steps[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (step.label, self._progress_text(step), self._speed_text(step), step.detail)[column]
        if role == Qt.ItemDataRole.DecorationRole and column == STEP_COLUMN:
            return status_icon(step.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            words = STATUS_WORDS.get(step.status, step.status)
            # The detail quotes NCMEC's descriptions: escaped, or a tooltip would render their markup.
            return text_tooltip(f"{step.label}: {words}" + (f" — {step.detail}" if step.detail else ""))
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == STEP_COLUMN:
            return STATUS_WORDS.get(step.status, step.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == DETAIL_COLUMN and step.status == "failed":
            return QColor(PROBLEM_TEXT)
        if role == FRACTION_ROLE:
            return self._fraction(step)
        if role == STATUS_ROLE:
            return step.status
        if role == KEY_ROLE:
            return step.key
        return None

    @staticmethod
    def _fraction(step: StepProgress) -> float:
        if step.status == "done":
            return 1.0
        if step.bytes_total > 0:
            return min(step.bytes_done / step.bytes_total, 1.0)
        return -1.0 if step.status in ("running", "retrying") else 0.0

    @staticmethod
    def _progress_text(step: StepProgress) -> str:
        if step.bytes_total > 0 and step.status != "skipped":
            if step.status == "done":
                return size_words(step.bytes_total)
            if step.status == "pending":
                return f"waiting ({size_words(step.bytes_total)})"
            return f"{size_words(step.bytes_done)} of {size_words(step.bytes_total)}"
        return STATUS_WORDS.get(step.status, step.status)

    def _speed_text(self, step: StepProgress) -> str:
        speed = self.speeds.get(step.key)
        if speed is None or step.bytes_total <= 0 or step.status in ("pending", "skipped"):
            return ""
        return f"{size_words(speed)}/s"


class StepProgressDelegate(QStyledItemDelegate):
    """Paints the progress column: a slim bar (striped while a step runs with no byte count), then words."""

    BAR_WIDTH = 120

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        """Room for the bar and the words."""
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + self.BAR_WIDTH + 12, max(hint.height(), 30))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """The bar, then the text beside it."""
        fraction = index.data(FRACTION_ROLE)
        status = index.data(STATUS_ROLE) or "pending"
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(10, 0, -8, 0)
        bar = QRect(rect.left(), rect.center().y() - 3, self.BAR_WIDTH, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e6e9ed"))
        painter.drawRoundedRect(bar, 3, 3)
        colour = QColor(_STATUS_COLOURS.get(status, ACCENT))
        if status == "pending":
            colour = QColor(ACCENT)
        painter.setBrush(colour)
        if fraction is not None and fraction < 0:
            # Busy with no byte count: a third of the bar, so "in progress" reads at a glance.
            painter.drawRoundedRect(QRect(bar.left(), bar.top(), bar.width() // 3, bar.height()), 3, 3)
        elif fraction:
            painter.drawRoundedRect(
                QRect(bar.left(), bar.top(), max(int(bar.width() * fraction), 6), bar.height()), 3, 3
            )
        painter.setPen(option.palette.text().color())
        text_rect = rect.adjusted(self.BAR_WIDTH + 10, 0, 0, 0)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), index.data() or "")
        painter.restore()
