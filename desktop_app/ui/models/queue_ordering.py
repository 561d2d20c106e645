"""Which filter and sort the queue shows, and computing its new order: right away, or on a worker.

``QueueOrdering`` keeps the filter and sort in force and turns "show this" into a ``ViewOrder``
(``queue_order.view_order``). A small queue gets it at once, on the GUI thread (a few
milliseconds); a big one on a worker pool, and the order arrives through ``ready``. A result that
arrives after the filter or sort changed again (or the queue was cleared) is dropped; rows that
changed while it was being computed (``note_changed``) are merged into it before it is shown.
"""

from functools import partial

from PySide6.QtCore import QObject, Qt, Signal

from desktop_app.ui.models.queue_columns import Column
from desktop_app.ui.models.queue_order import QueueFilter, QueueSort, ViewOrder, merge_changes, view_order
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.worker import WorkerPool

# Below this many listed rows a new order is computed right away on the GUI thread (a few
# milliseconds); above it, on a worker.
BACKGROUND_ORDER_ROWS = 5000


class QueueOrdering(QObject):
    """The filter and sort in force, and the new orders they make.

    Args:
        pool: Where a big queue's new order is computed (None: always right away, on this thread).
        parent: The owning QObject (the model).
    """

    ready = Signal(object)  # a ViewOrder computed on the pool, current and brought up to date

    def __init__(self, pool: WorkerPool | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self.filter = QueueFilter()
        self.sort: QueueSort | None = None
        self._request = 0  # the latest order asked for; older results are dropped
        self.busy = False  # one is being computed on the pool
        self._changed_since: dict[str, QueueRow | None] = {}  # rows changed (None: gone) meanwhile

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Sort by ``column`` from now on; False (and no sort) for a column that does not exist."""
        if not 0 <= column < len(Column):
            self.sort = None
            return False
        self.sort = QueueSort(Column(column), order == Qt.SortOrder.DescendingOrder)
        return True

    def note_changed(self, item_id: str, row: QueueRow | None) -> None:
        """A listed row changed (None: it went); remembered only while an order is on its way."""
        if self.busy:
            self._changed_since[item_id] = row

    def forget(self) -> None:
        """Drop any order on its way (the queue was cleared: it was made of rows that are gone)."""
        self._request += 1
        self.busy = False
        self._changed_since = {}

    def order(self, rows: list[QueueRow]) -> ViewOrder | None:
        """The order of ``rows`` under the current filter and sort, or None if it comes through ``ready``."""
        self._request += 1
        self._changed_since = {}
        if self._pool is None or len(rows) < BACKGROUND_ORDER_ROWS:
            self.busy = False
            return view_order(rows, self.filter, self.sort, in_runs=False)
        self.busy = True
        worker = self._pool.run(view_order, rows, self.filter, self.sort, context=self)
        worker.result.connect(partial(self._arrived, self._request))
        # A failure is a bug (the worker bridge reports it); the table keeps its order and stays live.
        worker.error.connect(partial(self._failed, self._request))
        return None

    def in_order(self, rows: list[QueueRow], first: int) -> bool:
        """Whether ``rows`` from ``first`` on (and the seam before it) follow the current sort."""
        if self.sort is None:
            return True
        key = self.sort.key
        tail = [key(row) for row in rows[max(0, first - 1) :]]
        if self.sort.descending:
            return all(a >= b for a, b in zip(tail, tail[1:], strict=False))
        return all(a <= b for a, b in zip(tail, tail[1:], strict=False))

    def _failed(self, request: int, _: BaseException | None = None) -> None:
        if request == self._request:
            self.busy = False
            self._changed_since = {}

    def _arrived(self, request: int, order: ViewOrder) -> None:
        if request != self._request:
            return  # the filter or sort changed again (or the queue was cleared) meanwhile
        self.busy = False
        changed, self._changed_since = self._changed_since, {}
        self.ready.emit(merge_changes(order, changed, self.filter) if changed else order)
