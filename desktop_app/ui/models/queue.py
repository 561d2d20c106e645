"""The intake queue as a table: ``QueueModel`` lists every item and shows the filtered, sorted ones.

Three parts: the rows and Qt's model interface (here), the filter and sort with their background
computation (``queue_ordering.QueueOrdering``), and what each cell says (``queue_cells.QueueCells``).

Rows are pre-formatted ``QueueRow``s made in a worker; the GUI thread only inserts them, in
chunks (``append_rows``), replaces changed ones (``update_rows``), and paints. The model keeps
every listed row (``item``, ``listing``, ``total``) and, as its table rows, the ones that pass the
filter in the current sort order. Filtering and sorting live here rather than in a
``QSortFilterProxyModel``, which asks Python about every row one call at a time (270 ms to filter
100,000 rows, measured): ``queue_order.view_order`` computes the new order over precomputed keys,
on a worker when the queue is big, and the model shows it in one layout change. A result that
arrives after the filter or sort changed again is dropped; rows that changed while it was being
computed are merged into it (``QueueOrdering``).

New rows are appended at the end and the current sort is re-applied once a load finishes
(``resort``), so a growing queue never reorders under the reviewer's pointer mid-load. A row
whose values change (state, analysis) stays where it is until the reviewer sorts again; with a
filter set it leaves the table when it stops passing and joins at the end when it starts to.

Thumbnails are lazy by construction: the view asks for a row's thumbnail only when it paints it;
a row without a cached picture emits ``thumbnail_wanted`` and the loader fetches it.
"""

from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QImage

from desktop_app.core.domain.items import Item
from desktop_app.ui.models.queue_cells import QueueCells, Role
from desktop_app.ui.models.queue_columns import Column
from desktop_app.ui.models.queue_order import QueueFilter, ViewOrder
from desktop_app.ui.models.queue_ordering import QueueOrdering
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.worker import WorkerPool

__all__ = ["Column", "QueueModel", "Role"]  # Column and Role: the tests and widgets know them from here

Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    """Read-only table of the workspace's items: the rows, and Qt's model interface over them.

    The filter and sort, and computing new orders, are ``QueueOrdering``'s; what a cell says is
    ``QueueCells``'s.

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
        self._every: dict[str, QueueRow] = {}  # every listed row, by item id
        self._rows: list[QueueRow] = []  # the table: rows that pass the filter, in view order
        self._row_of: dict[str, int] = {}  # table position by item id
        self.cells = QueueCells(thumbnail, self.thumbnail_wanted.emit)  # the view paints rows with it
        self._orderer = QueueOrdering(pool, self)
        self._orderer.ready.connect(self._show_order)

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
        for row in fresh.values():
            self._orderer.note_changed(row.item_id, row)
        keep = self._orderer.filter
        shown = [row for row in fresh.values() if keep.accepts(row)] if keep.active else fresh.values()
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
            self._orderer.note_changed(row.item_id, row)
            position = self._row_of.get(row.item_id)
            passes = self._orderer.filter.accepts(row)
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
            self._orderer.note_changed(item_id, None)
        self._hide([self._row_of[item_id] for item_id in gone if item_id in self._row_of])
        return len(gone)

    def clear(self) -> None:
        """Drop every row (the workspace locked: nothing decrypted stays in memory)."""
        self.beginResetModel()
        self._every, self._rows, self._row_of = {}, [], {}
        self._orderer.forget()  # an order on its way was made of rows that are gone
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
        return self._orderer.filter

    @property
    def ordering(self) -> bool:
        """A new filter or sort is being computed in the background."""
        return self._orderer.busy

    def set_filter(self, keep: QueueFilter) -> None:
        """Show only the rows ``keep`` accepts (at once for a small queue, else when computed)."""
        if keep != self._orderer.filter:
            self._orderer.filter = keep
            self._reorder()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``'s precomputed key (stable, so ties keep their order)."""
        if self._orderer.set_sort(column, order):
            self._reorder()

    def in_order_from(self, first: int) -> bool:
        """Whether the rows from ``first`` on (and the seam before it) follow the current sort."""
        return self._orderer.in_order(self._rows, first)

    def resort(self) -> None:
        """Re-apply the current sort (after rows were appended out of order)."""
        if self._orderer.sort is not None and len(self._rows) > 1:
            self._reorder()

    def _reorder(self) -> None:
        order = self._orderer.order(list(self._every.values()))
        if order is not None:  # else it comes through ``ready`` (``_show_order``)
            self._show_order(order)

    def _show_order(self, order: ViewOrder) -> None:
        self._apply(order)
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
        return self.cells.header(section, orientation, role)

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
        return self.cells.value(self._rows[index.row()], Column(index.column()), role)

    # ``flags`` is not overridden: the C++ default (enabled, selectable, not editable) is what a
    # read-only table needs.

    def roleNames(self) -> dict[int, QByteArray]:
        """Qt's role names plus ours."""
        return self.cells.role_names(super().roleNames())
