"""Hash lists: the lists of known hashes a platform receives, and what matching against them found.

Pure types. A list holds entries of one minimal shape, whatever programme shipped it: the
algorithm, the value, and what the programme said about it (media kind, its own id, a label or
category, tags). Importers turn each programme's file into changes (add or delete an entry);
storage keeps the merged contents sealed; matching finds entries near an item's hashes.
"""

from dataclasses import dataclass, field
from enum import StrEnum

# The upstream PDQ guidance (see ``domain.media``): a distance <= 31 is a match; lists may set
# their own threshold, but never above this ceiling, where PDQ stops meaning "the same picture"
# and the index's probe count explodes.
DEFAULT_PDQ_THRESHOLD = 31
MAX_PDQ_THRESHOLD = 47
# vPDQ (python-threatexchange's rule): frames of quality >= 50, deduplicated, match at distance
# <= 31; a video matches when >= 80 % of the query's frames match (and >= 0 % of the target's).
VPDQ_QUERY_MATCH_PERCENT = 80.0
VPDQ_TARGET_MATCH_PERCENT = 0.0


class Algorithm(StrEnum):
    """What kind of hash an entry is. Always declared by the list or the user, never guessed."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    PDQ = "pdq"
    VPDQ = "vpdq"  # a whole video: a list of per-frame PDQ features


# Bytes per value of the fixed-width algorithms (vPDQ is variable).
VALUE_BYTES = {Algorithm.MD5: 16, Algorithm.SHA1: 20, Algorithm.SHA256: 32, Algorithm.PDQ: 32}
FIXED_WIDTH = tuple(VALUE_BYTES)


class ListFormat(StrEnum):
    """The file formats the importer reads."""

    TEXT = "text"  # one hash a line; the algorithm is chosen by the user
    CSV = "csv"  # CSV or TSV with a column mapping
    HMA_CSV = "hma-csv"  # python-threatexchange / HMA: signal_type,signal_str,collab,category,tags
    HMA_TEXT = "hma-text"  # python-threatexchange's text form: "<signal_type> <signal>" a line
    NCMEC_XML = "ncmec-xml"  # NCMEC Hash Sharing v2 queryResult pages
    STOPNCII_JSON = "stopncii-json"  # StopNCII FetchHashes pages
    THREATEXCHANGE_JSON = "threatexchange-json"  # ThreatExchange threat_updates pages
    TAT_JSON = "tat-json"  # Tech Against Terrorism hash-list pages


@dataclass(frozen=True, slots=True)
class EntryMeta:
    """What a programme said about one entry; empty strings when it said nothing."""

    media_kind: str = ""
    source_id: str = ""
    label: str = ""
    tags: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether there is nothing to keep."""
        return not (self.media_kind or self.source_id or self.label or self.tags)

    def to_json(self) -> list[object]:
        """Compact JSON form (a list, to keep millions of entries small)."""
        return [self.media_kind, self.source_id, self.label, list(self.tags)]

    @classmethod
    def from_json(cls, raw: list[object]) -> "EntryMeta":
        """Inverse of ``to_json``."""
        media_kind, source_id, label, tags = raw
        return cls(str(media_kind), str(source_id), str(label), tuple(str(t) for t in tags))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row the importer could not use, and why. ``line`` is 1-based (or the record number in JSON/XML)."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class HashList:
    """A list's settings. ``list_id`` is random; the name is what the reviewer calls it."""

    list_id: str
    name: str
    source: str = ""  # the programme: "NCMEC", "StopNCII", ...
    licence_note: str = ""
    pdq_threshold: int = DEFAULT_PDQ_THRESHOLD
    enabled: bool = True
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class ListCounts:
    """How many entries a list holds, by algorithm, and how many were deleted upstream."""

    active: dict[str, int] = field(default_factory=dict)
    deleted: int = 0

    @property
    def total_active(self) -> int:
        """All entries that take part in matching."""
        return sum(self.active.values())


@dataclass(frozen=True, slots=True)
class Match:
    """One entry of one list that an item's hash matched."""

    list_id: str
    list_name: str
    algorithm: Algorithm
    entry: str  # the entry's value as lowercase hex (vPDQ: its first frame's hex)
    distance: int  # 0 for exact digests; PDQ: the smallest over the dihedral hashes
    variant: str = ""  # PDQ: which dihedral hash matched ("original", "rotate-90", ...)
    query_match_percent: float | None = None  # vPDQ only
    target_match_percent: float | None = None  # vPDQ only

    @property
    def entry_key(self) -> str:
        """The entry's identity across lists and updates: ``algorithm:value``."""
        return f"{self.algorithm}:{self.entry}"


@dataclass(frozen=True)
class MatchOutcome:
    """Every match of one item, strongest first, and why some hashes were not matched."""

    item_id: str
    matches: tuple[Match, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListImportSummary:
    """What importing one file into a list did."""

    list_id: str
    list_name: str
    file_name: str
    format: ListFormat
    rows_read: int
    bad_row_count: int
    bad_rows: tuple[BadRow, ...]
    ignored_types: dict[str, int]
    added: int
    withdrawn: int
    unknown_withdrawals: int
    unchanged: int
    counts: ListCounts


@dataclass(frozen=True)
class MatchRunSummary:
    """What one matching run found."""

    items: int
    matched: int
    changed: int  # items whose matches differ from what was stored


class Standing(StrEnum):
    """Whether a stored match counts, or a reviewer took it out."""

    COUNTS = "counts"
    NOT_A_MATCH = "not-a-match"  # marked not a match for this item
    SUPPRESSED = "suppressed"  # the entry is suppressed for the whole workspace


@dataclass(frozen=True, slots=True)
class MatchStanding:
    """One stored match of an item and whether it counts (with the reviewer's reason if not)."""

    match: Match
    standing: Standing = Standing.COUNTS
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ListActivity:
    """What one list has matched in this workspace (the list page's columns)."""

    entries_matched: int = 0  # distinct entries with a match that counts
    items_matched: int = 0  # items with a match on this list that counts
    entries_suppressed: int = 0  # entries of this list suppressed for the whole workspace
    not_a_match: int = 0  # (item, entry) pairs of this list marked not a match
    matches_this_week: int = 0  # items whose match on this list was found in the last 7 days
