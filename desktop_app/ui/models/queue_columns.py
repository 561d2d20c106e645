"""The queue table's columns: their order, titles, tooltips, text alignment and sort keys.

Plain Python (no Qt): the sort keys also run on worker threads (``queue_order``).
"""

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from desktop_app.ui.models.queue_matches import match_lines, match_sort_key
from desktop_app.ui.models.queue_rows import STATE_ORDER, QueueRow


class Column(IntEnum):
    """The table's columns, in order."""

    THUMBNAIL = 0
    NAME = 1
    TYPE = 2
    SIZE = 3
    SHA256 = 4
    PDQ_QUALITY = 5
    MATCH = 6
    STATE = 7
    VIEWED = 8
    SOURCE = 9
    ADDED = 10


HEADERS = {
    Column.THUMBNAIL: "",
    Column.NAME: "Name",
    Column.TYPE: "Type",
    Column.SIZE: "Size",
    Column.SHA256: "SHA-256",
    Column.PDQ_QUALITY: "PDQ quality",
    Column.MATCH: "Match",
    Column.STATE: "State",
    Column.VIEWED: "Viewed",
    Column.SOURCE: "Source",
    Column.ADDED: "Added",
}

HEADER_TIPS = {
    Column.THUMBNAIL: "Thumbnail, blurred and greyscale as set in Settings",
    Column.SHA256: "First 12 hex digits of the SHA-256 digest; the detail panel has all of them",
    Column.PDQ_QUALITY: "Quality of the image's PDQ hash (0-100); below 50 it is too featureless to match on",
    Column.STATE: "Review state: new, in review, to report, reported or dismissed",
    Column.MATCH: "The strongest match against the workspace's hash lists (list, and distance for PDQ); "
    "the item's details list every match",
    Column.VIEWED: "Whether the reviewer revealed the item in full (from the custody log)",
}

RIGHT_ALIGNED = frozenset({Column.SIZE, Column.PDQ_QUALITY})  # numbers line up on the right
MONOSPACED = frozenset({Column.SHA256})

_SORT_KEYS: dict[Column, Callable[[QueueRow], Any]] = {
    Column.THUMBNAIL: lambda r: (r.group, r.name.casefold()),
    Column.NAME: lambda r: r.name.casefold(),
    Column.TYPE: lambda r: r.kind_text.casefold(),
    Column.SIZE: lambda r: -1 if r.item.size is None else r.item.size,
    Column.SHA256: lambda r: r.sha256_short,
    Column.PDQ_QUALITY: lambda r: -1 if r.pdq_quality is None else r.pdq_quality,
    Column.MATCH: lambda r: match_sort_key(r.matches),
    Column.STATE: lambda r: STATE_ORDER[r.item.state],
    Column.VIEWED: lambda r: r.item.viewed,
    Column.SOURCE: lambda r: r.source_text.casefold(),
    Column.ADDED: lambda r: r.added_ts,
}


def sort_key(column: Column) -> Callable[[QueueRow], Any]:
    """The natural order of ``column``: numbers as numbers, states in workflow order, text caseless."""
    return _SORT_KEYS[column]


def display_texts(row: QueueRow) -> tuple[str, ...]:
    """Every column's text, indexed by ``Column`` (the thumbnail's is empty)."""
    return (
        "",
        row.name,
        row.kind_text,
        row.size_text,
        row.sha256_short,
        row.pdq_text,
        row.match_text,
        row.state_text,
        "Yes" if row.item.viewed else "No",
        row.source_text,
        row.added_text,
    )


def match_tooltip(row: QueueRow) -> str | None:
    """Every match of the row, one a line, and why some hashes were not matched (None if neither)."""
    lines = match_lines(row.matches, row.match_notes)
    return "\n".join(lines) if lines else None
