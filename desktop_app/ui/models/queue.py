"""The intake queue as a table: ``QueueModel`` lists every item and shows the filtered, sorted ones.

Rows are pre-formatted ``QueueRow``s made in a worker; the GUI thread only inserts them, in
chunks (``append_rows``), replaces changed ones (``update_rows``), and paints. The model keeps
every listed row (``item``, ``listing``, ``total``) and, as its table rows, the ones that pass the
filter in the current sort order. Filtering and sorting live here rather than in a
``QSortFilterProxyModel``, which asks Python about every row one call at a time (270 ms to filter
100,000 rows, measured): ``queue_order.view_order`` computes the new order over precomputed keys,
on a worker when the queue is big, and the model shows it in one layout change. A result that
arrives after the filter or sort changed again is dropped; rows that changed while it was being
computed are merged into it.

New rows are appended at the end and the current sort is re-applied once a load finishes
(``resort``), so a growing queue never reorders under the reviewer's pointer mid-load. A row
whose values change (state, analysis) stays where it is until the reviewer sorts again; with a
filter set it leaves the table when it stops passing and joins at the end when it starts to.

Thumbnails are lazy by construction: the view asks for a row's thumbnail only when it paints it;
a row without a cached picture emits ``thumbnail_wanted`` and the loader fetches it.
"""

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from functools import partial
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QImage

from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.ui.models.queue_columns import (
    HEADER_TIPS,
    HEADERS,
    MONOSPACED,
    RIGHT_ALIGNED,
    Column,
    display_texts,
)
from desktop_app.ui.models.queue_order import QueueFilter, QueueSort, ViewOrder, merge_changes, view_order
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.theme import monospace_font
from desktop_app.ui.worker import WorkerPool

__all__ = ["Column", "QueueModel", "Role"]  # Column: the tests and widgets know it from here

Index = QModelIndex | QPersistentModelIndex

# Below this many listed rows a new order is computed right away on the GUI thread (a few
# milliseconds); above it, on a worker.
BACKGROUND_ORDER_ROWS = 5000

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class Role(IntEnum):
    """Custom data roles (the same for every column of a row).

    Sorting and filtering read ``QueueRow`` keys directly (``queue_order``), not roles.
    """

    ITEM_ID = Qt.ItemDataRole.UserRole + 1  # str
    ITEM = Qt.ItemDataRole.UserRole + 2  # the decrypted core ``Item``
    THUMBNAIL = Qt.ItemDataRole.UserRole + 3  # the protected thumbnail ``QImage``, or None (yet)
    PROBLEM = Qt.ItemDataRole.UserRole + 4  # the problem sentence, '' if none
    RENDERABLE = Qt.ItemDataRole.UserRole + 5  # bool: a thumbnail can exist


class QueueModel(QAbstractTableModel):
    """Read-only table of the workspace's items.

    Args:
        thumbnail: Looks up a cached protected thumbnail by item id (None if not cached).
        parent: The owning QObject.
        pool: Where a big queue's new order is computed (None: always right away, on this thread).
    """

    thumbnail_wanted = Signal(str)
    order_applied = Signal()  # a new filter or sort is shown

    def __init__(
        self,
        thumbnail: Callable[[str], QImage | None],
        parent: QObject | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._thumbnail = thumbnail
        self._pool = pool
        self._every: dict[str, QueueRow] = {}  # every listed row, by item id
        self._rows: list[QueueRow] = []  # the table: rows that pass the filter, in view order
        self._row_of: dict[str, int] = {}  # table position by item id
        self._filter = QueueFilter()
        self._sort: QueueSort | None = None
        self._request = 0  # the latest order asked for; older results are dropped
        self._ordering = False  # one is being computed on the pool
        self._changed_since: dict[str, QueueRow | None] = {}  # rows changed (None: gone) meanwhile
        self._mono = monospace_font()

    # -- changing rows -------------------------------------------------------------------------

    def append_rows(self, rows: Sequence[QueueRow]) -> None:
        """List rows (one insert notification for those shown). Known ids are updated instead."""
        known = [row for row in rows if row.item_id in self._every]
        # Keyed by id: a chunk that holds an item twice lists it once (the later row wins).
        fresh = {row.item_id: row for row in rows if row.item_id not in self._every}
        if known:
            self.update_rows(known)
        if not fresh:
            return
        self._every.update(fresh)
        if self._ordering:
            self._changed_since.update(fresh)
        shown = [row for row in fresh.values() if self._filter.accepts(row)] if self._filter.active else fresh.values()
        self._show_at_end(list(shown))

    def update_rows(self, rows: Iterable[QueueRow]) -> None:
        """Replace rows whose item is listed (new analysis, state, viewed); others are ignored."""
        changed: list[int] = []  # positions of shown rows that changed and still pass the filter
        hidden: list[int] = []  # positions of shown rows that no longer pass
        joined: list[QueueRow] = []  # rows not shown that now pass
        for row in rows:
            if row.item_id not in self._every:
                continue
            self._every[row.item_id] = row
            if self._ordering:
                self._changed_since[row.item_id] = row
            position = self._row_of.get(row.item_id)
            passes = self._filter.accepts(row)
            if position is not None:
                self._rows[position] = row
                (changed if passes else hidden).append(position)
            elif passes:
                joined.append(row)
        if changed:
            # One notification from the first to the last changed row: without a proxy filter
            # behind it, a broad range costs the view no more than a narrow one, while one
            # notification per row cost the GUI thread 50 ms for a reload's 1,000 changed rows.
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(Column) - 1))
        if hidden:
            self._hide(hidden)
        if joined:
            self._show_at_end(joined)

    def remove_missing(self, keep: set[str]) -> int:
        """Drop rows whose item id is not in ``keep``; returns how many went."""
        return self.remove_ids(self._every.keys() - keep)

    def remove_ids(self, item_ids: Iterable[str]) -> int:
        """Drop the rows of these items; returns how many went."""
        gone = [item_id for item_id in item_ids if item_id in self._every]
        for item_id in gone:
            del self._every[item_id]
            if self._ordering:
                self._changed_since[item_id] = None
        self._hide([self._row_of[item_id] for item_id in gone if item_id in self._row_of])
        return len(gone)

    def clear(self) -> None:
        """Drop every row (the workspace locked: nothing decrypted stays in memory)."""
        self.beginResetModel()
        self._every, self._rows, self._row_of, self._changed_since = {}, [], {}, {}
        self._request += 1  # an order on its way was made of rows that are gone
        self._ordering = False
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

    def _show_at_end(self, rows: list[QueueRow]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        for offset, row in enumerate(rows):
            self._row_of[row.item_id] = first + offset
        self._rows.extend(rows)
        self.endInsertRows()

    def _hide(self, positions: list[int]) -> None:
        """Take rows off the table (they left the filter or the workspace)."""
        if not positions:
            return
        if len(positions) > 32:  # many rows: one layout change beats many removals
            doomed = set(positions)
            rows = [row for n, row in enumerate(self._rows) if n not in doomed]
            self._apply(ViewOrder(rows, {row.item_id: n for n, row in enumerate(rows)}))
            return
        for position in sorted(positions, reverse=True):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._row_of[self._rows[position].item_id]
            del self._rows[position]
            self.endRemoveRows()
        # Positions after the first removed row moved up; renumbered once, not per removal.
        for later in range(min(positions), len(self._rows)):
            self._row_of[self._rows[later].item_id] = later

    # -- reading -------------------------------------------------------------------------------

    def row_at(self, position: int) -> QueueRow:
        """The row shown at ``position``."""
        return self._rows[position]

    def position_of(self, item_id: str) -> int | None:
        """Where ``item_id`` is shown, or None (not listed, or filtered out)."""
        return self._row_of.get(item_id)

    def item(self, item_id: str) -> Item | None:
        """The listed item with this id (shown or not), or None."""
        row = self._every.get(item_id)
        return None if row is None else row.item

    def item_ids(self) -> list[str]:
        """Every listed id, shown or not."""
        return list(self._every)

    @property
    def total(self) -> int:
        """How many items are listed, shown or not."""
        return len(self._every)

    def listing(self) -> "MappingProxyType[str, QueueRow]":
        """Every listed row by id, read-only, for a worker to diff a fresh read against.

        Not a copy: copying 100,000 entries here would hold up the GUI thread. The worker takes
        its own with ``listing.copy()`` (``dict.copy``, one C-level step that never gives up the
        GIL), so it sees the rows as they were between two changes made here.
        """
        return MappingProxyType(self._every)

    # -- filtering and sorting -----------------------------------------------------------------

    @property
    def filter(self) -> QueueFilter:
        """The filter in force (or on its way to the table)."""
        return self._filter

    @property
    def ordering(self) -> bool:
        """A new filter or sort is being computed in the background."""
        return self._ordering

    def set_filter(self, keep: QueueFilter) -> None:
        """Show only the rows ``keep`` accepts (at once for a small queue, else when computed)."""
        if keep != self._filter:
            self._filter = keep
            self._reorder()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``'s precomputed key (stable, so ties keep their order)."""
        if not 0 <= column < len(Column):
            self._sort = None
            return
        self._sort = QueueSort(Column(column), order == Qt.SortOrder.DescendingOrder)
        self._reorder()

    def in_order_from(self, first: int) -> bool:
        """Whether the rows from ``first`` on (and the seam before it) follow the current sort."""
        if self._sort is None:
            return True
        key = self._sort.key
        tail = [key(row) for row in self._rows[max(0, first - 1) :]]
        if self._sort.descending:
            return all(a >= b for a, b in zip(tail, tail[1:], strict=False))
        return all(a <= b for a, b in zip(tail, tail[1:], strict=False))

    def resort(self) -> None:
        """Re-apply the current sort (after rows were appended out of order)."""
        if self._sort is not None and len(self._rows) > 1:
            self._reorder()

    def _reorder(self) -> None:
        self._request += 1
        request = self._request
        rows = list(self._every.values())
        if self._pool is None or len(rows) < BACKGROUND_ORDER_ROWS:
            self._ordering = False
            self._changed_since = {}
            self._apply(view_order(rows, self._filter, self._sort, in_runs=False))
            self.order_applied.emit()
            return
        self._ordering = True
        self._changed_since = {}
        worker = self._pool.run(view_order, rows, self._filter, self._sort, context=self)
        worker.result.connect(partial(self._order_arrived, request))
        # A failure is a bug (the worker bridge reports it); the table keeps its order and stays live.
        worker.error.connect(partial(self._order_failed, request))

    def _order_failed(self, request: int, _: BaseException | None = None) -> None:
        if request == self._request:
            self._ordering = False
            self._changed_since = {}

    def _order_arrived(self, request: int, order: ViewOrder) -> None:
        if request != self._request:
            return  # the filter or sort changed again (or the queue was cleared) meanwhile
        self._ordering = False
        changed, self._changed_since = self._changed_since, {}
        self._apply(merge_changes(order, changed, self._filter) if changed else order)
        self.order_applied.emit()

    def _apply(self, order: ViewOrder) -> None:
        """Show ``order`` in one layout change; persistent indexes follow their items (or go)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._rows[index.row()].item_id, index.column()) for index in persistent]
        self._rows, self._row_of = order.rows, order.position_of
        moved = [
            self.index(self._row_of[item_id], column) if item_id in self._row_of else QModelIndex()
            for item_id, column in held
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- Qt's model interface ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Number of rows shown (0 under any valid parent: this is a flat table)."""
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
        """Display text, tooltips, alignment, the thumbnail and the custom roles.

        The queue's view paints rows itself (``QueueTableView``); this serves tooltips, tests,
        the selection and anything else that asks.
        """
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(Column):
            return None
        # ``multiData`` (all roles of a cell in one call) would cut the calls into Python, but
        # PySide6 6.12's ``QModelRoleData.setData`` releases a reference to None it never took,
        # and the interpreter aborts once None's count reaches zero. Not overridden.
        return self._value(self._rows[index.row()], Column(index.column()), role)

    def _value(self, row: QueueRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return display_texts(row)[column] if column != Column.THUMBNAIL else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and column in MONOSPACED:
            return self._mono
        if role == Role.THUMBNAIL:
            return self.thumbnail_for(row)
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
    def _custom(row: QueueRow, role: int) -> Any:
        values: dict[int, Any] = {
            Role.ITEM_ID: row.item_id,
            Role.ITEM: row.item,
            Role.PROBLEM: row.problem,
            Role.RENDERABLE: row.renderable,
        }
        return values.get(role)

    # ``flags`` is not overridden: the C++ default (enabled, selectable, not editable) is what a
    # read-only table needs.

    def roleNames(self) -> dict[int, QByteArray]:
        """Qt's role names plus ours."""
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Role})
        return names
