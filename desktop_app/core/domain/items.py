"""Items: the flagged things a reviewer works through, and where each came from.

An item is one piece of preserved content (a blob in the vault, byte-exact) with its digests, what
decoding it showed, one or more sources (the same bytes can arrive from several places: duplicates
become one item with several sources), and a review state. Things that could not be read (links,
devices, FIFOs, vanished or unreadable files) are items too, with no blob and an outcome saying
why, so nothing flagged silently disappears from the queue.

Pure types: storage encrypts them, services move them, the UI shows them. Whether the reviewer
has viewed an item is not stored on the item: it is derived from the custody log's reveal events
(``viewed_item_ids``), because that is the record a report's ``fileViewedByEsp`` must rest on.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.domain.media import MediaAnalysis


class ItemKind(StrEnum):
    """What an item holds."""

    FILE = "file"  # bytes from a file; ``analysis.kind`` says whether it is a picture or video
    TEXT = "text"  # a text-only item (a message transcript), preserved as UTF-8
    LINK = "link"  # a symbolic link: recorded with its target, never followed
    SPECIAL = "special"  # a FIFO, device or socket: recorded, never read
    UNREAD = "unread"  # a file that could not be read (vanished, permission denied, too large)
    DAMAGED = "damaged"  # its database row cannot be read (altered or corrupted): listed, never used


TEXT_ITEM_LABEL = "(text message)"


class ReviewState(StrEnum):
    """Where an item is in review. Dismissing needs a reason."""

    NEW = "new"
    IN_REVIEW = "in-review"
    TO_REPORT = "to-report"
    REPORTED = "reported"
    DISMISSED = "dismissed"


class IntakeOutcome(StrEnum):
    """How taking the item in went. Anything but OK is shown on the item in the queue."""

    OK = "ok"
    CHANGED_WHILE_READ = "changed-while-read"  # preserved as read; the file changed meanwhile
    NOT_READ_LINK = "not-read-link"
    NOT_READ_SPECIAL = "not-read-special"
    NOT_READ_TOO_LARGE = "not-read-too-large"
    NOT_READ_VANISHED = "not-read-vanished"
    NOT_READ_PERMISSION = "not-read-permission"
    NOT_READ_ERROR = "not-read-error"
    NOT_READ_REPLACED = "not-read-replaced"  # not the file (or folder) the walk found: swapped meanwhile
    RECORD_DAMAGED = "record-damaged"  # not an intake outcome: the item's stored record cannot be read


class RevealMode(StrEnum):
    """What a reveal showed: the content unblurred, or only its EXIF/metadata as text."""

    FULL = "full"
    EXIF = "exif"


@dataclass(frozen=True, slots=True)
class Digests:
    """The cryptographic digests of the preserved bytes, as lowercase hex."""

    md5: str
    sha1: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ItemSource:
    """Where an item came from: the file it was read from and what the platform knows about it.

    ``path`` and ``original_name`` are bytes because file names need not be UTF-8 (decisions.md §4);
    ``display_*`` are lossy strings for showing. The named fields are what the report builder
    pre-fills from; anything else the platform gave is kept in ``extra``.
    """

    source_id: str
    added_at: datetime
    path: bytes | None = None  # the local path it was imported from, None for text-only items
    original_name: bytes | None = None  # the name on the platform if the manifest says, else the file name
    content_url: str | None = None
    uploader_account_id: str | None = None
    uploader_screen_name: str | None = None
    upload_ip: str | None = None
    upload_port: int | None = None
    upload_time: datetime | None = None  # always with a time zone
    message_id: str | None = None  # message or post id
    manifest: str | None = None  # the manifest file name it came from, if any
    extra: dict[str, str] = field(default_factory=dict)
    file_modified: datetime | None = None  # the file's mtime as read (from the open descriptor)

    @property
    def display_name(self) -> str:
        """The original name for showing (undecodable bytes become U+FFFD)."""
        name = self.original_name if self.original_name is not None else (self.path or b"").rsplit(b"/", 1)[-1]
        return name.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class SourceFields:
    """What a platform says about one item (a manifest row), before it is stored as an ``ItemSource``."""

    original_name: bytes | None = None
    content_url: str | None = None
    uploader_account_id: str | None = None
    uploader_screen_name: str | None = None
    upload_ip: str | None = None
    upload_port: int | None = None
    upload_time: datetime | None = None
    message_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the queue, decrypted."""

    item_id: str
    kind: ItemKind
    state: ReviewState
    added_at: datetime
    outcome: IntakeOutcome
    sources: tuple[ItemSource, ...]
    blob_id: str | None = None
    size: int | None = None
    digests: Digests | None = None
    analysis: MediaAnalysis | None = None  # None until decoded (or never, for unread items)
    outcome_detail: str = ""  # the reviewer-facing sentence for a non-OK outcome
    link_target: bytes | None = None
    dismiss_reason: str = ""
    viewed: bool = False  # derived from the custody log: the reviewer revealed it in full

    @property
    def display_name(self) -> str:
        """The first source's name; text items, which have none, say what they are."""
        name = self.sources[0].display_name if self.sources else ""
        if name:
            return name
        return TEXT_ITEM_LABEL if self.kind == ItemKind.TEXT else self.item_id


def viewed_item_ids(events: Iterable[CustodyEvent]) -> set[str]:
    """The items the reviewer has seen in full, according to the custody log.

    Only a full reveal counts: reading an item's EXIF as text is not viewing the depiction.
    """
    return {
        event.subject
        for event in events
        if event.type == EventType.ITEM_REVEALED
        and event.subject is not None
        and event.data.get("mode") == RevealMode.FULL
    }
