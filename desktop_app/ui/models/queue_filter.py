"""The proxy the queue view looks through: the filter bar's settings, handed to the source model.

``QueueFilterModel`` shows its source's rows as they are. Filtering and sorting are done by
``QueueModel`` over precomputed keys, on a worker for a big queue (see ``models/queue.py``): a
``QSortFilterProxyModel`` would call ``filterAcceptsRow`` into Python for each of 100,000 rows on
every change of the filter (270 ms, measured), and re-map them all after every sort. This proxy
keeps the place a proxy has between view and model, and the filter bar's vocabulary, at no cost
per row: ``QIdentityProxyModel`` maps indexes in C++ without asking Python.
"""

from dataclasses import replace
from typing import cast

from PySide6.QtCore import QIdentityProxyModel, Qt

from desktop_app.core.domain.items import ReviewState
from desktop_app.ui.models.queue import QueueModel
from desktop_app.ui.models.queue_rows import KindGroup


class QueueFilterModel(QIdentityProxyModel):
    """The queue's filter controls over ``QueueModel``, which does the filtering itself.

    Every filter is optional; a row shows when it matches all the set ones. The proxy only passes
    rows through (see ``models/queue.py`` for why the filtering is not a ``QSortFilterProxyModel``).
    """

    def queue(self) -> QueueModel:
        """The source model."""
        return cast(QueueModel, self.sourceModel())

    @property
    def filtering(self) -> bool:
        """Whether any filter is set."""
        return self.queue().filter.active

    def set_text(self, text: str) -> None:
        """Show only items whose name, SHA-256, source or id contains ``text`` (case-insensitive)."""
        self.queue().set_filter(self.queue().filter.with_text(text))

    def set_state(self, state: ReviewState | None) -> None:
        """Show only items in this review state (None: all)."""
        self.queue().set_filter(replace(self.queue().filter, state=state))

    def set_group(self, group: KindGroup | None) -> None:
        """Show only items of this kind (None: all)."""
        self.queue().set_filter(replace(self.queue().filter, group=group))

    def set_problems_only(self, enabled: bool) -> None:
        """Show only items with an intake or rendering problem."""
        self.queue().set_filter(replace(self.queue().filter, problems_only=enabled))

    def set_matches(self, matched: bool | None, list_id: str | None = None) -> None:
        """Show only matched (True) or unmatched (False) items, or items a given list matched (None: all)."""
        self.queue().set_filter(replace(self.queue().filter, matched=matched, list_id=list_id))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the source model (see the module docstring)."""
        self.queue().sort(column, order)
