"""The compiled PDQ kernel builds the same tables and finds the same neighbours as the numpy path.

Brute force is the reference for results (test_pdq_index.py runs its checks on both paths); here the
two paths are compared directly, table by table and result by result, including the cases only the
kernel has: an output buffer that has to grow mid-batch, and a batch split over threads.
"""

import subprocess
import sys

import numpy as np
import pytest

from desktop_app.core.hashlists import kernel_build, pdq_kernel
from desktop_app.core.hashlists.pdq_index import PdqIndex, brute_force

from .test_pdq_index import _flip, _triples, planted

pytestmark = pytest.mark.usefixtures("pdq_kernel_built")


def _tables(index: PdqIndex) -> list[tuple[int, int, int, bytes, bytes]]:
    return [(t.start, t.length, t.shift, t.offsets.tobytes(), t.rows.tobytes()) for t in index._tables]


def _clustered(n: int, centres: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**64, size=(centres, 4), dtype=np.uint64)
    noise = rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)
    for _ in range(4):  # ~8 bits set a row: near-duplicates of the centres
        noise &= rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)
    return base[rng.integers(0, centres, n)] ^ noise


@pytest.mark.parametrize("bucket_bits", [8, 13, 20, None])
@pytest.mark.parametrize("n", [0, 1, 7, 50_000])
def test_tables_equal_the_numpy_build(n, bucket_bits):
    hashes = _clustered(n, max(1, n // 100), seed=n) if n else np.zeros((0, 4), np.uint64)
    compiled = PdqIndex(hashes, bucket_bits=bucket_bits, compiled=True)
    assert compiled.compiled
    assert _tables(compiled) == _tables(PdqIndex(hashes, bucket_bits=bucket_bits, compiled=False))


@pytest.mark.parametrize("threshold", [0, 5, 31, 47])
def test_results_equal_numpy_and_brute_force(threshold):
    hashes, queries = planted(100_000, seed=100 + threshold)
    compiled = PdqIndex(hashes, compiled=True).search(queries, threshold)
    assert _triples(compiled) == _triples(PdqIndex(hashes, compiled=False).search(queries, threshold))
    assert _triples(compiled) == _triples(brute_force(hashes, queries, threshold))


def test_thousands_of_results_a_query_grow_the_output_and_stay_exact():
    """A flood of near-duplicates: each query has ~2,000 neighbours, far past the first buffer."""
    hashes = _clustered(40_000, 20, seed=3)
    rng = np.random.default_rng(4)
    queries = np.array([_flip(rng, hashes[int(rng.integers(len(hashes)))], int(d)) for d in range(40)])
    index = PdqIndex(hashes, compiled=True)
    expected = _triples(brute_force(hashes, queries, 31))
    assert len(expected) > 20 * 1024  # more than the first output buffer holds
    for threads in (1, 2):
        assert _triples(index.search(queries, 31, threads=threads)) == expected


def test_a_batch_split_over_threads_keeps_query_numbers():
    hashes, queries = planted(20_000, seed=9)
    index = PdqIndex(hashes, compiled=True)
    one = index.search(queries, 31, threads=1)
    two = index.search(queries, 31, threads=2)
    assert _triples(one) == _triples(two) == _triples(brute_force(hashes, queries, 31))
    # Queries of the second thread's half found neighbours too, so their renumbering was tested.
    assert len(set(one.query.tolist())) == 3 * 32 and int(one.query.max()) > len(queries) // 2


def test_the_kernel_refuses_arrays_it_cannot_read():
    hashes = np.zeros((10, 4), np.uint64)
    with pytest.raises(ValueError, match="contiguous uint64"):
        pdq_kernel.build_table(hashes[:, ::-1].copy(order="F"), 0, 23, 0)
    with pytest.raises(ValueError, match="contiguous uint64"):
        pdq_kernel.build_table(hashes.astype(np.int64), 0, 23, 0)


def test_a_compiler_failure_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CC", "false")
    with pytest.raises(kernel_build.KernelBuildError, match="failed"):
        kernel_build.build(tmp_path / kernel_build.library_name(), force=True)
    assert not list(tmp_path.iterdir())  # no half-written library left behind


def test_the_module_builds_a_loadable_library(tmp_path):
    import ctypes

    output = kernel_build.build(tmp_path / kernel_build.library_name(), force=True)
    assert ctypes.CDLL(str(output)).pdq_kernel_version() == pdq_kernel.VERSION
    done = subprocess.run([sys.executable, "-m", "desktop_app.core.hashlists.kernel_build"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
