"""The intake queue as a table: ``QueueModel`` (rows) behind ``QueueFilterModel`` (filters).

Rows are pre-formatted ``QueueRow``s made in a worker; the GUI thread only inserts them, in
chunks (``append_rows``), replaces changed ones (``update_rows``), and paints. Sorting is done here
rather than in the proxy: a proxy sort calls ``data()`` twice per comparison, which for 100,000
rows is millions of Python calls, while ``list.sort`` over precomputed keys takes milliseconds.
New rows are appended at the end and the current sort is re-applied once a load finishes
(``resort``), so a growing queue never reorders under the reviewer's pointer mid-load. A row
whose values change (state, analysis) stays where it is until the reviewer sorts again.

Thumbnails are lazy by construction: the view asks for a row's thumbnail only when it paints it;
a row without a cached picture emits ``thumbnail_wanted`` and the loader fetches it.
"""

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QImage

from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.ui.models.queue_columns import (
    HEADER_TIPS,
    HEADERS,
    MONOSPACED,
    RIGHT_ALIGNED,
    Column,
    display_texts,
    sort_key,
)
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.theme import monospace_font

__all__ = ["Column", "QueueModel", "Role"]  # Column: the tests and widgets know it from here

Index = QModelIndex | QPersistentModelIndex


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class Role(IntEnum):
    """Custom data roles (the same for every column of a row, except ``SORT``)."""

    ITEM_ID = Qt.ItemDataRole.UserRole + 1  # str
    ITEM = Qt.ItemDataRole.UserRole + 2  # the decrypted core ``Item``
    STATE = Qt.ItemDataRole.UserRole + 3  # ``ReviewState``
    KIND_GROUP = Qt.ItemDataRole.UserRole + 4  # ``KindGroup``
    SORT = Qt.ItemDataRole.UserRole + 5  # this column's sort key
    SEARCH_TEXT = Qt.ItemDataRole.UserRole + 6  # lower-case name, digest, source, id
    THUMBNAIL = Qt.ItemDataRole.UserRole + 7  # the protected thumbnail ``QImage``, or None (yet)
    PROBLEM = Qt.ItemDataRole.UserRole + 8  # the problem sentence, '' if none
    VIEWED = Qt.ItemDataRole.UserRole + 9  # bool
    RENDERABLE = Qt.ItemDataRole.UserRole + 10  # bool: a thumbnail can exist


class QueueModel(QAbstractTableModel):
    """Read-only table of the workspace's items.

    Args:
        thumbnail: Looks up a cached protected thumbnail by item id (None if not cached).
        parent: The owning QObject.
    """

    thumbnail_wanted = Signal(str)

    def __init__(self, thumbnail: Callable[[str], QImage | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thumbnail = thumbnail
        self._rows: list[QueueRow] = []
        self._row_of: dict[str, int] = {}
        self._sort: tuple[Column, Qt.SortOrder] | None = None
        self._mono = monospace_font()

    # -- changing rows -------------------------------------------------------------------------

    def append_rows(self, rows: Sequence[QueueRow]) -> None:
        """Add rows at the end (one insert notification for the whole chunk). Known ids are updated."""
        known = [row for row in rows if row.item_id in self._row_of]
        # Keyed by id: a chunk that holds an item twice lists it once (the later row wins).
        fresh = list({row.item_id: row for row in rows if row.item_id not in self._row_of}.values())
        if known:
            self.update_rows(known)
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, row in enumerate(fresh):
            self._row_of[row.item_id] = first + offset
        self._rows.extend(fresh)
        self.endInsertRows()

    def update_rows(self, rows: Iterable[QueueRow]) -> None:
        """Replace rows whose item is already listed (new analysis, state, viewed); others are ignored."""
        changed = []
        for row in rows:
            position = self._row_of.get(row.item_id)
            if position is not None:
                self._rows[position] = row
                changed.append(position)
        if not changed:
            return
        # One notification per run of adjacent rows: the proxy re-filters every row a notification
        # spans, so two changed rows far apart must not make it look at everything between them.
        last_column = len(Column) - 1
        changed.sort()
        start = previous = changed[0]
        for position in [*changed[1:], None]:
            if position is not None and position <= previous + 1:
                previous = position
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(previous, last_column))
            if position is not None:
                start = previous = position

    def remove_missing(self, keep: set[str]) -> int:
        """Drop rows whose item id is not in ``keep``; returns how many went."""
        return self.remove_ids(self._row_of.keys() - keep)

    def remove_ids(self, item_ids: Iterable[str]) -> int:
        """Drop the rows of these items; returns how many went. Rare, so one row at a time."""
        doomed = sorted((self._row_of[i] for i in item_ids if i in self._row_of), reverse=True)
        for position in doomed:
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self.endRemoveRows()
        if doomed:
            self._row_of = {row.item_id: n for n, row in enumerate(self._rows)}
        return len(doomed)

    def clear(self) -> None:
        """Drop every row (the workspace locked: nothing decrypted stays in memory)."""
        self.beginResetModel()
        self._rows = []
        self._row_of = {}
        self.endResetModel()

    def thumbnail_changed(self, item_id: str) -> None:
        """Repaint one item's thumbnail cell (it arrived, or the cache was emptied)."""
        position = self._row_of.get(item_id)
        if position is not None:
            cell = self.index(position, Column.THUMBNAIL)
            self.dataChanged.emit(cell, cell, [Role.THUMBNAIL, Qt.ItemDataRole.DecorationRole])

    def thumbnails_changed(self) -> None:
        """Repaint every thumbnail cell (the look changed in Settings, or the cache was cleared)."""
        if self._rows:
            top, bottom = self.index(0, Column.THUMBNAIL), self.index(len(self._rows) - 1, Column.THUMBNAIL)
            self.dataChanged.emit(top, bottom, [Role.THUMBNAIL, Qt.ItemDataRole.DecorationRole])

    # -- reading -------------------------------------------------------------------------------

    def row_at(self, position: int) -> QueueRow:
        """The row at ``position`` (source coordinates)."""
        return self._rows[position]

    def position_of(self, item_id: str) -> int | None:
        """Where ``item_id`` is, or None."""
        return self._row_of.get(item_id)

    def item(self, item_id: str) -> Item | None:
        """The listed item with this id, or None."""
        position = self._row_of.get(item_id)
        return None if position is None else self._rows[position].item

    def item_ids(self) -> list[str]:
        """Every listed id, in row order."""
        return [row.item_id for row in self._rows]

    def snapshot(self) -> dict[str, Item]:
        """The listed items by id: a private copy a worker can diff a fresh read against."""
        return {row.item_id: row.item for row in self._rows}

    # -- sorting -------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by ``column``'s precomputed key (stable, so ties keep their order)."""
        if not 0 <= column < len(Column):
            self._sort = None
            return
        self._sort = (Column(column), order)
        self.resort()

    def in_order_from(self, first: int) -> bool:
        """Whether the rows from ``first`` on (and the seam before it) follow the current sort."""
        if self._sort is None:
            return True
        column, order = self._sort
        key = sort_key(column)
        tail = [key(row) for row in self._rows[max(0, first - 1) :]]
        if order == Qt.SortOrder.DescendingOrder:
            return all(a >= b for a, b in zip(tail, tail[1:], strict=False))
        return all(a <= b for a, b in zip(tail, tail[1:], strict=False))

    def resort(self) -> None:
        """Re-apply the current sort (after rows were appended out of order)."""
        if self._sort is None or len(self._rows) < 2 or self.in_order_from(0):
            return  # nothing to move: skipping the layout change spares the proxy and view a re-map
        column, order = self._sort
        key = sort_key(column)
        descending = order == Qt.SortOrder.DescendingOrder
        keys = [key(row) for row in self._rows]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._rows[index.row()].item_id, index.column()) for index in persistent]
        order_of = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
        self._rows = [self._rows[n] for n in order_of]
        self._row_of = {row.item_id: n for n, row in enumerate(self._rows)}
        self.changePersistentIndexList(persistent, [self.index(self._row_of[item_id], col) for item_id, col in held])
        self.layoutChanged.emit()

    # -- Qt's model interface ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Number of items (0 under any valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Number of columns (0 under any valid parent)."""
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles and their tooltips; rows have no header."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, tooltips, alignment, the thumbnail and the custom roles."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(Column):
            return None
        # ``multiData`` (all roles of a cell in one call) would cut the calls into Python while
        # painting, but PySide6 6.12's ``QModelRoleData.setData`` releases a reference to None it
        # never took, and the interpreter aborts once None's count reaches zero. Not overridden.
        return self._value(self._rows[index.row()], Column(index.column()), role)

    def _value(self, row: QueueRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and column in MONOSPACED:
            return self._mono
        if role == Role.THUMBNAIL:
            return self.thumbnail_for(row)
        if role == Role.SORT:
            return self._scalarsort_key(row, column)
        return self._custom(row, role)

    def thumbnail_for(self, row: QueueRow) -> QImage | None:
        """The row's cached thumbnail; a renderable row without one asks for it (``thumbnail_wanted``)."""
        if not row.renderable:
            return None
        image = self._thumbnail(row.item_id)
        if image is None:
            self.thumbnail_wanted.emit(row.item_id)
        return image

    def monospace_font(self) -> QFont:
        """The font of the digest column."""
        return self._mono

    @staticmethod
    def _display(row: QueueRow, column: Column) -> str | None:
        return display_texts(row)[column] if column != Column.THUMBNAIL else None

    @staticmethod
    def _tooltip(row: QueueRow, column: Column) -> str | None:
        if column in (Column.THUMBNAIL, Column.NAME, Column.TYPE) and row.problem:
            return row.problem
        if column == Column.SHA256 and row.item.digests is not None:
            return row.item.digests.sha256
        if column == Column.STATE and row.item.state == ReviewState.DISMISSED and row.item.dismiss_reason:
            return f"Dismissed: {row.item.dismiss_reason}"
        if column == Column.NAME:
            return row.name
        if column == Column.SOURCE:
            return row.source_text
        return None

    @staticmethod
    def _scalarsort_key(row: QueueRow, column: Column) -> Any:
        # The proxy never sorts (see the module docstring); this role is for tests and tools.
        key = sort_key(column)(row)
        return str(key) if isinstance(key, tuple) else key

    @staticmethod
    def _custom(row: QueueRow, role: int) -> Any:
        values: dict[int, Any] = {
            Role.ITEM_ID: row.item_id,
            Role.ITEM: row.item,
            Role.STATE: row.item.state,
            Role.KIND_GROUP: row.group,
            Role.SEARCH_TEXT: row.search_text,
            Role.PROBLEM: row.problem,
            Role.VIEWED: row.item.viewed,
            Role.RENDERABLE: row.renderable,
        }
        return values.get(role)

    # ``flags`` is not overridden: the C++ default (enabled, selectable, not editable) is what a
    # read-only table needs, and the view asks for it for every cell it paints.

    def roleNames(self) -> dict[int, bytes]:
        """Qt's role names plus ours."""
        names = dict(super().roleNames())
        names.update({int(role): role.name.lower().encode() for role in Role})
        return names
