"""One queue row per item, formatted off the GUI thread.

``QueueRow.from_item`` turns a decrypted ``Item`` into the strings, sort keys and search text the
table needs, so painting, sorting and filtering 100,000 rows never format a size or a date. It is
plain Python (no Qt) and runs in the worker that read the items.
"""

from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.domain.hashlists import Match, MatchOutcome
from desktop_app.core.domain.item_doubts import content_doubt
from desktop_app.core.domain.items import IntakeOutcome, Item, ItemKind, ItemSource, ReviewState
from desktop_app.core.domain.media import MediaKind
from desktop_app.core.domain.readable_text import is_readable_text
from desktop_app.ui.models.queue_matches import match_text

NOTHING = "—"

STATE_TEXT = {
    ReviewState.NEW: "New",
    ReviewState.IN_REVIEW: "In review",
    ReviewState.TO_REPORT: "To report",
    ReviewState.REPORTED: "Reported",
    ReviewState.DISMISSED: "Dismissed",
}
# Review order, for sorting the state column by workflow instead of alphabetically.
STATE_ORDER = {state: n for n, state in enumerate(ReviewState)}

OUTCOME_TEXT = {
    IntakeOutcome.OK: "",
    IntakeOutcome.CHANGED_WHILE_READ: "The file changed while it was read; what was read is preserved.",
    IntakeOutcome.NOT_READ_LINK: "A symbolic link: recorded with its target, not followed.",
    IntakeOutcome.NOT_READ_SPECIAL: "A special file (FIFO, device or socket): recorded, not read.",
    IntakeOutcome.NOT_READ_TOO_LARGE: "Too large to import: recorded, not read.",
    IntakeOutcome.NOT_READ_VANISHED: "The file vanished before it could be read.",
    IntakeOutcome.NOT_READ_PERMISSION: "Permission denied: the file could not be read.",
    IntakeOutcome.NOT_READ_ERROR: "The file could not be read.",
    IntakeOutcome.NOT_READ_REPLACED: "Replaced between the folder walk and the read: not read.",
    IntakeOutcome.RECORD_DAMAGED: "This item's record is damaged or was altered; run the custody log check.",
}


class KindGroup(StrEnum):
    """What the type filter offers: what an item turned out to be."""

    IMAGE = "image"
    VIDEO = "video"
    TEXT = "text"
    OTHER = "other"  # preserved bytes that are not a picture or video we decode
    NOT_READ = "not-read"  # links, special files and files that could not be read


KIND_GROUP_TEXT = {
    KindGroup.IMAGE: "Images",
    KindGroup.VIDEO: "Videos",
    KindGroup.TEXT: "Text",
    KindGroup.OTHER: "Other files",
    KindGroup.NOT_READ: "Not read",
}


def size_text(size: int | None) -> str:
    """'812 B', '14.2 KB', '3.4 MB' (decimal units, as file managers show)."""
    if size is None:
        return NOTHING
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def kind_group(item: Item) -> KindGroup:
    """Which filter group ``item`` belongs to (a text file is text, as a pasted text item is)."""
    if item.kind == ItemKind.TEXT or is_readable_text(item):
        return KindGroup.TEXT
    if item.kind != ItemKind.FILE:
        return KindGroup.NOT_READ
    if item.analysis is not None and item.analysis.kind == MediaKind.IMAGE:
        return KindGroup.IMAGE
    if item.analysis is not None and item.analysis.kind == MediaKind.VIDEO:
        return KindGroup.VIDEO
    return KindGroup.OTHER


def kind_text(item: Item) -> str:
    """'Image · JPEG', 'Video', 'Text', 'Link', ... for the type column."""
    if item.kind == ItemKind.TEXT:
        return "Text"
    if item.kind == ItemKind.LINK:
        return "Link"
    if item.kind == ItemKind.SPECIAL:
        return "Special file"
    if item.kind == ItemKind.UNREAD:
        return "Not read"
    if item.kind == ItemKind.DAMAGED:
        return "Damaged record"
    analysis = item.analysis
    if analysis is None:
        return "File · analysing"
    if analysis.kind == MediaKind.OTHER:
        return "Text file" if is_readable_text(item) else "File"
    label = "Image" if analysis.kind == MediaKind.IMAGE else "Video"
    short_format = format_name(analysis.format)
    return f"{label} · {short_format}" if short_format else label


# FFmpeg names a demuxer by every container it reads ("mov,mp4,m4a,3gp,3g2,mj2"); reviewers know these.
_CONTAINERS = {"mov": "MP4", "matroska": "MKV", "avi": "AVI", "mpegts": "MPEG-TS", "mpeg": "MPEG", "flv": "FLV"}


def format_name(decoder_format: str | None) -> str:
    """A short, familiar name for a decoder's format: 'JPEG', 'PNG', 'MP4', 'MKV', ..."""
    if not decoder_format:
        return ""
    first = decoder_format.split(",")[0].strip().lower()
    return _CONTAINERS.get(first, first.upper())


def problem_text(item: Item) -> str:
    """The one sentence that says what is wrong with this item, or '' if nothing is."""
    if item.outcome != IntakeOutcome.OK:
        return item.outcome_detail or OUTCOME_TEXT.get(item.outcome, str(item.outcome))
    analysis = item.analysis
    if analysis is not None and analysis.problem is not None:
        reason = analysis.problem_detail or str(analysis.problem).replace("-", " ")
        return f"cannot render: {reason}"
    return content_doubt(item)


def source_label(source: ItemSource, kind: ItemKind) -> str:
    """Who or where an item came from, in a few words: the uploader, else the manifest or folder."""
    named = source.uploader_screen_name or source.uploader_account_id or source.content_url or source.manifest
    if named:
        return named
    if source.path:
        parent = source.path.rstrip(b"/").rsplit(b"/", 2)
        return parent[-2].decode("utf-8", "replace") + "/" if len(parent) > 1 and parent[-2] else "/"
    return "Pasted text" if kind == ItemKind.TEXT else NOTHING


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One item, ready to show. ``item`` is kept for the detail panel and the viewer."""

    item: Item
    name: str
    kind_text: str
    group: KindGroup
    size_text: str
    sha256_short: str
    pdq_quality: int | None
    pdq_text: str
    match_text: str
    state_text: str
    source_text: str
    added_ts: float
    added_text: str
    problem: str
    renderable: bool
    search_text: str
    matches: tuple[Match, ...] = ()  # hash-list matches, strongest first (suppressions applied)
    match_notes: tuple[str, ...] = ()  # why some of its hashes were not matched (PDQ quality)

    @property
    def item_id(self) -> str:
        """The item's id (the model's row key)."""
        return self.item.item_id

    @classmethod
    def from_item(cls, item: Item, outcome: MatchOutcome | None = None) -> "QueueRow":
        """Format one item, with what matching against the hash lists found (None: not matched yet)."""
        analysis = item.analysis
        pdq = analysis.pdq if analysis is not None else None
        source = item.sources[0] if item.sources else None
        source_text = NOTHING
        if source is not None:
            source_text = source_label(source, item.kind)
        if len(item.sources) > 1:
            source_text += f" (+{len(item.sources) - 1})"
        local = item.added_at.astimezone()
        sha256 = item.digests.sha256 if item.digests is not None else ""
        name = item.display_name
        return cls(
            item=item,
            name=name,
            kind_text=kind_text(item),
            group=kind_group(item),
            size_text=size_text(item.size),
            sha256_short=sha256[:12] if sha256 else NOTHING,
            pdq_quality=pdq.quality if pdq is not None else None,
            pdq_text=str(pdq.quality) if pdq is not None else NOTHING,
            match_text=match_text(outcome.matches) if outcome is not None and outcome.matches else NOTHING,
            state_text=STATE_TEXT[item.state],
            source_text=source_text,
            added_ts=item.added_at.timestamp(),
            added_text=local.strftime("%Y-%m-%d %H:%M"),
            problem=problem_text(item),
            renderable=analysis is not None and analysis.renderable,
            search_text="\n".join((name, sha256, source_text, item.item_id)).casefold(),
            matches=outcome.matches if outcome is not None else (),
            match_notes=outcome.notes if outcome is not None else (),
        )

    def with_item(self, item: Item) -> "QueueRow":
        """This row for a changed ``item``, its matches kept (a state change does not re-match)."""
        return QueueRow.from_item(item, MatchOutcome(item.item_id, self.matches, self.match_notes))


def rows_from_items(items: list[Item], outcomes: dict[str, MatchOutcome] | None = None) -> list[QueueRow]:
    """Format many items (with their match outcomes, if known); meant for the worker thread."""
    found = outcomes or {}
    return [QueueRow.from_item(item, found.get(item.item_id)) for item in items]
