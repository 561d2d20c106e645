"""The hash lists in the queue: matches in the rows, the item's match list, suppressing, re-reading.

``ListsQueueLink`` joins the queue (``ReviewController``) and the Hash lists page, which know
nothing of each other:
- the queue reads each item's matches (suppressions applied) with its rows, so the *Match* column
  and the matched / unmatched / by-list filter work on them; the filter offers every list;
- under the current item's details, ``ItemMatchesWidget`` lists every match, counting or taken
  out, read on a worker;
- a match's *Not a match…* opens ``SuppressMatchDialog``; the suppression is written on a worker
  (a custody event), then the queue, the match list and the page are read again;
- after the page imports a list or re-matches, the queue re-reads its rows; after an intake
  import, the new items are matched (``match_new``) and re-read.
"""

from PySide6.QtCore import QObject, Signal

from desktop_app.core.domain.hashlists import MatchStanding
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.ui.lists.lists_page import UI_QUERY_BATCH, ListsPage
from desktop_app.ui.lists.match_panel import ItemMatchesWidget
from desktop_app.ui.lists.suppress_dialog import SuppressMatchDialog
from desktop_app.ui.review import ReviewController
from desktop_app.ui.worker import WorkerPool


def _suppress(service: HashListService, item_id: str, entry_key: str, reason: str, everywhere: bool) -> None:
    """Worker: take a match out, for one item or for the whole workspace."""
    if everywhere:
        service.suppress_entry(entry_key, reason)
    else:
        service.reject_match(item_id, entry_key, reason)


def _match_new(service: HashListService) -> int:
    """Worker: match the items imported since the last run; how many outcomes changed."""
    item_ids = service.unmatched_item_ids()
    if not item_ids or not service.lists():
        return 0
    return run_to_completion(service.match_items(item_ids, query_batch=UI_QUERY_BATCH)).changed


class ListsQueueLink(QObject):
    """Wires the hash lists into the queue (see the module docstring)."""

    message = Signal(str)
    suppressed = Signal(str)  # item id: a match of it was taken out (and the queue re-read)

    def __init__(
        self,
        service: HashListService,
        review: ReviewController,
        page: ListsPage,
        pool: WorkerPool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._review = review
        self._page = page
        self._pool = pool
        self.dialog: SuppressMatchDialog | None = None
        review.matches = service
        self.panel = ItemMatchesWidget()
        review.page.details_column.insertWidget(1, self.panel)  # under the details, above the reports
        review.queue.current_item_changed.connect(self.show_item)
        self.panel.suppress_requested.connect(self.ask_to_suppress)
        page.matches_changed.connect(self._matches_changed)
        page.lists_read.connect(review.queue.set_lists)
        page.cleared.connect(lambda: self.panel.show_standings(None, []))

    def show_item(self, item: Item | None) -> None:
        """Read the item's matches on a worker and list them (None: hide the list)."""
        if item is None:
            self.panel.show_standings(None, [])
            return
        worker = self._pool.run(self._service.standings, item.item_id, context=self.panel)
        worker.result.connect(lambda read, item_id=item.item_id: self._standings_arrived(item_id, read))
        worker.error.connect(self._failed)

    def _standings_arrived(self, item_id: str, read: tuple[list[MatchStanding], tuple[str, ...]]) -> None:
        current = self._review.queue.current_item()
        if current is not None and current.item_id == item_id:  # still the one shown (and not locked meanwhile)
            self.panel.show_standings(item_id, *read)

    def ask_to_suppress(self, standing: MatchStanding) -> SuppressMatchDialog | None:
        """Open the suppression dialog for one of the current item's matches."""
        item = self._review.queue.current_item()
        if item is None or item.item_id != self.panel.item_id:
            return None
        dialog = SuppressMatchDialog(standing.match, item.display_name, self._review.page.window())
        dialog.accepted.connect(lambda: self._write(item.item_id, dialog))
        dialog.finished.connect(dialog.deleteLater)  # owned by the window, which would otherwise keep every one
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write(self, item_id: str, dialog: SuppressMatchDialog) -> None:
        entry, reason, everywhere = dialog.match.entry_key, dialog.reason, dialog.everywhere
        worker = self._pool.run(_suppress, self._service, item_id, entry, reason, everywhere, context=self)
        worker.result.connect(lambda _: self._suppressed(item_id, everywhere))
        worker.error.connect(self._failed)

    def _suppressed(self, item_id: str, everywhere: bool) -> None:
        self.message.emit(
            "The list entry is suppressed in this workspace." if everywhere else "Marked not a match for this item."
        )
        self._matches_changed()
        self._page.reload()
        self.suppressed.emit(item_id)

    def match_new(self) -> None:
        """Match the items an import added (on a worker); the queue re-reads them if any matched."""
        worker = self._pool.run(_match_new, self._service, context=self)
        worker.result.connect(lambda changed: self._matches_changed() if changed else None)
        worker.error.connect(self._failed)

    def _matches_changed(self) -> None:
        self._review.reload()
        self.show_item(self._review.queue.current_item())

    def _failed(self, exc: BaseException) -> None:
        # Unexpected errors already went to the crash dialog through the worker bridge.
        if isinstance(exc, EvidenceDeskError):
            self.message.emit(exc.message)
