"""A list's merged contents: sorted arrays per algorithm, merging a file's changes, and segments.

Fixed-width values are kept as one sorted ``(n, width)`` uint8 array per algorithm (raw bytes in
lexicographic order, unique), with a deleted flag (a withdrawn entry is kept as a tombstone so the
list page can count it and a later file can bring it back) and the number of the import that
first added it. Metadata is kept only for entries that have some, keyed by the raw value.

Merging is vectorised: old and new rows are sorted together by (value, position) and the last
change of each value wins. Storage seals the contents in segments of up to ``SEGMENT_ENTRIES``
entries; a segment's plaintext is a 4-byte header length, a JSON header, and the packed arrays.
"""

import json
import struct
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop_app.core.domain.hashlists import FIXED_WIDTH, VALUE_BYTES, Algorithm, EntryMeta, ListCounts
from desktop_app.core.hashlists.changes import ChangeSet

SEGMENT_ENTRIES = 1_000_000
SEGMENT_VERSION = 1


@dataclass
class FixedEntries:
    """One algorithm's entries: sorted unique values, tombstones, the import that added each."""

    values: npt.NDArray[np.uint8]
    deleted: npt.NDArray[np.bool_]
    added_in: npt.NDArray[np.int32]
    meta: dict[bytes, EntryMeta] = field(default_factory=dict)

    @classmethod
    def empty(cls, algorithm: Algorithm) -> "FixedEntries":
        """No entries."""
        width = VALUE_BYTES[algorithm]
        return cls(np.zeros((0, width), np.uint8), np.zeros(0, bool), np.zeros(0, np.int32))

    def active_values(self) -> npt.NDArray[np.uint8]:
        """The values that take part in matching (not withdrawn), still sorted."""
        return self.values[~self.deleted]


@dataclass
class VpdqEntry:
    """One video entry: its frames as ``hex,quality,timestamp`` lines."""

    deleted: bool
    added_in: int
    meta: EntryMeta


@dataclass
class ListContents:
    """Everything a list holds."""

    fixed: dict[Algorithm, FixedEntries] = field(default_factory=dict)
    vpdq: dict[str, VpdqEntry] = field(default_factory=dict)

    def entries(self, algorithm: Algorithm) -> FixedEntries:
        """One algorithm's entries (empty if there are none)."""
        return self.fixed.get(algorithm) or FixedEntries.empty(algorithm)

    def counts(self) -> ListCounts:
        """Active entries by algorithm and withdrawn entries in all."""
        active = {str(a): int((~e.deleted).sum()) for a, e in self.fixed.items() if len(e.deleted)}
        vpdq_active = sum(1 for v in self.vpdq.values() if not v.deleted)
        if vpdq_active:
            active[str(Algorithm.VPDQ)] = vpdq_active
        deleted = sum(int(e.deleted.sum()) for e in self.fixed.values()) + sum(v.deleted for v in self.vpdq.values())
        return ListCounts(active, deleted)


@dataclass(frozen=True)
class MergeStats:
    """What one import changed."""

    added: int = 0  # entries new to the list, or brought back after a withdrawal
    withdrawn: int = 0  # active entries the file deleted
    unknown_withdrawals: int = 0  # deletions of values the list never held (nothing to do)
    unchanged: int = 0  # additions of values already active


def _words(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """Big-endian 64-bit words of each row (zero-padded): sorting them sorts the bytes."""
    n, width = values.shape
    padded_width = -(-width // 8) * 8
    if padded_width != width:
        padded = np.zeros((n, padded_width), np.uint8)
        padded[:, :width] = values
        values = padded
    return np.ascontiguousarray(values).view(">u8").astype(np.uint64)


def _value_order(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """Row order sorted by value, equal values in row order (rows are in change order).

    One argsort of the first word (numpy's SIMD sort), then only the rows whose first word ties
    with a neighbour (duplicates, near-duplicates sharing 64 bits) are sorted by the remaining
    words and their position. A 4-key lexsort of every row took 10x longer at 10 M entries.
    """
    order = np.argsort(words[:, 0])
    if len(order) < 2:
        return order
    first = words[order, 0]
    same = first[1:] == first[:-1]
    tie = np.zeros(len(order), bool)
    tie[1:] |= same
    tie[:-1] |= same
    if not tie.any():
        return order
    run = np.cumsum(np.concatenate([[True], ~same])) - 1
    positions = np.flatnonzero(tie)
    tie_rows = order[positions]
    keys = [words[tie_rows, k] for k in range(words.shape[1] - 1, 0, -1)]
    order[positions] = tie_rows[np.lexsort((tie_rows, *keys, run[positions]))]
    return order


def _merge_fixed(
    old: FixedEntries, changes_values: npt.NDArray[np.uint8], changes_deletes: npt.NDArray[np.bool_],
    changes_seq: npt.NDArray[np.int64], changes_meta: dict[int, EntryMeta], import_no: int,
    deleted_ids: dict[str, int],
) -> tuple[FixedEntries, MergeStats]:
    n_old = len(old.deleted)
    values = np.concatenate([old.values, changes_values])
    seq = np.concatenate([np.full(n_old, -1, np.int64), changes_seq])
    is_delete = np.concatenate([old.deleted, changes_deletes])
    is_old = np.concatenate([np.ones(n_old, bool), np.zeros(len(changes_deletes), bool)])
    words = _words(values)
    order = _value_order(words)
    sorted_words = words[order]
    last = np.ones(len(order), bool)
    if len(order) > 1:
        last[:-1] = (sorted_words[1:] != sorted_words[:-1]).any(axis=1)
    first = np.ones(len(order), bool)
    first[1:] = last[:-1]
    group = np.cumsum(first) - 1
    n_groups = int(first.sum())
    starts = np.flatnonzero(first)

    def any_in_group(flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        if not len(starts):
            return np.zeros(0, bool)
        return np.maximum.reduceat(flags[order].astype(np.uint8), starts).astype(bool)

    has_old = any_in_group(is_old)
    has_add = any_in_group(~is_delete)
    old_active = any_in_group(is_old & ~is_delete)
    last_rows = order[last]
    final_deleted = is_delete[last_rows].copy()
    last_seq = seq[last_rows]
    keep = has_old | has_add
    group_values = values[last_rows]

    meta = dict(old.meta)
    for position, entry_meta in changes_meta.items():
        meta[changes_values[position].tobytes()] = entry_meta
    if deleted_ids:
        # Withdrawals by the programme's own id: every entry carrying it, unless re-added after.
        for raw, entry_meta in meta.items():
            deleted_at = deleted_ids.get(entry_meta.source_id)
            if deleted_at is None:
                continue
            row = _find(group_values, raw)
            if row is not None and last_seq[row] < deleted_at:
                final_deleted[row] = True

    first_old_rows = np.full(n_groups, -1, np.int64)
    old_rows_sorted = order[first & is_old[order]]
    first_old_rows[group[first & is_old[order]]] = old_rows_sorted
    added_in = np.where(has_old, 0, import_no).astype(np.int32)
    added_in[has_old] = old.added_in[first_old_rows[has_old]]
    stats = MergeStats(
        added=int((keep & ~final_deleted & ~old_active).sum()),
        withdrawn=int((old_active & final_deleted).sum()),
        unknown_withdrawals=int((~keep).sum()),
        unchanged=int((old_active & ~final_deleted & (last_seq >= 0)).sum()),
    )
    kept_values = group_values[keep]
    kept = {v.tobytes() for v in kept_values} if len(meta) else set()
    return (
        FixedEntries(kept_values, final_deleted[keep], added_in[keep], {k: m for k, m in meta.items() if k in kept}),
        stats,
    )


def _find(sorted_values: npt.NDArray[np.uint8], raw: bytes) -> int | None:
    keys = sorted_values.view(f"S{sorted_values.shape[1]}").ravel() if len(sorted_values) else None
    if keys is None:
        return None
    row = int(np.searchsorted(keys, np.bytes_(raw)))
    return row if row < len(keys) and keys[row] == raw else None


def merge(contents: ListContents, changes: ChangeSet, import_no: int) -> tuple[ListContents, MergeStats]:
    """The contents after applying a file's changes (the inputs are not modified)."""
    merged = ListContents(dict(contents.fixed), dict(contents.vpdq))
    totals = MergeStats()
    for algorithm in FIXED_WIDTH:
        column = changes.fixed.get(algorithm)
        old = contents.entries(algorithm)
        if column is None and not (changes.deleted_source_ids and old.meta):
            continue
        if column is None:
            width = VALUE_BYTES[algorithm]
            empty = np.zeros((0, width), np.uint8)
            entries, stats = _merge_fixed(
                old, empty, np.zeros(0, bool), np.zeros(0, np.int64), {}, import_no, changes.deleted_source_ids
            )
        else:
            entries, stats = _merge_fixed(
                old, column.values, column.deletes, column.seq, column.meta, import_no, changes.deleted_source_ids
            )
        merged.fixed[algorithm] = entries
        totals = MergeStats(*(a + b for a, b in zip(_astuple(totals), _astuple(stats), strict=True)))
    added = withdrawn = unknown = unchanged = 0
    for text, deleted, meta in changes.vpdq:
        current = merged.vpdq.get(text)
        if current is None:
            if deleted:
                unknown += 1
                continue
            merged.vpdq[text] = VpdqEntry(False, import_no, meta)
            added += 1
        else:
            if deleted and not current.deleted:
                withdrawn += 1
            elif not deleted and current.deleted:
                added += 1
            elif not deleted:
                unchanged += 1
            merged.vpdq[text] = VpdqEntry(deleted, current.added_in, meta if not meta.empty else current.meta)
    vpdq_stats = MergeStats(added, withdrawn, unknown, unchanged)
    totals = MergeStats(*(a + b for a, b in zip(_astuple(totals), _astuple(vpdq_stats), strict=True)))
    return merged, totals


def _astuple(stats: MergeStats) -> tuple[int, int, int, int]:
    return stats.added, stats.withdrawn, stats.unknown_withdrawals, stats.unchanged


# -- segments --------------------------------------------------------------------------------------


def _segment(header: dict[str, object], body: bytes = b"") -> bytes:
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    return struct.pack(">I", len(raw)) + raw + body


def to_segments(contents: ListContents) -> list[bytes]:
    """The contents as plaintext segments (storage seals each one)."""
    segments = []
    for algorithm, entries in contents.fixed.items():
        for start in range(0, len(entries.deleted), SEGMENT_ENTRIES):
            stop = min(start + SEGMENT_ENTRIES, len(entries.deleted))
            values = entries.values[start:stop]
            meta = {
                str(i): entries.meta[values[i].tobytes()].to_json()
                for i in range(len(values))
                if entries.meta and values[i].tobytes() in entries.meta
            }
            header = {"v": SEGMENT_VERSION, "algorithm": str(algorithm), "count": stop - start, "meta": meta}
            body = (
                values.tobytes()
                + entries.deleted[start:stop].astype(np.uint8).tobytes()
                + entries.added_in[start:stop].astype("<i4").tobytes()
            )
            segments.append(_segment(header, body))
    if contents.vpdq:
        videos = [[text, v.deleted, v.added_in, v.meta.to_json()] for text, v in contents.vpdq.items()]
        segments.append(_segment({"v": SEGMENT_VERSION, "algorithm": str(Algorithm.VPDQ), "videos": videos}))
    return segments


def from_segments(segments: list[bytes]) -> ListContents:
    """Inverse of ``to_segments``."""
    parts: dict[Algorithm, list[FixedEntries]] = {}
    contents = ListContents()
    for segment in segments:
        (length,) = struct.unpack(">I", segment[:4])
        header = json.loads(segment[4 : 4 + length])
        body = memoryview(segment)[4 + length :]
        algorithm = Algorithm(header["algorithm"])
        if algorithm == Algorithm.VPDQ:
            for text, deleted, added_in, meta in header["videos"]:
                contents.vpdq[text] = VpdqEntry(bool(deleted), int(added_in), EntryMeta.from_json(meta))
            continue
        count, width = int(header["count"]), VALUE_BYTES[algorithm]
        values = np.frombuffer(body[: count * width], np.uint8).reshape(count, width)
        deleted = np.frombuffer(body[count * width : count * (width + 1)], np.uint8).astype(bool)
        added_in = np.frombuffer(body[count * (width + 1) : count * (width + 5)], "<i4").astype(np.int32)
        meta = {values[int(i)].tobytes(): EntryMeta.from_json(m) for i, m in header["meta"].items()}
        parts.setdefault(algorithm, []).append(FixedEntries(values, deleted, added_in, meta))
    for algorithm, chunks in parts.items():
        merged_meta: dict[bytes, EntryMeta] = {}
        for chunk in chunks:
            merged_meta.update(chunk.meta)
        contents.fixed[algorithm] = FixedEntries(
            np.concatenate([c.values for c in chunks]),
            np.concatenate([c.deleted for c in chunks]),
            np.concatenate([c.added_in for c in chunks]),
            merged_meta,
        )
    return contents
