"""The queue's table view: Qt's ``QTableView`` for scrolling, selection and keys; rows painted in one call.

Why the view paints its own rows: every call from Qt into Python must take the GIL, and during an
import a worker holds it most of the time, so each such call can wait a switch interval (0.2 ms,
core/platform/interpreter.py) or much longer when that worker is off the CPU. Qt's own table painting makes
about three of those calls per cell (the delegate, then ``flags`` reaching the model's ``rowCount``
and ``columnCount`` through the proxy): some 270 per full repaint of the queue, which is where the
longest event-loop stalls of an import came from (benchmarks/ui_bench.py). Here a repaint is *one*
call into Python, ``paintEvent``; everything it asks of Qt and of the model happens while this
thread already holds the GIL. It is also cheaper: texts are laid out once into ``QStaticText``
(cached by text and width), placeholders are cached pixmaps, and no style sheet rules are looked
up per cell. The header gets the same treatment for its paint and size hint.

What is painted matches what ``QStyledItemDelegate`` draws under our style sheet: the base and alternate row
colours, the selection colours (all from the palette the style sheet sets), 10 px cell padding,
right-aligned numbers, a monospaced digest and, in the first column, the protected thumbnail or a
placeholder saying why there is none. Tooltips, sizing and everything else still go through Qt.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QAbstractProxyModel, QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QWidget

from desktop_app.ui.models.queue import QueueModel
from desktop_app.ui.models.queue_columns import MONOSPACED, RIGHT_ALIGNED, Column, display_texts
from desktop_app.ui.models.queue_rows import KindGroup, QueueRow
from desktop_app.ui.theme import BORDER, PROBLEM_BACKGROUND, PROBLEM_TEXT, SECONDARY_TEXT, WINDOW

EMPTY_QUEUE_TEXT = (
    "The queue is empty. Add files (Ctrl+O) or a folder (Ctrl+Shift+O), import a platform's manifest, "
    "add a text item (Ctrl+T), or drop files and folders anywhere on this window."
)
PADDING = 4  # around a thumbnail
CELL_PADDING = 10  # left and right of a text cell, as ``QTableView::item`` in the style sheet
TEXT_CACHE_LIMIT = 4000  # laid-out texts kept: several screens of rows at a few widths
_LABELS = {KindGroup.TEXT: "TEXT", KindGroup.OTHER: "FILE", KindGroup.NOT_READ: "—"}


@dataclass(frozen=True, slots=True)
class _Look:
    """What one repaint paints with: the table's fonts (False: proportional, True: monospaced) and colours."""

    fonts: dict[bool, QFont]
    metrics: dict[bool, QFontMetrics]
    base: QBrush
    alternate_base: QBrush
    highlight: QBrush
    text_pen: QPen
    selected_pen: QPen


class StaticTexts:
    """Elided, laid-out texts by (text, width, font), so a repaint never lays out a text again."""

    def __init__(self, limit: int = TEXT_CACHE_LIMIT) -> None:
        self.limit = limit
        self._texts: dict[tuple[str, int, int], tuple[QStaticText, float]] = {}

    def get(
        self, text: str, width: int, font_key: int, font: QFont, metrics: QFontMetrics
    ) -> tuple[QStaticText, float]:
        """``text`` elided to ``width`` pixels and prepared for ``font``, with its width."""
        key = (text, width, font_key)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) >= self.limit:
                self._texts.clear()  # cheaper than LRU bookkeeping on every hit; refilled by one repaint
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            static = QStaticText(shown)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), font)
            found = self._texts[key] = (static, static.size().width())
        return found

    def clear(self) -> None:
        """Forget every text (the font changed)."""
        self._texts.clear()


class QueueHeaderView(QHeaderView):
    """The column header, painted and measured in one call into Python each.

    ``QHeaderView`` asks the model for eight roles of every section to paint or measure itself (through
    the proxy, three calls into Python each); from inside these overrides they cost no GIL waits.
    The size hint only depends on the titles and the font, so it is kept until either changes.
    """

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._hint: QSize | None = None
        self.sectionCountChanged.connect(self._forget_hint)
        self.sortIndicatorChanged.connect(self._forget_hint)

    def sizeHint(self) -> QSize:
        """Qt's size hint, computed once."""
        if self._hint is None:
            self._hint = super().sizeHint()
        return self._hint

    def paintEvent(self, event: QPaintEvent) -> None:
        """Qt's painting, entered once (see the class docstring)."""
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """A new font or style means a new size hint."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget_hint()
        super().changeEvent(event)

    def _forget_hint(self) -> None:
        self._hint = None


class QueueTableView(QTableView):
    """The queue table. Shows ``queue`` through whatever proxy is set as its model.

    Args:
        queue: The source model whose rows are painted.
        thumbnail_side: Thumbnail edge in pixels.
        parent: The parent widget.
    """

    def __init__(self, queue: QueueModel, thumbnail_side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.side = thumbnail_side
        self.empty_text = EMPTY_QUEUE_TEXT  # '' for a table that must stay blank when empty (the picker)
        self.texts = StaticTexts()
        self._tiles: dict[tuple[str, str, str, int, float], QPixmap] = {}
        self._mono = queue.cells.mono
        self._margin = CELL_PADDING + self._text_margin()
        self.setHorizontalHeader(QueueHeaderView(Qt.Orientation.Horizontal, self))

    def set_thumbnail_side(self, side: int) -> None:
        """Thumbnails ``side`` pixels square from the next paint on."""
        self.side = side
        self._tiles.clear()
        self.viewport().update()

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the rows that intersect the dirty rectangle (the only call into Python per repaint)."""
        painter = QPainter(self.viewport())
        try:
            self._paint(painter, event.rect())
        finally:
            painter.end()

    def currentChanged(
        self, current: QModelIndex | QPersistentModelIndex, previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Repaint both rows whole: Qt would repaint one cell of each, and the mark spans the row."""
        super().currentChanged(current, previous)
        for index in (previous, current):
            if index.isValid():
                row = index.row()
                self.viewport().update(0, self.rowViewportPosition(row), self.viewport().width(), self.rowHeight(row))

    def changeEvent(self, event: QEvent) -> None:
        """Texts laid out for the old font or style are useless after a change."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.texts.clear()
            self._margin = CELL_PADDING + self._text_margin()
        super().changeEvent(event)

    def fitting_width(self, text: str) -> int:
        """The column width that shows ``text`` whole in a proportional-font cell, as painted here."""
        return self.fontMetrics().horizontalAdvance(text) + 2 * self._margin + 2

    def _text_margin(self) -> int:
        # What the style keeps between an item's edge and its text (Qt's SE_ItemViewItemText).
        return self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1

    def _paint(self, painter: QPainter, dirty: QRect) -> None:
        look = self._look()
        painter.fillRect(dirty, look.base)
        model = self.model()
        if model is None or model.rowCount() == 0:
            if model is not None and self.queue.total == 0 and self.empty_text:
                # An empty queue says how to fill it, rather than showing a blank table.
                painter.setPen(QColor(SECONDARY_TEXT))
                area = self.viewport().rect().adjusted(24, 24, -24, -24)
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                painter.drawText(area, int(flags), self.empty_text)
            return
        first = self.rowAt(dirty.top())
        if first < 0:
            return  # the dirty area lies below the last row
        last = self.rowAt(dirty.bottom())
        if last < 0:
            last = model.rowCount() - 1
        columns = list(self._columns_in(dirty))
        selection = self.selectionModel()
        alternate = self.alternatingRowColors()
        for proxy_row in range(first, last + 1):
            band = QRect(dirty.left(), self.rowViewportPosition(proxy_row), dirty.width(), self.rowHeight(proxy_row))
            index = model.index(proxy_row, 0)
            selected = selection is not None and selection.isSelected(index)
            if selected:
                painter.fillRect(band, look.highlight)
            elif alternate and proxy_row & 1:
                painter.fillRect(band, look.alternate_base)
            row = self.queue.row_at(self._source_row(index))
            self._paint_row(painter, look, row, band, columns, selected)
        self._paint_current(painter, look, first, last)

    def _paint_current(self, painter: QPainter, look: "_Look", first: int, last: int) -> None:
        # Ctrl+arrows move the current row without selecting it: without a mark the keyboard
        # user loses their place. Drawn only while the table has the focus, as Qt's focus rect is.
        current = self.currentIndex()
        if not self.hasFocus() or not current.isValid() or not first <= current.row() <= last:
            return
        band = QRect(0, self.rowViewportPosition(current.row()), self.viewport().width(), self.rowHeight(current.row()))
        painter.setPen(QPen(look.highlight.color().darker(140), 1, Qt.PenStyle.DotLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(band.adjusted(0, 0, -1, -1))

    def _paint_row(
        self,
        painter: QPainter,
        look: "_Look",
        row: QueueRow,
        band: QRect,
        columns: list[tuple[int, int, int]],
        selected: bool,
    ) -> None:
        pen = look.selected_pen if selected else look.text_pen
        painter.setPen(pen)
        texts = display_texts(row)
        top, height = band.top(), band.height()
        font_set: bool | None = None  # which of the two fonts the painter has (None: unknown)
        for column, left, width in columns:
            if column == Column.THUMBNAIL:
                self._paint_tile(painter, QRect(left, top, width, height), row)
                painter.setPen(pen)
                continue
            text, available = texts[column], width - 2 * self._margin
            if not text or available <= 0:
                continue
            mono = column in MONOSPACED
            if font_set is not mono:
                painter.setFont(look.fonts[mono])
                font_set = mono
            metrics = look.metrics[mono]
            static, text_width = self.texts.get(text, available, int(mono), look.fonts[mono], metrics)
            x = left + width - self._margin - text_width if column in RIGHT_ALIGNED else left + self._margin
            painter.drawStaticText(QPointF(x, top + (height - metrics.height()) / 2), static)

    def _look(self) -> "_Look":
        palette, group = self.palette(), self._colour_group()
        fonts = {False: self.font(), True: self._mono}
        return _Look(
            fonts=fonts,
            metrics={mono: QFontMetrics(font) for mono, font in fonts.items()},
            base=palette.brush(group, QPalette.ColorRole.Base),
            alternate_base=palette.brush(group, QPalette.ColorRole.AlternateBase),
            highlight=palette.brush(group, QPalette.ColorRole.Highlight),
            text_pen=QPen(palette.color(group, QPalette.ColorRole.Text)),
            selected_pen=QPen(palette.color(group, QPalette.ColorRole.HighlightedText)),
        )

    def _colour_group(self) -> QPalette.ColorGroup:
        if not self.isEnabled():
            return QPalette.ColorGroup.Disabled
        return QPalette.ColorGroup.Active if self.isActiveWindow() else QPalette.ColorGroup.Inactive

    def _columns_in(self, dirty: QRect) -> Iterator[tuple[int, int, int]]:
        """(logical column, left, width) of every shown column that meets ``dirty``, left to right."""
        header = self.horizontalHeader()
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            if header.isSectionHidden(column):
                continue
            left, width = header.sectionViewportPosition(column), header.sectionSize(column)
            if left + width > dirty.left() and left <= dirty.right():
                yield column, left, width

    def _source_row(self, index: QModelIndex) -> int:
        model = self.model()
        return model.mapToSource(index).row() if isinstance(model, QAbstractProxyModel) else index.row()

    def _paint_tile(self, painter: QPainter, cell: QRect, row: QueueRow) -> None:
        """The protected thumbnail centred in ``cell``, or a placeholder saying why there is none."""
        tile = QRect(0, 0, self.side, self.side)
        tile.moveCenter(cell.center())
        image = self.queue.cells.thumbnail_for(row)  # asks the loader for a missing one: lazy by construction
        if isinstance(image, QImage) and not image.isNull():
            scaled = image.size().scaled(tile.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(tile.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
            return
        if row.problem or (row.renderable and isinstance(image, QImage)):  # a null image: no preview possible
            label, fill, ink = "!", PROBLEM_BACKGROUND, PROBLEM_TEXT
        elif row.renderable:
            label, fill, ink = "…", WINDOW, SECONDARY_TEXT  # on its way
        else:
            label, fill, ink = _LABELS.get(row.group, "…"), WINDOW, SECONDARY_TEXT
        painter.drawPixmap(tile.topLeft(), self._placeholder(label, fill, ink))

    def _placeholder(self, label: str, fill: str, ink: str) -> QPixmap:
        """A tinted, rounded tile with a short word, drawn once per look and size."""
        ratio = self.devicePixelRatioF()
        key = (label, fill, ink, self.side, ratio)
        pixmap = self._tiles.get(key)
        if pixmap is None:
            pixmap = QPixmap(round(self.side * ratio), round(self.side * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            tile = QRect(0, 0, self.side, self.side)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(BORDER)))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(tile.adjusted(0, 0, -1, -1), 4, 4)
            font = QFont(self.font())
            font.setPointSizeF(max(6.5, self.side / 8))
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor(ink))
            painter.drawText(tile, Qt.AlignmentFlag.AlignCenter, label)
            painter.end()
            self._tiles[key] = pixmap
        return pixmap
