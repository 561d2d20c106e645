"""A one-line text that changes often without disturbing the layout around it.

``QLabel.setText`` always asks its layout to recompute sizes, and a re-layout of the queue page
repaints the whole queue table (measured in benchmarks/ui_bench.py: every progress update of an
import repainted it, and its cells are drawn by Python). ``LiveText`` has a fixed height, takes the
width it is given and only repaints itself when its text changes; long text is elided.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui.theme import SECONDARY_TEXT


class LiveText(QWidget):
    """Elided single-line text in the hint colour.

    Args:
        text: The initial text.
        parent: The parent widget.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The full text (as ``QLabel.text``)."""
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - the QLabel name, so callers need not care
        """Show ``text``; repaints only this widget, and only if the text changed."""
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        """One line of the current font; the width is the layout's business."""
        return QSize(120, self.fontMetrics().height() + 2)

    def minimumSizeHint(self) -> QSize:
        """Never asks for more width than a short word."""
        return QSize(20, self.fontMetrics().height() + 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The text, elided at the right if it does not fit."""
        painter = QPainter(self)
        painter.setPen(QColor(SECONDARY_TEXT))
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
