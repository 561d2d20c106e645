"""An exact PDQ range index: multi-index hashing (Norouzi, Punjani and Fleet, CVPR 2012).

The 256 bits are split into ``m = 11`` contiguous substrings (3 of 24 bits, 8 of 23). If two
hashes are within distance ``r``, write ``r = s*m + a`` (0 <= a < m): by the pigeonhole principle
at least one of the first ``a + 1`` substrings differs in at most ``s`` bits, or one of the others
in at most ``s - 1`` (otherwise the distance would be at least ``(a+1)(s+1) + (m-a-1)s = r + 1``).
So for r = 31 every true neighbour is found by probing, in each of the 11 tables, every key within
2 bits of the query's substring (1 + 23 + 253 = 277 probes; the last table within 1 bit), and each
candidate is then verified by a full 256-bit popcount. The result equals brute force exactly.

Each table is direct-addressed: the entries sorted by their substring key, plus an offsets array
of ``2**bits + 1``, so a probe is two array reads. For small lists the key is the top
``bucket_bits`` of the substring (fewer buckets, same exactness: the pigeonhole argument holds for
any subset of a substring's bits). A batch of queries is searched at once, split over the cores;
the arrays are built in memory from the decrypted list and never written to disk.

Two implementations give identical tables and results (tests/core/hashlists check both): a
small C kernel (pdq_kernel.c, through ctypes, built by ``./dev`` and the frozen build; no numba or
llvmlite, which would add ~150 MB to the frozen build) that builds each table by radix sort
and probes, expands and verifies in one pass per query on every core; and this module's batched
numpy path, used where no compiler was available. The numpy path builds ~4-18x slower (a 64-bit
sort a table) and searches ~1.5-2.5x slower per CPU-second (its intermediate arrays); see
benchmarks/RESULTS.md.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from desktop_app.core.domain.hashlists import MAX_PDQ_THRESHOLD
from desktop_app.core.hashlists import pdq_kernel

BITS = 256
SUBSTRINGS = 11
# 256 = 3 * 24 + 8 * 23. The 24-bit substrings come last, so that the ones probed one bit less
# (the last m - a - 1 tables) are the widest.
_LENGTHS = (23,) * 8 + (24,) * 3
_STARTS = tuple(sum(_LENGTHS[:i]) for i in range(SUBSTRINGS))
U64 = np.uint64
THREADS = 2  # tables built, and query batches searched, on this many threads (numpy and C release the GIL)


def hashes_from_bytes(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """``(n, 32)`` raw PDQ bytes to ``(n, 4)`` big-endian 64-bit words (bit 0 = first hex digit's top bit)."""
    return np.ascontiguousarray(values).view(">u8").astype(np.uint64).reshape(-1, 4)


def hashes_from_hex(hexes: list[str]) -> npt.NDArray[np.uint64]:
    """PDQ hex strings to ``(n, 4)`` words."""
    raw = np.frombuffer(bytes.fromhex("".join(hexes)), np.uint8).reshape(-1, 32)
    return hashes_from_bytes(raw)


def popcount_distance(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """Row-wise Hamming distance of two ``(n, 4)`` word arrays (or one row broadcast)."""
    return np.bitwise_count(a ^ b).sum(axis=-1, dtype=np.int64)  # type: ignore[no-any-return]


_ROW = np.dtype((np.void, 32))  # one hash as a 32-byte item: np.take copies it in one move


def _distances(
    rows: npt.NDArray[np.void], cand_r: npt.NDArray[np.int64], queries: npt.NDArray[np.void],
    cand_q: npt.NDArray[np.int64],
) -> npt.NDArray[np.uint32]:
    """Hamming distance of ``rows[cand_r]`` to ``queries[cand_q]``, pairwise."""
    a = np.take(rows, cand_r).view(np.uint64)
    b = np.take(queries, cand_q).view(np.uint64)
    # Per-word popcounts are 4 bytes per pair; add them as packed 16-bit lanes (a sum over a
    # length-4 axis is a slow reduction in numpy).
    packed = np.bitwise_count(a ^ b).view(np.uint32)
    lanes = (packed & np.uint32(0x00FF00FF)) + ((packed >> np.uint32(8)) & np.uint32(0x00FF00FF))
    return (lanes & np.uint32(0xFFFF)) + (lanes >> np.uint32(16))  # type: ignore[no-any-return]


def substring(words: npt.NDArray[np.uint64], start: int, length: int) -> npt.NDArray[np.uint64]:
    """Bits ``[start, start + length)`` of each 256-bit row, as an integer (first bit most significant)."""
    word, offset = divmod(start, 64)
    if offset + length <= 64:
        return (words[:, word] >> U64(64 - offset - length)) & U64((1 << length) - 1)
    high_bits = 64 - offset
    low_bits = length - high_bits
    high = words[:, word] & U64((1 << high_bits) - 1)
    return (high << U64(low_bits)) | (words[:, word + 1] >> U64(64 - low_bits))


def _flip_masks(bits: int, radius: int) -> npt.NDArray[np.uint32]:
    masks = [0]
    for weight in range(1, radius + 1):
        masks.extend(sum(1 << b for b in chosen) for chosen in combinations(range(bits), weight))
    return np.asarray(masks, np.uint32)


def probe_radii(threshold: int) -> tuple[int, ...]:
    """Per table, the substring radius the pigeonhole bound needs for ``threshold`` (-1: skip the table)."""
    s, a = divmod(threshold, SUBSTRINGS)
    return tuple(s if table <= a else s - 1 for table in range(SUBSTRINGS))


@dataclass(frozen=True)
class _Table:
    start: int
    length: int
    shift: int  # substring bits dropped to make the bucket key
    offsets: npt.NDArray[np.uint32]  # 2**key_bits + 1
    rows: npt.NDArray[np.uint32]  # entry rows sorted by key


@dataclass(frozen=True)
class RangeResult:
    """All (query, entry row, distance) triples within the threshold, sorted by query then row."""

    query: npt.NDArray[np.int64]
    row: npt.NDArray[np.int64]
    distance: npt.NDArray[np.int64]


_CPUS = os.cpu_count() or 1  # read once: it costs tens of microseconds a call on some systems


def _threads(limit: int | None) -> int:
    return max(1, min(THREADS if limit is None else limit, _CPUS))


class PdqIndex:
    """Exact Hamming range search over a fixed set of PDQ hashes."""

    def __init__(
        self, hashes: npt.NDArray[np.uint64], bucket_bits: int | None = None, compiled: bool | None = None
    ) -> None:
        """Build from ``(n, 4)`` words (see ``hashes_from_bytes``). The array is kept, not copied.

        ``compiled``: use the C kernel (True: it must be built), numpy (False), or the kernel when
        it is built (None, the default).
        """
        if hashes.ndim != 2 or hashes.shape[1] != 4 or hashes.dtype != np.uint64:
            raise ValueError("PDQ hashes are an (n, 4) uint64 array")
        if len(hashes) >= 2**32:
            raise ValueError("more than 4 billion hashes in one index")
        if compiled and not pdq_kernel.available():
            raise ValueError("the compiled PDQ kernel is not built (python -m desktop_app.core.hashlists.kernel_build)")
        self.compiled = pdq_kernel.available() if compiled is None else compiled
        self.hashes = np.ascontiguousarray(hashes)
        self._rows32 = self.hashes.view(_ROW).ravel()
        n = len(hashes)
        if bucket_bits is None:
            bucket_bits = int(np.clip(np.ceil(np.log2(max(n, 1))), 8, 24))
        self.bucket_bits = bucket_bits

        per_thread = threading.local()

        def build(start: int, length: int) -> _Table:
            shift = max(0, length - bucket_bits)
            if self.compiled:
                if not hasattr(per_thread, "scratch"):  # one scratch space a thread, not one a table
                    per_thread.scratch = np.empty(3 * n, np.uint32)
                offsets, rows = pdq_kernel.build_table(self.hashes, start, length, shift, per_thread.scratch)
                return _Table(start, length, shift, offsets, rows)
            return _Table(start, length, shift, *_sorted_table(self.hashes, start, length, shift))

        # numpy's sort and the kernel both release the GIL: the tables build in parallel.
        with ThreadPoolExecutor(max_workers=_threads(None)) as pool:
            tables = list(pool.map(build, _STARTS, _LENGTHS))
        self._tables = tuple(tables)
        self._masks: dict[tuple[int, int], npt.NDArray[np.uint32]] = {}
        self._probes_at: dict[int, tuple[list[pdq_kernel.TableProbe], pdq_kernel.Tables | None]] = {}

    def __len__(self) -> int:
        return len(self.hashes)

    @property
    def nbytes(self) -> int:
        """Memory held by the index (hashes, offsets, row lists)."""
        return int(self.hashes.nbytes + sum(t.offsets.nbytes + t.rows.nbytes for t in self._tables))

    def _mask(self, bits: int, radius: int) -> npt.NDArray[np.uint32]:
        key = (bits, radius)
        if key not in self._masks:
            self._masks[key] = _flip_masks(bits, radius)
        return self._masks[key]

    def _probes(self, threshold: int) -> tuple[list[pdq_kernel.TableProbe], pdq_kernel.Tables | None]:
        """The tables with their radii and masks for ``threshold`` (and the C view of them), made once."""
        if threshold not in self._probes_at:
            probes = self._make_probes(threshold)
            self._probes_at[threshold] = (probes, pdq_kernel.Tables(probes) if self.compiled else None)
        return self._probes_at[threshold]

    def _make_probes(self, threshold: int) -> list[pdq_kernel.TableProbe]:
        probes = []
        for table, radius in zip(self._tables, probe_radii(threshold), strict=True):
            key_bits = table.length - table.shift
            radius = min(radius, key_bits)
            masks = self._mask(key_bits, radius) if radius >= 0 else np.zeros(0, np.uint32)
            probes.append(pdq_kernel.TableProbe(table.start, table.length, table.shift, radius, table.offsets,
                                                table.rows, masks))
        return probes

    def search(self, queries: npt.NDArray[np.uint64], threshold: int, threads: int | None = None) -> RangeResult:
        """Every entry within ``threshold`` bits of each query, exactly; queries are ``(q, 4)`` words.

        A batch is split over ``threads`` (default: up to 2, one per core).
        """
        if not 0 <= threshold <= MAX_PDQ_THRESHOLD:
            raise ValueError(f"a PDQ threshold is 0-{MAX_PDQ_THRESHOLD}")
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        if not len(queries) or not len(self.hashes):
            empty = np.zeros(0, np.int64)
            return RangeResult(empty, empty, empty)
        probes, tables = self._probes(threshold)

        def search(
            part: npt.NDArray[np.uint64],
        ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.integer]]:
            if tables is not None:
                return pdq_kernel.search(self.hashes, tables, part, threshold)
            return self._search_numpy(probes, part, threshold)

        workers = min(_threads(threads), max(1, len(queries) // 16))
        if workers == 1:
            q, r, d = search(queries)
        else:
            bounds = np.linspace(0, len(queries), workers + 1).astype(int)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(lambda b: search(queries[b[0] : b[1]]),
                                      zip(bounds[:-1], bounds[1:], strict=True)))
            q = np.concatenate([part[0] + offset for part, offset in zip(parts, bounds[:-1], strict=True)])
            r, d = np.concatenate([part[1] for part in parts]), np.concatenate([part[2] for part in parts])
        order = np.lexsort((r, q))
        return RangeResult(q[order], r[order], d[order].astype(np.int64))

    def _search_numpy(
        self, probes: list[pdq_kernel.TableProbe], queries: npt.NDArray[np.uint64], threshold: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.integer]]:
        found_q, found_r = [], []
        for table in probes:
            if table.radius < 0:
                continue
            keys = (substring(queries, table.start, table.length) >> U64(table.shift)).astype(np.uint32)
            probe_keys = (keys[:, None] ^ table.masks[None, :]).ravel()
            # np.take rather than fancy indexing: a plain gather loop, several times faster.
            starts = np.take(table.offsets, probe_keys).astype(np.int64)
            counts = np.take(table.offsets, probe_keys + np.uint32(1)).astype(np.int64) - starts
            total = int(counts.sum())
            if not total:
                continue
            # Expand each probe's [start, start + count) into positions, without a Python loop.
            ends = np.cumsum(counts)
            positions = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - counts), counts)
            found_r.append(np.take(table.rows, positions))
            probe_query = np.arange(len(probe_keys), dtype=np.int64) // len(table.masks)
            found_q.append(np.repeat(probe_query, counts))
        if not found_r:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        cand_q = np.concatenate(found_q)
        cand_r = np.concatenate(found_r).astype(np.int64)
        distance = _distances(self._rows32, cand_r, queries.view(_ROW).ravel(), cand_q)
        hit = distance <= threshold
        cand_q, cand_r, hit_distance = cand_q[hit], cand_r[hit], distance[hit]
        # A neighbour close in several substrings is found by several tables: keep it once.
        _, first = np.unique(cand_q * len(self.hashes) + cand_r, return_index=True)
        return cand_q[first], cand_r[first], hit_distance[first]


def _sorted_table(
    hashes: npt.NDArray[np.uint64], start: int, length: int, shift: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """(offsets, rows) of one table with numpy: rows grouped by key, ascending within a key."""
    key_bits = length - shift
    keys = substring(hashes, start, length) >> U64(shift)
    # One 64-bit sort of (key << 32 | row) gives the rows grouped by key: numpy's SIMD sort
    # is several times faster than an argsort, and rows stay in order within a bucket.
    packed = np.sort((keys << U64(32)) | np.arange(len(hashes), dtype=np.uint64))
    del keys
    rows = (packed & U64(0xFFFFFFFF)).astype(np.uint32)
    counts = np.bincount((packed >> U64(32)).astype(np.int64), minlength=1 << key_bits)
    del packed
    offsets = np.zeros((1 << key_bits) + 1, np.uint32)
    np.cumsum(counts, out=offsets[1:])
    return offsets, rows


def brute_force(
    hashes: npt.NDArray[np.uint64], queries: npt.NDArray[np.uint64], threshold: int, chunk: int = 1 << 20
) -> RangeResult:
    """The reference answer: every (query, entry) pair compared, in chunks of entries."""
    qs, rs, ds = [], [], []
    for q, query in enumerate(queries):
        for begin in range(0, len(hashes), chunk):
            distance = popcount_distance(hashes[begin : begin + chunk], query[None, :])
            rows = np.flatnonzero(distance <= threshold)
            qs.append(np.full(len(rows), q, np.int64))
            rs.append(rows + begin)
            ds.append(distance[rows])
    if not qs:
        empty = np.zeros(0, np.int64)
        return RangeResult(empty, empty, empty)
    return RangeResult(np.concatenate(qs), np.concatenate(rs).astype(np.int64), np.concatenate(ds))
