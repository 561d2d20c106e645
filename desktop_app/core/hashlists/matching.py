"""Matching items against loaded lists: exact digests, PDQ over the dihedral set, vPDQ by the upstream rule.

Lists are loaded (decrypted and indexed) once per unlock and kept in memory only. An item is
matched by:

* **exact digests**: MD5, SHA-1, SHA-256 of the preserved bytes, looked up in each list's sorted
  array of active values (binary search);
* **PDQ**: each of the item's 8 dihedral hashes against the list's ``PdqIndex`` within the list's
  threshold; the match keeps the smallest distance and which rotation or flip gave it. An item
  whose PDQ quality is below 50 is not matched at all, and the outcome says so;
* **vPDQ**: python-threatexchange's rule: frames of quality >= 50, deduplicated, match at distance
  <= 31; the video matches an entry when >= 80 % of its frames match one of the entry's frames.
  Candidate entries come from a PDQ index over every frame of every entry (an entry with no frame
  within 31 bits cannot reach 80 %), and each candidate is then checked exactly.

Suppressed entries and "not a match" marks are applied by the service, not here.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop_app.core.domain.hashlists import (
    VPDQ_QUERY_MATCH_PERCENT,
    VPDQ_TARGET_MATCH_PERCENT,
    Algorithm,
    HashList,
    Match,
    MatchOutcome,
)
from desktop_app.core.domain.items import Item
from desktop_app.core.domain.media import PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY
from desktop_app.core.hashing.pdq import DIHEDRAL_NAMES
from desktop_app.core.hashlists.contents import ListContents
from desktop_app.core.hashlists.pdq_index import PdqIndex, hashes_from_bytes, hashes_from_hex, popcount_distance

EXACT = (Algorithm.MD5, Algorithm.SHA1, Algorithm.SHA256)


@dataclass(frozen=True)
class ItemHashes:
    """What matching needs of an item: its digests, PDQ and dihedral hashes, vPDQ frames."""

    item_id: str
    digests: dict[Algorithm, str] = field(default_factory=dict)
    pdq_quality: int | None = None
    dihedral: tuple[str, ...] = ()  # the first is the picture's own PDQ
    vpdq: tuple[tuple[str, int], ...] = ()  # (hex, quality) per sampled frame

    @classmethod
    def of(cls, item: Item) -> "ItemHashes":
        """The hashes of a queue item (none if it has no content or was not decoded)."""
        digests = {}
        if item.digests is not None:
            digests = {Algorithm.MD5: item.digests.md5, Algorithm.SHA1: item.digests.sha1,
                       Algorithm.SHA256: item.digests.sha256}
        analysis = item.analysis
        if analysis is None:
            return cls(item.item_id, digests)
        quality = analysis.pdq.quality if analysis.pdq is not None else None
        dihedral = analysis.dihedral or ((analysis.pdq.hex,) if analysis.pdq is not None else ())
        vpdq = tuple((frame.hex, frame.quality) for frame in analysis.vpdq)
        return cls(item.item_id, digests, quality, dihedral, vpdq)


class _Exact:
    def __init__(self, values: npt.NDArray[np.uint8]) -> None:
        width = values.shape[1]
        self.keys = np.ascontiguousarray(values).view(f"S{width}").ravel()

    def __contains__(self, raw: bytes) -> bool:
        if not len(self.keys):
            return False
        row = int(np.searchsorted(self.keys, np.bytes_(raw)))
        # An element of a fixed-width bytes array reads back without its trailing zero bytes, so it
        # is compared so too (still exact: every value has the same width). Comparing it with
        # ``raw`` as it is missed every hash ending in a zero byte, one in 256.
        return row < len(self.keys) and bytes(self.keys[row]) == raw.rstrip(b"\x00")


@dataclass
class _Video:
    text: str
    hashes: npt.NDArray[np.uint64]  # (frames, 4), quality >= 50, unique


class LoadedList:
    """One list, indexed for matching (in memory only)."""

    def __init__(self, settings: HashList, contents: ListContents) -> None:
        self.settings = settings
        self.exact = {a: _Exact(contents.entries(a).active_values()) for a in EXACT}
        self.pdq_values = contents.entries(Algorithm.PDQ).active_values()
        self.pdq = PdqIndex(hashes_from_bytes(self.pdq_values))
        self.videos: list[_Video] = []
        frame_video: list[int] = []
        frames: list[str] = []
        for text, entry in contents.vpdq.items():
            if entry.deleted:
                continue
            unique = _good_frames(_frames_of(text))
            if not unique:
                continue
            self.videos.append(_Video(text, hashes_from_hex(unique)))
            frames.extend(unique)
            frame_video.extend([len(self.videos) - 1] * len(unique))
        self._frame_video = np.asarray(frame_video, np.int64)
        self.video_frames = PdqIndex(hashes_from_hex(frames) if frames else np.zeros((0, 4), np.uint64))

    def _match_exact(self, hashes: ItemHashes) -> list[Match]:
        found = []
        for algorithm, hex_ in hashes.digests.items():
            if bytes.fromhex(hex_) in self.exact[algorithm]:
                found.append(Match(self.settings.list_id, self.settings.name, algorithm, hex_, 0))
        return found

    def _match_vpdq(self, hashes: ItemHashes) -> list[Match]:
        query = _good_frames([(h, q) for h, q in hashes.vpdq])
        if not query or not self.videos:
            return []
        query_hashes = hashes_from_hex(query)
        near = self.video_frames.search(query_hashes, PDQ_MATCH_DISTANCE)
        found = []
        for video in sorted(set(self._frame_video[near.row].tolist())):
            target = self.videos[video]
            query_percent, target_percent = vpdq_match_percent(query_hashes, target.hashes)
            if query_percent >= VPDQ_QUERY_MATCH_PERCENT and target_percent >= VPDQ_TARGET_MATCH_PERCENT:
                distances = popcount_distance(query_hashes[:, None, :], target.hashes[None, :, :]).min(axis=1)
                found.append(Match(
                    self.settings.list_id, self.settings.name, Algorithm.VPDQ, target.text.split(",", 1)[0],
                    int(distances.min()), "", query_percent, target_percent,
                ))
        return found


def _frames_of(text: str) -> list[tuple[str, int]]:
    frames = []
    for line in text.splitlines():
        hex_, quality, _ = line.split(",")
        frames.append((hex_, int(quality)))
    return frames


def _good_frames(frames: Iterable[tuple[str, int]]) -> list[str]:
    """Frames of quality >= 50, deduplicated in order (python-threatexchange's dedupe + quality filter)."""
    return list(dict.fromkeys(h.lower() for h, q in frames if q >= PDQ_MIN_QUALITY))


def vpdq_match_percent(query: npt.NDArray[np.uint64], target: npt.NDArray[np.uint64]) -> tuple[float, float]:
    """Percent of query frames within 31 bits of some target frame, and the same the other way round."""
    distances = popcount_distance(query[:, None, :], target[None, :, :])
    close = distances <= PDQ_MATCH_DISTANCE
    return 100.0 * close.any(axis=1).sum() / len(query), 100.0 * close.any(axis=0).sum() / len(target)


def _strength(match: Match) -> tuple[int, int, str]:
    exact = 0 if match.algorithm in EXACT else 1
    return (exact, match.distance, match.list_name)


class Matcher:
    """Matches items against every enabled list."""

    def __init__(self, lists: Sequence[LoadedList]) -> None:
        self.lists = [loaded for loaded in lists if loaded.settings.enabled]

    def match(self, items: Sequence[ItemHashes]) -> list[MatchOutcome]:
        """Match a batch of items (PDQ queries of the whole batch go to each index at once)."""
        found: dict[str, list[Match]] = {hashes.item_id: [] for hashes in items}
        notes: dict[str, list[str]] = {hashes.item_id: [] for hashes in items}
        queries: list[str] = []
        owners: list[tuple[str, int]] = []
        for hashes in items:
            if hashes.dihedral:
                if hashes.pdq_quality is not None and hashes.pdq_quality < PDQ_MIN_QUALITY:
                    notes[hashes.item_id].append(
                        f"PDQ not matched: quality {hashes.pdq_quality} is below {PDQ_MIN_QUALITY} "
                        "(too little detail for a perceptual match)"
                    )
                else:
                    queries.extend(hashes.dihedral)
                    owners.extend((hashes.item_id, v) for v in range(len(hashes.dihedral)))
            if hashes.vpdq and not _good_frames(hashes.vpdq):
                notes[hashes.item_id].append(f"vPDQ not matched: no frame has quality {PDQ_MIN_QUALITY} or more")
        query_hashes = hashes_from_hex(queries) if queries else np.zeros((0, 4), np.uint64)
        for loaded in self.lists:
            for hashes in items:
                found[hashes.item_id].extend(loaded._match_exact(hashes))
                if hashes.vpdq:
                    found[hashes.item_id].extend(loaded._match_vpdq(hashes))
            if not len(query_hashes) or not len(loaded.pdq):
                continue
            result = loaded.pdq.search(query_hashes, loaded.settings.pdq_threshold)
            best: dict[tuple[str, int], tuple[int, int]] = {}
            for q, row, distance in zip(result.query.tolist(), result.row.tolist(), result.distance.tolist(),
                                        strict=True):
                item_id, variant = owners[q]
                key = (item_id, row)
                if key not in best or (distance, variant) < best[key]:
                    best[key] = (distance, variant)
            for (item_id, row), (distance, variant) in best.items():
                found[item_id].append(Match(
                    loaded.settings.list_id, loaded.settings.name, Algorithm.PDQ,
                    loaded.pdq_values[row].tobytes().hex(), distance, DIHEDRAL_NAMES[variant],
                ))
        return [
            MatchOutcome(h.item_id, tuple(sorted(found[h.item_id], key=_strength)), tuple(notes[h.item_id]))
            for h in items
        ]
