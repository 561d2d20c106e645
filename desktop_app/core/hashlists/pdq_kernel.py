"""The compiled PDQ kernel (pdq_kernel.c) through ctypes, when it was built; ``None`` otherwise.

Every array handed to C is checked here first (dtype, contiguity, shape): a wrong pointer would
crash the process rather than raise. ctypes releases the GIL during each call, so the index runs
one call per thread on slices of a batch.
"""

import ctypes
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop_app.core.hashlists.kernel_build import LIBRARY

VERSION = 3  # PDQ_KERNEL_VERSION in pdq_kernel.c: a stale library is not used


class _CTable(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 (ctypes reads this class attribute)
        ("start", ctypes.c_int32), ("length", ctypes.c_int32), ("shift", ctypes.c_int32),
        ("radius", ctypes.c_int32), ("offsets", ctypes.c_void_p), ("rows", ctypes.c_void_p),
        ("masks", ctypes.c_void_p), ("n_masks", ctypes.c_int64),
    ]


@dataclass(frozen=True)
class TableProbe:
    """One table as the search sees it: where its key is, its arrays and the flip masks to probe."""

    start: int
    length: int
    shift: int
    radius: int  # < 0: not probed
    offsets: npt.NDArray[np.uint32]
    rows: npt.NDArray[np.uint32]
    masks: npt.NDArray[np.uint32]


def _address(array: npt.NDArray[np.generic], dtype: type[np.generic]) -> int:
    if array.dtype != dtype or not array.flags.c_contiguous:
        raise ValueError(f"the PDQ kernel needs a contiguous {np.dtype(dtype).name} array, got {array.dtype}")
    return int(array.ctypes.data)


@functools.cache
def _library() -> ctypes.CDLL | None:
    if not LIBRARY.exists():
        return None
    try:
        library = ctypes.CDLL(str(LIBRARY))
    except OSError:
        return None
    library.pdq_kernel_version.restype = ctypes.c_int32
    if library.pdq_kernel_version() != VERSION:
        return None
    p, i32, i64 = ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64
    library.pdq_build_table.argtypes = [p, i64, i32, i32, i32, p, p, p]
    library.pdq_build_table.restype = None
    library.pdq_search.argtypes = [p, p, i32, p, i64, i32, p, p, p, i64, p]
    library.pdq_search.restype = i64
    return library


def available() -> bool:
    """Whether the compiled kernel is built and loads."""
    return _library() is not None


def build_table(
    hashes: npt.NDArray[np.uint64], start: int, length: int, shift: int,
    scratch: npt.NDArray[np.uint32] | None = None,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """(offsets, rows) of one table by radix sort: equal to the numpy build's arrays.

    ``scratch`` (``3 * len(hashes)`` uint32) can be reused from table to table: fresh memory costs
    page faults and zeroing, about as much as the sort itself at 10 M.
    """
    library = _library()
    assert library is not None, "check available() first"
    if hashes.ndim != 2 or hashes.shape[1] != 4:
        raise ValueError("PDQ hashes are an (n, 4) uint64 array")
    offsets = np.empty((1 << (length - shift)) + 1, np.uint32)
    rows = np.empty(len(hashes), np.uint32)
    if scratch is None:
        scratch = np.empty(3 * len(hashes), np.uint32)
    if len(scratch) < 3 * len(hashes):
        raise ValueError("the scratch space is 3 uint32 a hash")
    library.pdq_build_table(_address(hashes, np.uint64), len(hashes), start, length, shift,
                            _address(offsets, np.uint32), _address(rows, np.uint32), _address(scratch, np.uint32))
    return offsets, rows


class Tables:
    """The tables of one index at one threshold, as the C side reads them (made once, reused per call)."""

    def __init__(self, tables: Sequence[TableProbe]) -> None:
        self.probes = tuple(tables)  # keeps the arrays alive while C holds their addresses
        self.array = (_CTable * len(tables))(*(
            _CTable(t.start, t.length, t.shift, t.radius, _address(t.offsets, np.uint32),
                    _address(t.rows, np.uint32), _address(t.masks, np.uint32), len(t.masks))
            for t in tables
        ))


def search(
    hashes: npt.NDArray[np.uint64], tables: Tables, queries: npt.NDArray[np.uint64], threshold: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """(query, row, distance) of every entry within ``threshold``, unsorted, each pair once."""
    library = _library()
    assert library is not None, "check available() first"
    if queries.ndim != 2 or queries.shape[1] != 4:
        raise ValueError("PDQ queries are a (q, 4) uint64 array")
    hashes_at, queries_at = _address(hashes, np.uint64), _address(queries, np.uint64)
    parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]] = []
    capacity, done_total = max(1024, 4 * len(queries)), 0
    while done_total < len(queries):
        q, r, d = np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int32)
        done = ctypes.c_int64(0)
        count = library.pdq_search(
            hashes_at, tables.array, len(tables.probes), queries_at + 32 * done_total, len(queries) - done_total,
            threshold, _address(q, np.int64), _address(r, np.int64), _address(d, np.int32), capacity,
            ctypes.byref(done),
        )
        parts.append((q[:count] + done_total, r[:count], d[:count]))
        done_total += done.value
        if done.value == 0 or count > capacity // 2:
            capacity *= 2  # one query's results did not fit, or nearly: grow before going on
    if len(parts) == 1:
        return parts[0]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))
