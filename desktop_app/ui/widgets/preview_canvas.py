"""Paints one picture, or a grid of video keyframes with their time labels, scaled to fit.

The canvas only paints the ``QImage``s it is given (protected or revealed: the viewer decides) and
reports mouse presses, so a click or a press-and-hold on the picture works like the Reveal button.
There is no playback and no audio path anywhere: a video is a still grid.
"""

import math

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui.theme import BORDER, SECONDARY_TEXT, WINDOW

GAP = 8
PADDING = 10
LABEL_HEIGHT = 18


class PreviewCanvas(QWidget):
    """A picture area. ``set_images`` replaces what is shown; ``set_message`` shows text instead."""

    pressed = Signal()
    released = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self.labels: list[str] = []
        self.message = ""
        self.setMinimumSize(260, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        """Roomy by default; the splitter decides in the end."""
        return QSize(400, 300)

    def set_images(self, images: list[QImage], labels: list[str]) -> None:
        """Show these pictures (one fills the area; several make a grid)."""
        self.images, self.labels, self.message = list(images), list(labels), ""
        self.update()

    def set_message(self, message: str) -> None:
        """Show a line of text instead of pictures (loading, cannot render, nothing selected)."""
        self.images, self.labels, self.message = [], [], message
        self.update()

    def clear(self) -> None:
        """Show nothing at all."""
        self.set_message("")

    def cells(self) -> list[QRect]:
        """Where each picture's cell is (grid layout for several, the whole area for one)."""
        count = len(self.images)
        if count == 0:
            return []
        area = self.rect().adjusted(PADDING, PADDING, -PADDING, -PADDING)
        columns = math.ceil(math.sqrt(count))
        rows = math.ceil(count / columns)
        label = LABEL_HEIGHT if any(self.labels) else 0
        width = (area.width() - GAP * (columns - 1)) // columns
        height = (area.height() - GAP * (rows - 1)) // rows
        return [
            QRect(
                area.x() + (n % columns) * (width + GAP),
                area.y() + (n // columns) * (height + GAP),
                width,
                max(1, height - label),
            )
            for n in range(count)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        """Pictures scaled to their cells (aspect kept), their labels, or the message."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(BORDER)))
        painter.setBrush(QColor(WINDOW))
        painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 6, 6)
        painter.setPen(QColor(SECONDARY_TEXT))
        if not self.images:
            painter.drawText(
                self.rect().adjusted(24, 0, -24, 0),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message,
            )
            return
        for n, cell in enumerate(self.cells()):
            image = self.images[n]
            size = image.size().scaled(cell.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(cell.center())
            painter.drawImage(target, image)
            if n < len(self.labels) and self.labels[n]:
                text_rect = QRect(cell.x(), cell.bottom() + 2, cell.width(), LABEL_HEIGHT - 2)
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.labels[n])

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A left press on the picture: reveal (click mode toggles, hold mode shows while held)."""
        if event.button() == Qt.MouseButton.LeftButton and self.images:
            self.pressed.emit()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """The end of a press."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.released.emit()
        super().mouseReleaseEvent(event)
