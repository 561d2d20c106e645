"""Changes read from one list file: entries added and entries deleted, kept compactly.

A 10-million-entry list must not become 10 million Python objects: fixed-width values go into one
``bytearray`` per algorithm (the raw bytes, not hex), with a parallel array of add/delete flags;
metadata is kept only for the entries that have any. Order matters (a later row for the same
value wins), so every change keeps its position.
"""

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop_app.core.domain.hashlists import FIXED_WIDTH, VALUE_BYTES, Algorithm, BadRow, EntryMeta

MAX_BAD_ROWS_KEPT = 1000  # listed by line; the count goes on past this


class InvalidValue(ValueError):
    """A hash value that is not what its algorithm needs (length, digits)."""


_HEX = frozenset("0123456789abcdef")


def parse_value(algorithm: Algorithm, text: str) -> bytes:
    """The raw bytes of a fixed-width hash given as hex (either case, surrounding blanks ignored)."""
    value = text.strip().lower()
    width = VALUE_BYTES[algorithm]
    if len(value) != 2 * width:
        raise InvalidValue(f"a {algorithm} hash is {2 * width} hex digits, this has {len(value)}")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise InvalidValue(f"a {algorithm} hash is hex digits (0-9, a-f)") from None


def parse_vpdq(features: list[str]) -> str:
    """A vPDQ signal (``"pdq_hex,quality,timestamp"`` strings) in canonical JSON-able text form."""
    if not features:
        raise InvalidValue("a vPDQ hash needs at least one frame")
    out = []
    for feature in features:
        parts = str(feature).split(",")
        if len(parts) != 3:
            raise InvalidValue("a vPDQ frame is 'pdq_hex,quality,timestamp'")
        hex_ = parse_value(Algorithm.PDQ, parts[0]).hex()
        try:
            quality, timestamp = int(parts[1]), float(parts[2])
        except ValueError:
            raise InvalidValue("a vPDQ frame's quality is a whole number and its timestamp a number") from None
        if not 0 <= quality <= 100 or timestamp < 0:
            raise InvalidValue("a vPDQ frame's quality is 0-100 and its timestamp not negative")
        out.append(f"{hex_},{quality},{timestamp:.3f}")
    return "\n".join(out)


@dataclass
class _Column:
    values: bytearray = field(default_factory=bytearray)
    deletes: bytearray = field(default_factory=bytearray)
    seq: list[int] = field(default_factory=list)
    meta: dict[int, EntryMeta] = field(default_factory=dict)


@dataclass(frozen=True)
class AlgorithmChanges:
    """Changes for one fixed-width algorithm, in file order."""

    values: npt.NDArray[np.uint8]  # (n, width)
    deletes: npt.NDArray[np.bool_]  # (n,)
    seq: npt.NDArray[np.int64]  # (n,) the change's position among all changes of the file
    meta: dict[int, EntryMeta]  # by position, only where the list said something


@dataclass(frozen=True)
class ChangeSet:
    """Everything one file said, and what could not be used."""

    fixed: dict[Algorithm, AlgorithmChanges]
    vpdq: list[tuple[str, bool, EntryMeta]]  # (features text, deleted, meta)
    # Withdrawals that name the programme's own id, not a hash (NCMEC's deletedImage/deletedVideo):
    # source id -> position of the withdrawal among all changes.
    deleted_source_ids: dict[str, int]
    rows_read: int
    bad_row_count: int
    bad_rows: tuple[BadRow, ...]  # the first MAX_BAD_ROWS_KEPT, by line
    ignored_types: dict[str, int]  # signal types the file holds that we do not match on (url, text, PhotoDNA)

    @property
    def change_count(self) -> int:
        """How many additions and deletions the file held."""
        return sum(len(c.deletes) for c in self.fixed.values()) + len(self.vpdq) + len(self.deleted_source_ids)


class ChangeBuilder:
    """Collects an importer's changes; importers call ``add``/``delete``/``bad``/``ignored``."""

    def __init__(self) -> None:
        self._columns = {algorithm: _Column() for algorithm in FIXED_WIDTH}
        self._vpdq: list[tuple[str, bool, EntryMeta]] = []
        self._deleted_ids: dict[str, int] = {}
        self._seq = 0
        self.rows_read = 0
        self.bad_row_count = 0
        self._bad: list[BadRow] = []
        self._ignored: dict[str, int] = {}

    def change(self, algorithm: Algorithm, value: str | list[str], meta: EntryMeta, deleted: bool) -> None:
        """Record one addition or deletion; raises ``InvalidValue`` for a malformed value."""
        if algorithm == Algorithm.VPDQ:
            features = value if isinstance(value, list) else [line for line in str(value).splitlines() if line]
            self._vpdq.append((parse_vpdq(features), deleted, meta))
            return
        raw = parse_value(algorithm, str(value))
        column = self._columns[algorithm]
        if not meta.empty:
            column.meta[len(column.deletes)] = meta
        column.values += raw
        column.deletes.append(1 if deleted else 0)
        column.seq.append(self._seq)
        self._seq += 1

    def add(self, algorithm: Algorithm, value: str | list[str], meta: EntryMeta | None = None) -> None:
        """Record an entry the list holds."""
        self.change(algorithm, value, meta or EntryMeta(), deleted=False)

    def delete(self, algorithm: Algorithm, value: str | list[str]) -> None:
        """Record an entry the list withdrew."""
        self.change(algorithm, value, EntryMeta(), deleted=True)

    def delete_source_id(self, source_id: str) -> None:
        """Record a withdrawal by the programme's own id (every entry carrying it is deleted)."""
        self._deleted_ids[source_id] = self._seq
        self._seq += 1

    def bad(self, line: int, reason: str) -> None:
        """Count (and, for the first few, keep) a row that could not be used."""
        self.bad_row_count += 1
        if len(self._bad) < MAX_BAD_ROWS_KEPT:
            self._bad.append(BadRow(line, reason))

    def ignored(self, signal_type: str) -> None:
        """Count an entry of a kind this app does not match on (URLs, text, PhotoDNA)."""
        self._ignored[signal_type] = self._ignored.get(signal_type, 0) + 1

    def build(self) -> ChangeSet:
        """The changes, as arrays."""
        fixed = {}
        for algorithm, column in self._columns.items():
            if not column.deletes:
                continue
            values = np.frombuffer(bytes(column.values), dtype=np.uint8).reshape(-1, VALUE_BYTES[algorithm])
            deletes = np.frombuffer(bytes(column.deletes), dtype=np.uint8).astype(bool)
            seq = np.asarray(column.seq, dtype=np.int64)
            fixed[algorithm] = AlgorithmChanges(values, deletes, seq, column.meta)
        return ChangeSet(
            fixed,
            self._vpdq,
            dict(self._deleted_ids),
            self.rows_read,
            self.bad_row_count,
            tuple(self._bad),
            dict(self._ignored),
        )
