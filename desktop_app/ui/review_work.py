"""The queue's worker-side steps: reading and diffing the items, decoding previews, reveals, bulk states.

Each function here runs on a worker thread (``ReviewController`` starts them through the worker
bridge) and touches no widget; what it returns is applied on the GUI thread.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Protocol

from PySide6.QtGui import QImage

from desktop_app.core.domain.hashlists import MatchOutcome
from desktop_app.core.domain.items import Item, RevealMode, ReviewState
from desktop_app.core.domain.media import MediaKind, PreviewSet
from desktop_app.core.domain.readable_text import ReadableText
from desktop_app.core.platform.interpreter import long_lived_allocation, release_gradually
from desktop_app.ui.models.queue_rows import QueueRow
from desktop_app.ui.safe_image import DisplayOptions, render
from desktop_app.ui.thumbnails import PreviewFetcher

VIEWER_SIDE = 720  # one picture: sharp enough for a decision, small enough to decode in a blink
GRID_SIDE = 320  # each keyframe of a video grid
KEYFRAMES = 9


class ItemsPort(Protocol):
    """What the queue needs from the item service (``core.services.items.ItemService``)."""

    def list_items(self) -> list[Item]: ...  # noqa: D102 - documented by the service

    def forget(self) -> None: ...  # noqa: D102

    def get(self, item_id: str) -> Item: ...  # noqa: D102

    def set_state(self, item_ids: list[str], state: ReviewState, reason: str = "") -> int: ...  # noqa: D102

    def record_reveal(self, item_id: str, mode: RevealMode) -> None: ...  # noqa: D102

    def read_text(self, item_id: str) -> ReadableText: ...  # noqa: D102


class MatchesPort(Protocol):
    """Where the queue reads items' hash-list matches (``core.services.hashlists.HashListService``)."""

    def outcomes(self, item_ids: Sequence[str] | None = None) -> dict[str, MatchOutcome]: ...  # noqa: D102


@dataclass(frozen=True)
class QueueChanges:
    """What a fresh read changes in the listed queue."""

    fresh: list[QueueRow]  # items not listed yet
    changed: list[QueueRow]  # listed items whose values differ (analysis, state, viewed, sources)
    missing: set[str]  # listed items the workspace no longer has


def load_changes(
    items: ItemsPort, listing: "MappingProxyType[str, QueueRow]", matches: MatchesPort | None = None
) -> QueueChanges:
    """Worker: read every item and diff against what is listed, so the GUI thread only applies changes.

    Formatting and comparing 100,000 items is worker work; re-sending unchanged rows to the model
    would make the GUI thread handle them all every few seconds of an import. The rows are handed
    over all at once rather than per decrypted batch: feeding rows while this thread still formats
    the next batch made the two fight for the GIL (stalls of 120 ms instead of 30, measured in
    benchmarks/ui_bench.py) for first rows barely a second earlier.

    ``listing`` is the model's own read-only view (``QueueModel.listing``); the copy is taken here,
    not on the GUI thread, and ``copy()`` is ``dict.copy`` underneath: one C-level step that no
    change from the GUI thread can interleave with.

    ``matches``: the items' hash-list matches (suppressions applied) join their rows; a row whose
    matches changed (a list was imported, an entry suppressed) counts as changed.
    """
    listed = listing.copy()
    with long_lived_allocation():  # see core/platform/interpreter.py: no collector pauses while the rows are made
        current = items.list_items()
        found = matches.outcomes() if matches is not None else {}
        fresh, changed = [], []
        for item in current:
            old = listed.pop(item.item_id, None)  # what is left at the end is no longer in the workspace
            outcome = found.get(item.item_id)
            if old is None:
                fresh.append(QueueRow.from_item(item, outcome))
            elif old.item != item or _matches_differ(old, outcome):
                changed.append(QueueRow.from_item(item, outcome))
        # Freed at once, the queue's outcomes held the GIL for ~16 ms at 100,000 items (and a
        # set difference of every id another 20 ms): see core/platform/interpreter.py.
        release_gradually(found)
        return QueueChanges(fresh, changed, set(listed))


def _matches_differ(row: QueueRow, outcome: MatchOutcome | None) -> bool:
    if outcome is None:
        return bool(row.matches or row.match_notes)
    return row.matches != outcome.matches or row.match_notes != outcome.notes


def load_previews(fetch: PreviewFetcher, item: Item, options: DisplayOptions) -> tuple[PreviewSet, list[QImage]]:
    """Worker: decode the viewer's previews and make their protected renderings."""
    video = item.analysis is not None and item.analysis.kind == MediaKind.VIDEO
    previews = fetch(item.item_id, GRID_SIDE if video else VIEWER_SIDE, KEYFRAMES if video else 1)
    return previews, [render(frame, options) for frame in previews.frames]


def protect_all(previews: PreviewSet, options: DisplayOptions) -> list[QImage]:
    """Worker: remake the protected renderings after the look changed."""
    return [render(frame, options) for frame in previews.frames]


def reveal_and_read(items: ItemsPort, item_id: str, mode: str) -> Item:
    """Worker: record the reveal in the custody log, then read the item back (now viewed)."""
    items.record_reveal(item_id, RevealMode(mode))
    return items.get(item_id)


def reveal_and_read_text(items: ItemsPort, item_id: str) -> tuple[Item, ReadableText]:
    """Worker: record the reveal of a text, then read its words (only after the log has it)."""
    items.record_reveal(item_id, RevealMode.FULL)
    return items.get(item_id), items.read_text(item_id)


def change_states(items: ItemsPort, current: list[QueueRow], state: ReviewState, reason: str) -> list[QueueRow]:
    """Worker: change the state of many items and return their updated rows.

    The rows are the listed items with the new state applied rather than a re-read of each one:
    the service either changed all of them in its transaction or raised, and re-reading thousands
    of items one by one would make a bulk action slow for nothing.
    """
    items.set_state([row.item_id for row in current], state, reason)
    reason = reason if state == ReviewState.DISMISSED else ""
    return [row.with_item(replace(row.item, state=state, dismiss_reason=reason)) for row in current]
