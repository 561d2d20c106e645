"""The queue's decrypted items, kept between listings (``ItemCache``)."""

import sys
from typing import Any

from desktop_app.core.domain.items import Item
from desktop_app.core.platform.interpreter import release_gradually


class ItemCache:
    """Decrypted items, reused while their sealed cells are byte-identical.

    Every write seals with a fresh random nonce, so a changed item always has changed bytes:
    comparing the sealed row (and its sources' sealed rows) is an exact test, and re-listing
    100,000 items after an import decrypts only what the import touched. Each listing fills a
    new generation (``successor``) that looks items up in this one; items no longer in the queue
    are simply not carried over. Holds plaintext in memory: drop it when the workspace locks.
    """

    def __init__(self, previous: "ItemCache | None" = None) -> None:
        self._previous = previous._entries if previous is not None else {}
        self._entries: dict[str, tuple[tuple[Any, ...], tuple[Any, ...], Item]] = {}

    def successor(self) -> "ItemCache":
        """A new generation that reuses this one's items."""
        return ItemCache(self)

    def get(self, row: tuple[Any, ...], sources: tuple[Any, ...]) -> Item | None:
        """The cached item if ``row`` and ``sources`` are exactly what it was decrypted from."""
        entry = self._previous.get(row[0])
        if entry is not None and entry[0] == row and entry[1] == sources:
            return entry[2]
        return None

    def put(self, row: tuple[Any, ...], sources: tuple[Any, ...], item: Item) -> None:
        """Keep an item for the next generation."""
        self._entries[row[0]] = (row, sources, item)

    def __len__(self) -> int:
        return len(self._entries)

    def settle(self) -> None:
        """The listing that filled this generation is complete: let go of the previous one.

        Its entries hold every sealed row of the last listing; dropped at once, freeing them
        held the GIL for 60-70 ms at 100,000 items (the window's longest stall while the queue
        was re-matched). They are released a little at a time, unless another listing begun
        from the same generation still reads them (it then holds a reference too, and this
        one just lets go of its own).
        """
        previous, self._previous = self._previous, {}
        if sys.getrefcount(previous) == 2:  # ``previous`` and the call's argument: no one else's
            release_gradually(previous)
