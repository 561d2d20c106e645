"""The review side of the queue: listing items, the protected viewer, reveals and bulk states.

``ReviewController`` owns the queue model, the row feeder and the thumbnail loader, and builds the
queue page over them. Every read and write goes through the ``ItemService`` on a worker; decoding
goes through the ``PreviewFetcher`` on the media pool, so a long import on the database pool never
holds up a thumbnail. Every asynchronous result is tagged with the generation it was asked in;
locking bumps the generation, so nothing read before a lock is painted after it.

A reveal is recorded first and shown after: ``record_reveal`` runs, and only when it has returned
does the viewer get ``reveal_confirmed``; the item read back from the service (its ``viewed``
derived from the custody log) then updates the queue row and the detail panel.
"""

import logging
import time
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.core.domain.media import PreviewSet
from desktop_app.core.domain.readable_text import ReadableText
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.interpreter import collect_garbage
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.dismiss_dialog import DismissDialog
from desktop_app.ui.models.queue import QueueModel
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.queue_feeder import QueueFeeder
from desktop_app.ui.review_work import (
    ItemsPort,
    MatchesPort,
    QueueChanges,
    change_states,
    load_changes,
    load_previews,
    protect_all,
    reveal_and_read,
    reveal_and_read_text,
)
from desktop_app.ui.safe_image import DisplayOptions
from desktop_app.ui.thumbnails import PreviewFetcher, ThumbnailLoader
from desktop_app.ui.widgets.queue_page import QueuePageWidget
from desktop_app.ui.worker import WorkerPool

__all__ = ["ItemsPort", "MatchesPort", "ReviewController"]  # the ports: the window knows them from here

log = logging.getLogger(__name__)

THUMBNAIL_MIN_PIXELS = 96  # decoded at least this big, so thumbnails stay crisp on high-density screens


def thumbnail_pixels(settings: AppSettings) -> int:
    """The size thumbnails are decoded and protected at (the view scales them to the setting)."""
    return max(THUMBNAIL_MIN_PIXELS, settings.thumbnail_size)


class ReviewController(QObject):
    """Drives the queue page.

    Args:
        items: The item service.
        fetch: Decodes previews in the sandbox (None: no pictures at all).
        pool: The database pool (reads and writes through the item service).
        media_pool: The decoding pool (thumbnails and viewer previews).
        settings: The current settings.
        parent: The owning QObject.
    """

    loaded = Signal()  # a (re)load is fully in the model
    message = Signal(str)  # something for the status bar
    revealed = Signal(str, str)  # item id, mode: recorded and shown

    def __init__(
        self,
        items: ItemsPort,
        fetch: PreviewFetcher | None,
        pool: WorkerPool,
        media_pool: WorkerPool,
        settings: AppSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.items = items
        self._fetch = fetch
        self._pool = pool
        self._media_pool = media_pool
        self.settings = settings
        self.matches: MatchesPort | None = None  # set when the workspace has hash lists (``ui.lists.queue_link``)
        self._generation = 0
        self._loading = False
        self._load_again = False
        self._closed = False
        self._active = False
        self._load_started = 0.0
        self._names_arrived = False  # rows were added since the name column was last fitted
        self.last_load_seconds = 0.0  # how long the last full read took (the import paces re-reads by it)
        options = DisplayOptions.from_settings(settings)
        self.thumbnails = ThumbnailLoader(fetch, media_pool, options, thumbnail_pixels(settings), self)
        # New orders of a big queue are computed on the media pool: an import keeps the database
        # pool busy for minutes, and a filter must not wait for it.
        self.model = QueueModel(self.thumbnails.thumbnail, self, pool=media_pool)
        self.model.thumbnail_wanted.connect(self.thumbnails.request)
        self.thumbnails.thumbnail_ready.connect(self.model.thumbnail_changed)
        self.feeder = QueueFeeder(self.model, self)
        self.feeder.loaded.connect(self._fed)
        self.page = QueuePageWidget(self.model, settings)
        self.queue = self.page.queue
        self.viewer = self.page.viewer
        self.details = self.page.details
        self.queue.current_item_changed.connect(self.show_item)
        self.queue.state_change_requested.connect(self.change_state)
        self.viewer.reveal_requested.connect(self.reveal)

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every item in a worker and make the model list exactly those.

        One read at a time: a request while one runs is remembered and runs after it, so the last
        reload always starts after the last change.
        """
        if self._closed or not self._active:
            return  # locked (or closing): nothing is read until ``start``
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self._load_started = time.monotonic()
        generation = self._generation
        worker = self._pool.run(load_changes, self.items, self.model.listing(), self.matches, context=self)
        worker.result.connect(partial(self._changes_arrived, generation))
        worker.error.connect(self._failed)
        worker.finished.connect(self._load_finished)

    @property
    def reloading(self) -> bool:
        """A read is running, or its rows are still being fed to the model."""
        return self._loading or self.feeder.busy

    def seconds_since_load(self) -> float:
        """How long ago the last read started."""
        return time.monotonic() - self._load_started

    def _load_finished(self) -> None:
        self.last_load_seconds = time.monotonic() - self._load_started
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()

    def _changes_arrived(self, generation: int, changes: QueueChanges) -> None:
        if generation != self._generation:
            return
        if changes.missing:
            self.feeder.discard(changes.missing)
            self.model.remove_ids(changes.missing)
        self.model.update_rows(changes.changed)
        self._refresh_current()
        self._names_arrived |= bool(changes.fresh)
        self.feeder.add(changes.fresh)

    def _fed(self) -> None:
        if self._names_arrived:  # a re-read that only changed rows (a re-match) leaves the width alone
            self._names_arrived = False
            self.queue.fit_name_column()
        self.loaded.emit()

    def _refresh_current(self) -> None:
        # The current item may have changed (analysis arrived, state, viewed): show the fresh one.
        current = self.queue.current_item()
        if current is not None and current is not self.viewer.item:
            self.show_item(current)

    # -- the viewer ----------------------------------------------------------------------------

    def show_item(self, item: Item | None) -> None:
        """Show ``item`` in the viewer and the detail panel; decode its previews if it has any."""
        previous = self.viewer.item
        self.viewer.show_item(item)
        self.details.show_item(item)
        if item is None or not self.viewer.wants_previews or self._fetch is None:
            return
        if previous is not None and previous.item_id == item.item_id and self.viewer.previews is not None:
            return  # the same item, updated: its pictures are already here
        generation = self._generation
        worker = self._media_pool.run(load_previews, self._fetch, item, self.viewer.options, context=self.viewer)
        worker.result.connect(partial(self._previews_arrived, item.item_id, generation))
        worker.error.connect(partial(self._previews_failed, item.item_id))

    def _previews_arrived(self, item_id: str, generation: int, loaded: tuple[PreviewSet, list[QImage]]) -> None:
        if generation == self._generation:
            self.viewer.show_previews(item_id, *loaded)

    def _previews_failed(self, item_id: str, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.viewer.show_load_problem(item_id, f"cannot render: {exc.message}")

    def reveal(self, item_id: str, mode: str) -> None:
        """Record a reveal ("full" or "exif") in a worker; show it only once it is recorded."""
        generation = self._generation
        item = self.viewer.item
        if mode == "full" and item is not None and item.item_id == item_id and self.viewer.is_text:
            text_worker = self._pool.run(reveal_and_read_text, self.items, item_id, context=self)
            text_worker.result.connect(partial(self._text_revealed, generation))
            text_worker.error.connect(self._failed)
            return
        worker = self._pool.run(reveal_and_read, self.items, item_id, mode, context=self)
        worker.result.connect(partial(self._reveal_recorded, mode, generation))
        worker.error.connect(self._failed)

    def _reveal_recorded(self, mode: str, generation: int, item: Item) -> None:
        if generation != self._generation:
            return  # locked meanwhile: the reveal is logged, but nothing is shown
        self.viewer.reveal_confirmed(item.item_id, mode)
        self.model.update_rows([self._row_for(item)])
        if self.viewer.item is not None and self.viewer.item.item_id == item.item_id:
            self.viewer.show_item(item)
            self.details.show_item(item)
        self.revealed.emit(item.item_id, mode)

    def _text_revealed(self, generation: int, read: tuple[Item, ReadableText]) -> None:
        item, text = read
        if generation != self._generation:
            return  # locked meanwhile: the reveal is logged, nothing is shown
        self.model.update_rows([self._row_for(item)])
        if self.viewer.item is not None and self.viewer.item.item_id == item.item_id:
            self.viewer.show_item(item)  # the same item, viewed now: the heading says so, nothing is forgotten
            self.details.show_item(item)
            self.viewer.show_text(item.item_id, text)
        self.revealed.emit(item.item_id, "full")

    def _row_for(self, item: Item) -> QueueRow:
        """A changed item's row, keeping the matches its listed row has."""
        listed = self.model.listing().get(item.item_id)
        return listed.with_item(item) if listed is not None else QueueRow.from_item(item)

    # -- review states -------------------------------------------------------------------------

    def change_state(self, item_ids: list[str], state: ReviewState, reason: str | None = None) -> None:
        """Move items to ``state``; dismissing asks for a reason first (unless ``reason`` is given)."""
        if state == ReviewState.DISMISSED and reason is None:
            dialog = DismissDialog(len(item_ids), self._dialog_parent())
            try:
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
                reason = dialog.reason
            finally:
                dialog.deleteLater()  # owned by the window, which would otherwise keep every one
        listed = self.model.listing()
        current = [row for row in map(listed.get, item_ids) if row is not None]
        generation = self._generation
        worker = self._pool.run(change_states, self.items, current, state, reason or "", context=self)
        worker.result.connect(partial(self._states_changed, [row.item for row in current], generation))
        worker.error.connect(self._failed)

    def _states_changed(self, before: list[Item], generation: int, rows: list[QueueRow]) -> None:
        if generation != self._generation:
            return
        # A row that changed meanwhile (its analysis landed) must not be overwritten by the older
        # copy the worker started from: those few are re-read instead.
        fresh = [row for old, row in zip(before, rows, strict=True) if self.model.item(old.item_id) is old]
        self.model.update_rows(fresh)
        self._refresh_current()
        if len(fresh) != len(rows):
            self.reload()
        count = len(rows)
        self.message.emit(f"{plural(count, 'item')} marked {rows[0].state_text.lower()}." if rows else "")

    def _dialog_parent(self) -> QWidget:
        return self.page.window()

    # -- settings and locking ------------------------------------------------------------------

    def apply_settings(self, settings: AppSettings) -> None:
        """New look or size: thumbnails are remade, the viewer goes back to protected and re-renders."""
        self.settings = settings
        options = DisplayOptions.from_settings(settings)
        self.thumbnails.set_look(options, thumbnail_pixels(settings))
        self.queue.set_thumbnail_side(settings.thumbnail_size)
        self.model.thumbnails_changed()
        self.viewer.set_look(options, settings.reveal_mode)
        if self.viewer.previews is not None and self.viewer.item is not None:
            item_id, previews, generation = self.viewer.item.item_id, self.viewer.previews, self._generation
            worker = self._media_pool.run(protect_all, previews, options, context=self.viewer)
            worker.result.connect(partial(self._protected_again, item_id, previews, generation))

    def _protected_again(self, item_id: str, previews: PreviewSet, generation: int, images: list[QImage]) -> None:
        if generation == self._generation:
            self.viewer.show_previews(item_id, previews, images)

    def start(self) -> None:
        """The workspace is unlocked: list its items."""
        self._active = True
        self.reload()

    def clear(self) -> None:
        """Forget everything decrypted: rows, thumbnails, previews, revealed pictures (on lock)."""
        self._active = False
        self._generation += 1
        self._load_again = False
        self.feeder.cancel()
        self.thumbnails.clear()
        self.model.clear()
        self.viewer.clear()
        self.details.show_item(None)
        self.items.forget()  # the service's cache of decrypted items goes too
        collect_garbage()  # the decrypted rows are gone and nobody is looking: the pause is free

    def shutdown(self) -> None:
        """The window is closing: forget everything and start no more work."""
        self._closed = True
        self.clear()

    def _failed(self, exc: BaseException) -> None:
        # Unexpected errors already went to the crash dialog through the worker bridge.
        if isinstance(exc, EvidenceDeskError):
            self.message.emit(exc.message)
