"""Lazy, protected thumbnails: an in-memory LRU of finished ``QImage``s and the loader that fills it.

The queue model asks for a thumbnail only when the view paints a row; a miss becomes a request
here. Requests are coalesced for a moment (a scroll paints many rows at once), the most recent
first, and fetched in small batches on a worker: decrypt and decode in the sandbox (through the
``PreviewFetcher``), then shrink, greyscale and blur on the worker thread. Only the protected
picture is kept, and only in memory: nothing is ever written to disk, and ``clear`` (on lock, or
when the look changes in Settings) empties the cache and discards whatever is still in flight.

A thumbnail that cannot be made is cached as a null ``QImage`` so a broken file is asked for once,
not on every repaint.
"""

import logging
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from desktop_app.core.domain.media import PreviewSet
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.ui.safe_image import DisplayOptions, render
from desktop_app.ui.worker import WorkerPool

log = logging.getLogger(__name__)

# (item id, max side in pixels, keyframes) -> the previews, decoded in the sandbox, in memory.
PreviewFetcher = Callable[[str, int, int], PreviewSet]

CACHE_BYTES = 48 * 1024 * 1024  # ~1,700 thumbnails at 96 px: several screens of scrolling
BATCH = 8  # thumbnails per worker run: small enough that the first ones show quickly
MAX_PENDING = 256  # rows scrolled past long ago are dropped; they ask again if painted again
COALESCE_MS = 15


class ThumbnailCache:
    """Least-recently-used ``QImage``s by item id, bounded by their pixel bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._bytes = 0

    def get(self, item_id: str) -> QImage | None:
        """The cached image (marking it recently used), or None."""
        image = self._images.get(item_id)
        if image is not None:
            self._images.move_to_end(item_id)
        return image

    def put(self, item_id: str, image: QImage) -> None:
        """Cache ``image``, evicting the least recently used ones beyond the budget."""
        old = self._images.pop(item_id, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[item_id] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self.max_bytes and len(self._images) > 1:
            _, evicted = self._images.popitem(last=False)
            self._bytes -= evicted.sizeInBytes()

    def clear(self) -> None:
        """Forget every image."""
        self._images.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._images)

    @property
    def size_in_bytes(self) -> int:
        """Pixel bytes held."""
        return self._bytes


def make_thumbnails(
    fetch: PreviewFetcher, item_ids: list[str], options: DisplayOptions, side: int
) -> list[tuple[str, QImage]]:
    """Runs in a worker: one protected thumbnail per id (a null image where none can be made)."""
    made = []
    for item_id in item_ids:
        try:
            previews = fetch(item_id, side, 1)
        except EvidenceDeskError as exc:
            log.info("No thumbnail for item %s: %s", item_id, exc.code)
            made.append((item_id, QImage()))
            continue
        if previews.problem is not None or not previews.frames:
            made.append((item_id, QImage()))
            continue
        made.append((item_id, render(previews.frames[0], options, side)))
    return made


class ThumbnailLoader(QObject):
    """Fills a ``ThumbnailCache`` on demand, one small batch at a time, on its own pool.

    Args:
        fetch: Decodes an item's previews (runs on the worker).
        pool: A pool for media work (not the database pool: thumbnails must not queue behind an import).
        options: The protected look.
        side: Thumbnail edge in pixels.
        parent: The owning QObject.
    """

    thumbnail_ready = Signal(str)

    def __init__(
        self,
        fetch: PreviewFetcher | None,
        pool: WorkerPool,
        options: DisplayOptions,
        side: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache = ThumbnailCache()
        self._fetch = fetch
        self._pool = pool
        self.options = options
        self.side = side
        self._pending: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[str] = set()
        self._busy = False
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._start_batch)

    def set_fetcher(self, fetch: PreviewFetcher | None) -> None:
        """Use another source of previews (None: make no thumbnails)."""
        self._fetch = fetch
        self.clear()

    def thumbnail(self, item_id: str) -> QImage | None:
        """The cached thumbnail, if any (what the queue model calls while painting)."""
        return self.cache.get(item_id)

    def request(self, item_id: str) -> None:
        """Fetch ``item_id``'s thumbnail soon, unless it is cached or on its way."""
        if self._fetch is None or item_id in self._in_flight or self.cache.get(item_id) is not None:
            return
        self._pending[item_id] = None
        self._pending.move_to_end(item_id)  # most recently painted first
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)
        if not self._busy and not self._timer.isActive():
            self._timer.start()

    def set_look(self, options: DisplayOptions, side: int) -> None:
        """Change the protected look or the size; drops every thumbnail made the old way."""
        if (options, side) != (self.options, self.side):
            self.options, self.side = options, side
            self.clear()

    def clear(self) -> None:
        """Forget every thumbnail and every request; results still in flight are discarded."""
        self._generation += 1
        self._timer.stop()
        self._pending.clear()
        self._in_flight.clear()
        self.cache.clear()

    @property
    def idle(self) -> bool:
        """Nothing pending and nothing in flight."""
        return not self._busy and not self._pending

    def _start_batch(self) -> None:
        if self._busy or not self._pending or self._fetch is None:
            return
        batch: list[str] = []
        while self._pending and len(batch) < BATCH:
            item_id, _ = self._pending.popitem(last=True)
            batch.append(item_id)
        self._in_flight.update(batch)
        self._busy = True
        generation = self._generation
        worker = self._pool.run(make_thumbnails, self._fetch, batch, self.options, self.side, context=self)
        worker.result.connect(partial(self._arrived, generation))
        worker.finished.connect(partial(self._batch_finished, batch, generation))

    def _arrived(self, generation: int, made: list[tuple[str, QImage]]) -> None:
        if generation != self._generation:
            return  # locked or restyled meanwhile: these were made for a world that is gone
        for item_id, image in made:
            self.cache.put(item_id, image)
            self.thumbnail_ready.emit(item_id)

    def _batch_finished(self, batch: list[str], generation: int) -> None:
        self._busy = False
        if generation == self._generation:
            self._in_flight.difference_update(batch)
        if self._pending:
            self._timer.start()
