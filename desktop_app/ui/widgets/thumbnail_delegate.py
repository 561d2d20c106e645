"""Paints the queue's thumbnail cell: the protected picture, or a quiet placeholder saying why not.

Placeholders are short words on a tinted tile ("TEXT", "LINK", "…" while loading, "!" when the
item cannot be rendered) so a column of them reads at a glance without icons to maintain.
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app.ui.models.queue import Role
from desktop_app.ui.models.queue_rows import KindGroup
from desktop_app.ui.theme import BORDER, PROBLEM_BACKGROUND, PROBLEM_TEXT, SECONDARY_TEXT, WINDOW

PADDING = 4
_LABELS = {KindGroup.TEXT: "TEXT", KindGroup.OTHER: "FILE", KindGroup.NOT_READ: "—"}


class ThumbnailDelegate(QStyledItemDelegate):
    """Draws a ``side``-pixel square thumbnail centred in its cell.

    Args:
        side: The thumbnail edge in pixels (Settings → thumbnail size).
        parent: The owning widget.
    """

    def __init__(self, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """A square cell with a little padding."""
        return QSize(self.side + 2 * PADDING, self.side + 2 * PADDING)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Background and selection as usual, then the picture or the placeholder."""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            # The panel only (no text, no icon): selection and alternating colours stay consistent.
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        tile = QRect(0, 0, self.side, self.side)
        tile.moveCenter(option.rect.center())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # One model call per paint: every call crosses into Python and back, and painting must stay
        # cheap even while workers keep the interpreter busy.
        image, problem, renderable, group = index.data(Role.TILE)
        if isinstance(image, QImage) and not image.isNull():
            scaled = image.size().scaled(tile.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(tile.center())
            painter.drawImage(target, image)
        else:
            self._placeholder(painter, tile, image, problem, renderable, group)
        painter.restore()

    def _placeholder(
        self, painter: QPainter, tile: QRect, image: object, problem: bool, renderable: bool, group: KindGroup
    ) -> None:
        if problem or (renderable and isinstance(image, QImage)):  # a null image: no preview possible
            text, fill, ink = "!", QColor(PROBLEM_BACKGROUND), QColor(PROBLEM_TEXT)
        elif renderable:
            text, fill, ink = "…", QColor(WINDOW), QColor(SECONDARY_TEXT)  # on its way
        else:
            text, fill, ink = _LABELS.get(group, "…"), QColor(WINDOW), QColor(SECONDARY_TEXT)
        painter.setPen(QPen(QColor(BORDER)))
        painter.setBrush(fill)
        painter.drawRoundedRect(tile.adjusted(0, 0, -1, -1), 4, 4)
        font = QFont(painter.font())
        font.setPointSizeF(max(6.5, self.side / 8))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(tile, Qt.AlignmentFlag.AlignCenter, text)
