"""How the section list and the findings list paint their rows.

Sections: the title, with the number of errors on that page in a soft badge. Findings: a dot in
the severity's colour, the message, for referral hints why law enforcement needs it (in italics),
and, smaller and quieter, where the field is. Colours come from the theme; the delegates only lay
them out.
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app.ui.theme import PROBLEM_BACKGROUND, PROBLEM_TEXT, SECONDARY_TEXT, TEXT

SELECTED_BACKGROUND = "#d5e2ec"  # the theme's table selection colour
HOVER_BACKGROUND = "#eef2f5"
BADGE_ROLE = Qt.ItemDataRole.UserRole + 10
WHERE_ROLE = Qt.ItemDataRole.UserRole + 11
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 12
WHY_ROLE = Qt.ItemDataRole.UserRole + 13
WHY_PREFIX = "Why it matters: "
Index = QModelIndex | QPersistentModelIndex


def _background(painter: QPainter, option: QStyleOptionViewItem) -> None:
    if option.state & QStyle.StateFlag.State_Selected:
        painter.fillRect(option.rect, QColor(SELECTED_BACKGROUND))
    elif option.state & QStyle.StateFlag.State_MouseOver:
        painter.fillRect(option.rect, QColor(HOVER_BACKGROUND))


class SectionDelegate(QStyledItemDelegate):
    """A section title and, if its page has errors, their number in a badge."""

    ROW_HEIGHT = 36

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        """A comfortable fixed height."""
        return QSize(option.rect.width(), self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Background, title, badge."""
        painter.save()
        _background(painter, option)
        rect = option.rect.adjusted(16, 0, -12, 0)
        count = index.data(BADGE_ROLE) or 0
        font = QFont(option.font)
        font.setBold(bool(option.state & QStyle.StateFlag.State_Selected))
        painter.setFont(font)
        if count:
            text = str(count)
            width = QFontMetrics(font).horizontalAdvance(text) + 14
            badge = QRect(rect.right() - width, rect.center().y() - 10, width, 20)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(PROBLEM_BACKGROUND))
            painter.drawRoundedRect(badge, 10, 10)
            painter.setPen(QColor(PROBLEM_TEXT))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            rect.setRight(badge.left() - 8)
        painter.setPen(QColor(TEXT))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, index.data())
        painter.restore()


class FindingDelegate(QStyledItemDelegate):
    """A finding: severity dot, message (wrapped), why it matters (referral hints), where the field is."""

    PAD, DOT, GAP, LINE_GAP = 8, 10, 10, 2

    def __init__(self, view: QAbstractItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view

    def _text_width(self) -> int:
        return max(self._view.viewport().width() - self.PAD * 2 - self.DOT - self.GAP, 80)

    @staticmethod
    def _small(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() - 1, 7))
        return small

    def lines(self, option: QStyleOptionViewItem, index: Index) -> list[tuple[str, QFont, str]]:
        """What a row shows, top to bottom: (text, font, colour) for the message, why, and place."""
        small = self._small(option.font)
        shown = [(index.data() or "", QFont(option.font), TEXT)]
        why = index.data(WHY_ROLE)
        if why:
            italic = QFont(small)
            italic.setItalic(True)
            shown.append((WHY_PREFIX + why, italic, TEXT))
        shown.append((index.data(WHERE_ROLE) or "", small, SECONDARY_TEXT))
        return shown

    def _heights(self, shown: list[tuple[str, QFont, str]]) -> list[int]:
        width = self._text_width()
        flags = int(Qt.TextFlag.TextWordWrap)
        return [
            QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), flags, text).height() for text, font, _ in shown
        ]

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        """Tall enough for every wrapped line."""
        heights = self._heights(self.lines(option, index))
        return QSize(self._view.viewport().width(), sum(heights) + self.LINE_GAP * (len(heights) - 1) + self.PAD * 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Background, dot, then the lines."""
        painter.save()
        _background(painter, option)
        shown = self.lines(option, index)
        left = option.rect.left() + self.PAD
        top = option.rect.top() + self.PAD
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(index.data(COLOUR_ROLE) or SECONDARY_TEXT))
        line = QFontMetrics(option.font).height()
        painter.drawEllipse(left, top + (line - self.DOT) // 2, self.DOT, self.DOT)
        text_left = left + self.DOT + self.GAP
        width = self._text_width()
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        for (text, font, colour), height in zip(shown, self._heights(shown), strict=True):
            painter.setFont(font)
            painter.setPen(QColor(colour))
            painter.drawText(QRect(text_left, top, width, height), flags, text)
            top += height + self.LINE_GAP
        painter.restore()
