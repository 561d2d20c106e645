"""Paints the queue's text cells with one call into Python per cell instead of about eight.

``QStyledItemDelegate`` fills a cell's style option by asking the model for font, alignment,
colours, check state, icon and text, each a call from Qt into Python that must take the GIL, which
workers hold much of the time during an import (see ui/interpreter.py and benchmarks/ui_bench.py).
This delegate fills the option from one ``Role.CELL`` answer; the style draws it as usual.
Tooltips still come from the model's tooltip role, on demand.
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.ui.models.queue import Role


class QueueTextDelegate(QStyledItemDelegate):
    """Text cells of the queue, styled by the view's style from a single model answer."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        """Text, alignment and font from ``Role.CELL``; everything else is the view's default."""
        option.index = index
        cell = index.data(Role.CELL)
        if cell is None:
            return
        text, alignment, font = cell
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        option.text = text
        option.displayAlignment = alignment
        if font is not None:
            option.font = font
            option.fontMetrics = QFontMetrics(font)
