"""Delivering many queue rows to the model without stalling the event loop.

A worker reads and formats every item at once (one cheap cross-thread hand-over of a list); the
feeder then inserts them into the model in chunks, on a zero-interval timer, each run time-boxed
to a few milliseconds, so painting, input and the heartbeat of other work stay smooth while
100,000 rows arrive. The view shows the first rows after the first slice.

Reloads diff against what is listed: known rows are updated in place, new ones appended, and rows
of items that no longer exist are removed, so a reload after a cancelled import leaves exactly
the stored items listed.
"""

import time
from collections import deque
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.ui.models.queue import QueueModel
from desktop_app.ui.models.queue_rows import QueueRow

SLICE_SECONDS = 0.006  # per timer run; leaves most of each 16 ms frame to painting and input
CHUNK = 250  # rows per beginInsertRows: big enough to be cheap, small enough to fit in a slice


class QueueFeeder(QObject):
    """Feeds rows to a ``QueueModel`` in time-boxed slices.

    Nothing here touches rows one by one on the way in: a load of 100,000 rows is queued as list
    slices, and each timer run inserts a few chunks (the model updates rows it already lists, so
    overlapping loads never list an item twice) and checks that the new tail is still in the
    current sort order, so the full re-sort at the end is only paid when it is really needed.

    Args:
        model: The model to fill.
        parent: The owning QObject.
    """

    loaded = Signal()  # everything handed in so far is now in the model (and sorted)

    def __init__(self, model: QueueModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._pending: deque[Sequence[QueueRow]] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._feed)
        self.slices = 0  # timer runs used by the current load (for benchmarks and tests)
        self.longest_slice = 0.0  # seconds
        self._out_of_order = False

    def replace_all(self, rows: Sequence[QueueRow]) -> None:
        """Make the model list exactly ``rows``: known ones are updated, new ones queued, the rest dropped."""
        self.model.remove_missing({row.item_id for row in rows})
        self._pending.clear()  # an older load still being fed is superseded by this one
        self.add(rows)

    def add(self, rows: Sequence[QueueRow]) -> None:
        """Queue rows for the model (new ones are inserted, listed ones updated, both in slices)."""
        if not rows and not self._pending:
            self.loaded.emit()
            return
        self._pending.extend(rows[n : n + CHUNK] for n in range(0, len(rows), CHUNK))
        if not self._timer.isActive():
            self.slices, self.longest_slice, self._out_of_order = 0, 0.0, False
            self._timer.start()

    def discard(self, item_ids: set[str]) -> None:
        """Forget waiting rows of items that no longer exist (rare: the chunks are filtered)."""
        kept = [[row for row in chunk if row.item_id not in item_ids] for chunk in self._pending]
        self._pending = deque(chunk for chunk in kept if chunk)

    def cancel(self) -> None:
        """Drop rows not yet inserted (the workspace locked)."""
        self._pending.clear()
        self._timer.stop()

    @property
    def busy(self) -> bool:
        """Rows are still waiting to be inserted."""
        return bool(self._pending)

    def _feed(self) -> None:
        started = time.perf_counter()
        self.slices += 1
        while self._pending and time.perf_counter() - started < SLICE_SECONDS:
            before = self.model.rowCount()
            self.model.append_rows(self._pending.popleft())
            if not self._out_of_order and not self.model.in_order_from(before):
                self._out_of_order = True
        self.longest_slice = max(self.longest_slice, time.perf_counter() - started)
        if not self._pending:
            self._timer.stop()
            if self._out_of_order:
                self.model.resort()
            self.loaded.emit()
