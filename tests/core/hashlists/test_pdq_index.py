"""The multi-index hash returns exactly what brute force returns: every neighbour, nothing past the threshold.

The suite runs 200,000 random hashes with planted neighbours at every distance 0-40 (the benchmark
runs the same check at 1 million and 10 million). Every test runs on both paths, numpy and the
compiled kernel (test_pdq_kernel.py checks the two against each other).
"""

import numpy as np
import pytest

from desktop_app.core.hashlists.pdq_index import PdqIndex, brute_force, hashes_from_hex, probe_radii


def _flip(rng: np.random.Generator, row: np.ndarray, distance: int) -> np.ndarray:
    bits = np.unpackbits(row.view(np.uint8))
    bits[rng.choice(256, distance, replace=False)] ^= 1
    return np.packbits(bits).view(np.uint64)


def _triples(result) -> list[tuple[int, int, int]]:
    return sorted(zip(result.query.tolist(), result.row.tolist(), result.distance.tolist(), strict=True))


def planted(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n random hashes, and queries each planted at a known distance (0-40) from some entry."""
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)
    queries = np.array([_flip(rng, hashes[rng.integers(n)], d) for d in range(41) for _ in range(3)])
    return hashes, np.concatenate([queries, rng.integers(0, 2**64, size=(20, 4), dtype=np.uint64)])


@pytest.mark.slow
@pytest.mark.parametrize("threshold", [31, 0, 12, 40])
def test_equals_brute_force_on_200k_with_planted_neighbours(threshold, compiled):
    hashes, queries = planted(200_000, seed=threshold)
    index = PdqIndex(hashes, compiled=compiled)
    expected = _triples(brute_force(hashes, queries, threshold))
    assert _triples(index.search(queries, threshold)) == expected
    # Every planted neighbour within the threshold is among them (so the test is not vacuous).
    assert len({q for q, _, d in expected if d <= threshold}) >= 3 * min(threshold + 1, 41)


def test_equals_brute_force_on_a_cluster_of_near_duplicates(compiled):
    rng = np.random.default_rng(7)
    centres = rng.integers(0, 2**64, size=(50, 4), dtype=np.uint64)
    hashes = np.array([_flip(rng, centres[i % 50], int(rng.integers(0, 30))) for i in range(20_000)])
    queries = np.array([_flip(rng, centres[i], int(rng.integers(0, 20))) for i in range(50)])
    index = PdqIndex(hashes, compiled=compiled)
    assert _triples(index.search(queries, 31)) == _triples(brute_force(hashes, queries, 31))


@pytest.mark.parametrize("bucket_bits", [8, 16, 23])
def test_small_buckets_stay_exact(bucket_bits, compiled):
    hashes, queries = planted(5_000, seed=bucket_bits)
    index = PdqIndex(hashes, bucket_bits=bucket_bits, compiled=compiled)
    assert _triples(index.search(queries, 31)) == _triples(brute_force(hashes, queries, 31))


def test_the_pigeonhole_radii():
    assert probe_radii(31) == (2,) * 10 + (1,)
    assert probe_radii(10) == (0,) * 11
    assert probe_radii(5) == (0,) * 6 + (-1,) * 5  # the rest need not be probed at all
    assert sum(r + 1 for r in probe_radii(40)) >= 41 - 11 + 1  # sum of (radius+1) > threshold: the bound


def test_empty_index_and_no_queries(compiled):
    index = PdqIndex(np.zeros((0, 4), np.uint64), compiled=compiled)
    assert len(index.search(hashes_from_hex(["00" * 32]), 31).row) == 0
    full = PdqIndex(hashes_from_hex(["ff" * 32]), compiled=compiled)
    assert len(full.search(np.zeros((0, 4), np.uint64), 31).row) == 0
    with pytest.raises(ValueError):
        full.search(hashes_from_hex(["ff" * 32]), 64)


@pytest.mark.parametrize("threshold", [31, 30, 22, 11, 40])
def test_worst_case_neighbours_spread_evenly_over_the_substrings(threshold, compiled):
    """Every way of spreading ``threshold`` flips as evenly as possible over the 11 substrings is found.

    These are the neighbours the pigeonhole bound is tight for: each substring differs in
    ``threshold // 11`` or one more bits. The placements are enumerated here, independently of
    the index's own radii, so probing one table too little fails this test.
    """
    from itertools import combinations

    from desktop_app.core.hashlists.pdq_index import _LENGTHS, _STARTS

    rng = np.random.default_rng(threshold)
    hashes = rng.integers(0, 2**64, size=(2_000, 4), dtype=np.uint64)
    index = PdqIndex(hashes, compiled=compiled)
    s, a = divmod(threshold, 11)
    queries, expected_rows = [], []
    for heavier in combinations(range(11), a):
        flips = [s + 1 if t in heavier else s for t in range(11)]
        row = int(rng.integers(len(hashes)))
        bits = np.unpackbits(hashes[row].astype(">u8").view(np.uint8))  # bit 0 = the first word's top bit
        for start, length, count in zip(_STARTS, _LENGTHS, flips, strict=True):
            # In the bits the (small) index keys on, so the tables see every flip.
            bits[start + rng.choice(min(length, index.bucket_bits), count, replace=False)] ^= 1
        queries.append(np.packbits(bits).view(">u8").astype(np.uint64))
        expected_rows.append(row)
    result = index.search(np.array(queries), threshold)
    found = set(zip(result.query.tolist(), result.row.tolist(), strict=True))
    missed = [q for q, row in enumerate(expected_rows) if (q, row) not in found]
    assert not missed, f"{len(missed)} of {len(queries)} worst-case neighbours missed"
