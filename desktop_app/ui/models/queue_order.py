"""Which queue rows are shown, and in what order: computed in one go, on a worker for a big queue.

``view_order`` filters every listed row and sorts what passes, returning the new order and every
row's position in it; the model then shows it in one layout change (``QueueModel``). Everything
here is plain Python over immutable ``QueueRow``s, so it can run on any thread.

Filtering and sorting 100,000 rows on the GUI thread froze the window for 270 ms and 85 ms
(benchmarks/ui_bench.py): a ``QSortFilterProxyModel`` asks Python about each row, one call at a
time. Here it is a list comprehension and a sort over precomputed keys, off the GUI thread.
"""

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.core.domain.items import ReviewState
from desktop_app.ui.models.queue_columns import Column, sort_key
from desktop_app.ui.models.queue_rows import KindGroup, QueueRow

# Rows sorted by one ``sorted`` call. ``list.sort`` compares in C and never offers the GIL to
# other threads meanwhile: one sort of 100,000 names held it for tens of milliseconds, and every
# paint of the window needs it. A run of 4,096 rows holds it for about a millisecond; the runs
# are then merged by ``heapq.merge``, which works in Python, so the GIL changes hands as usual.
SORT_RUN = 4096


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the filter bar asks for. Every part is optional; a row must pass all that are set."""

    text: str = ""  # case-folded; found in the name, SHA-256, source or id
    state: ReviewState | None = None
    group: KindGroup | None = None
    problems_only: bool = False
    matched: bool | None = None  # True: only items with a hash-list match; False: only those without
    list_id: str | None = None  # only items matched by this list

    @property
    def active(self) -> bool:
        """Whether any part is set."""
        return (
            bool(self.text)
            or self.state is not None
            or self.group is not None
            or self.problems_only
            or self.matched is not None
            or self.list_id is not None
        )

    def with_text(self, text: str) -> "QueueFilter":
        """This filter with another text (trimmed and case-folded here)."""
        return replace(self, text=text.strip().casefold())

    def accepts(self, row: QueueRow) -> bool:
        """Whether ``row`` passes every part that is set."""
        if self.state is not None and row.item.state != self.state:
            return False
        if self.group is not None and row.group != self.group:
            return False
        if self.problems_only and not row.problem:
            return False
        if self.matched is not None and bool(row.matches) != self.matched:
            return False
        if self.list_id is not None and not any(m.list_id == self.list_id for m in row.matches):
            return False
        return not self.text or self.text in row.search_text


@dataclass(frozen=True, slots=True)
class QueueSort:
    """A column and a direction."""

    column: Column
    descending: bool = False

    @property
    def key(self) -> Callable[[QueueRow], Any]:
        """The column's sort key."""
        return sort_key(self.column)


@dataclass(frozen=True, slots=True)
class ViewOrder:
    """The rows to show, in order, and where each one is (by item id)."""

    rows: list[QueueRow]
    position_of: dict[str, int]


def sorted_rows(rows: Sequence[QueueRow], sort: QueueSort, in_runs: bool = True) -> list[QueueRow]:
    """``rows`` in ``sort``'s order, stably (ties keep their order).

    ``in_runs``: in GIL-friendly steps (see SORT_RUN), for a worker. On the GUI thread nothing is
    gained by them (it is that thread that must not wait), so one sort is quicker.
    """
    if not in_runs or len(rows) <= SORT_RUN:
        return sorted(rows, key=sort.key, reverse=sort.descending)
    keys = [sort.key(row) for row in rows]  # each key made once; looked up in C from here on
    by_key = keys.__getitem__
    runs = [
        sorted(range(n, min(n + SORT_RUN, len(rows))), key=by_key, reverse=sort.descending)
        for n in range(0, len(rows), SORT_RUN)
    ]
    # Earlier runs win ties in both directions, so the merge is as stable as one big sort.
    return [rows[n] for n in heapq.merge(*runs, key=by_key, reverse=sort.descending)]


def view_order(rows: Sequence[QueueRow], keep: QueueFilter, sort: QueueSort | None, in_runs: bool = True) -> ViewOrder:
    """The rows that pass ``keep``, sorted by ``sort`` (or as given), with their positions.

    ``in_runs``: sort in GIL-friendly steps (for a worker; see ``sorted_rows``).
    """
    shown = [row for row in rows if keep.accepts(row)] if keep.active else list(rows)
    if sort is not None:
        shown = sorted_rows(shown, sort, in_runs)
    return ViewOrder(shown, {row.item_id: n for n, row in enumerate(shown)})


def merge_changes(order: ViewOrder, changed: Mapping[str, QueueRow | None], keep: QueueFilter) -> ViewOrder:
    """``order`` brought up to date with rows changed (None: gone) since the rows it was made from.

    A changed row keeps its place if it still passes ``keep`` and leaves if not; a row the order
    does not know (new, or passing only now) joins at the end, as new rows do, until the next sort.
    """
    merged: list[QueueRow | None] = list(order.rows)
    for item_id, row in changed.items():
        position = order.position_of.get(item_id)
        passes = row is not None and keep.accepts(row)
        if position is not None:
            merged[position] = row if passes else None
        elif passes:
            merged.append(row)
    rows = [row for row in merged if row is not None]
    return ViewOrder(rows, {row.item_id: n for n, row in enumerate(rows)})
