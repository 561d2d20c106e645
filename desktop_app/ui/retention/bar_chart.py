"""A labelled bar chart drawn with QPainter: the only chart the transparency figures need.

Why not a library: the figures are a handful of counts per month or per category, and every
value is printed on its bar. QtCharts lives in PySide6-Addons (not in the Essentials we ship, and
many times their size); pyqtgraph is built for large numeric plots, and matplotlib would add its
own renderer and font stack to the frozen build. This is one small paint routine, no dependency
(docs/transparency-figures.md has the measurements and the choice).
"""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_COLOUR = QColor("#3b6ea8")


class BarChartWidget(QWidget):
    """Vertical bars, one per label, the value above each bar and the label below (rotated when crowded)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.values: dict[str, int] = {}
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_values(self, title: str, values: dict[str, int]) -> None:
        """Show ``values`` (label -> count) in their order."""
        self.title = title
        self.values = dict(values)
        self.setAccessibleDescription(f"{title}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Qt override."""
        return QSize(640, 300)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Qt override: title, baseline, bars, values and labels."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(text)
        painter.drawText(QRectF(0, 0, self.width(), line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        if not self.values:
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "Nothing in this period")
            return
        labels = list(self.values)
        slot = (self.width() - 16) / len(labels)
        widest = max(metrics.horizontalAdvance(label) for label in labels)
        rotated = widest + 6 > slot
        label_room = (min(widest, 160) + 8) if rotated else line + 6
        top, bottom = line * 2 + 6, self.height() - label_room
        peak = max(self.values.values()) or 1
        painter.setPen(text)
        painter.drawLine(8, bottom, self.width() - 8, bottom)
        for index, label in enumerate(labels):
            value = self.values[label]
            left = 8 + index * slot
            height = (bottom - top) * value / peak
            bar = QRectF(left + slot * 0.15, bottom - height, slot * 0.7, height)
            painter.fillRect(bar, BAR_COLOUR)
            painter.drawText(
                QRectF(left, bottom - height - line - 2, slot, line), Qt.AlignmentFlag.AlignHCenter, str(value)
            )
            if rotated:
                painter.save()
                painter.translate(left + slot / 2 + line / 3, bottom + 4)
                painter.rotate(90)
                painter.drawText(QRectF(0, -line, label_room, line), Qt.AlignmentFlag.AlignLeft, label)
                painter.restore()
            else:
                painter.drawText(QRectF(left, bottom + 3, slot, line), Qt.AlignmentFlag.AlignHCenter, label)
        painter.end()
