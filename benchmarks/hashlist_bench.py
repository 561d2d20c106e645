"""Hash lists at scale: import rate, index build, resident memory, PDQ lookups/s against brute force.

    .venv/bin/python benchmarks/hashlist_bench.py                 # 10 M entries (the issue's goal)
    .venv/bin/python benchmarks/hashlist_bench.py --entries 1000000 --check-queries 200

For a uniform random list and a clustered list of near-duplicates (100,000 centres, every entry a
few bits from one), it reports: reading a plain-text list and merging it (entries/s), building the
multi-index (s), the index's own bytes and the process's resident memory, exact lookups/s at
distance <= 31 on 1 and 2 threads, and brute-force numpy lookups/s in the same run. A correctness
pass compares the index with brute force on planted neighbours at distances 0-40 (and random
queries): the results must be identical. The load average is printed, because the machine is
shared and every figure is relative to the brute-force baseline measured in the same run.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.domain.hashlists import Algorithm, ListFormat  # noqa: E402
from desktop_app.core.hashlists.contents import ListContents, merge  # noqa: E402
from desktop_app.core.hashlists.pdq_index import PdqIndex, brute_force  # noqa: E402
from desktop_app.core.hashlists.read_lines import ReadOptions  # noqa: E402
from desktop_app.core.hashlists.readers import read_list  # noqa: E402
from desktop_app.core.progress import run_to_completion  # noqa: E402

THRESHOLD = 31


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)


def clustered(rng: np.random.Generator, n: int, centres: int = 100_000) -> np.ndarray:
    """Near-duplicates: each entry is a centre with ~8 random bits flipped (AND of 5 words: p = 1/32)."""
    base = uniform(rng, centres)
    out = np.empty((n, 4), np.uint64)
    for start in range(0, n, 1_000_000):
        stop = min(n, start + 1_000_000)
        noise = uniform(rng, stop - start)
        for _ in range(4):
            noise &= uniform(rng, stop - start)
        out[start:stop] = base[rng.integers(0, centres, stop - start)] ^ noise
    return out


def flip(rng: np.random.Generator, row: np.ndarray, distance: int) -> np.ndarray:
    bits = np.unpackbits(row.view(np.uint8))
    bits[rng.choice(256, distance, replace=False)] ^= 1
    return np.packbits(bits).view(np.uint64)


def lookups_per_second(index: PdqIndex, queries: np.ndarray, threads: int, batch: int = 256) -> float:
    chunks = [queries[i : i + batch] for i in range(0, len(queries), batch)]
    start = time.perf_counter()
    if threads == 1:
        for chunk in chunks:
            index.search(chunk, THRESHOLD)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda c: index.search(c, THRESHOLD), chunks))
    return len(queries) / (time.perf_counter() - start)


def brute_per_second(hashes: np.ndarray, queries: np.ndarray) -> float:
    start = time.perf_counter()
    for query in queries:
        np.flatnonzero(np.bitwise_count(hashes ^ query).sum(axis=1) <= THRESHOLD)
    return len(queries) / (time.perf_counter() - start)


def import_rate(hashes: np.ndarray) -> tuple[float, float, float]:
    """Write the list as plain text, then read and merge it; returns (read/s, merge s, file MB)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.txt"
        raw = hashes.astype(">u8").view(np.uint8).reshape(-1, 32)
        with open(path, "w") as f:
            for start in range(0, len(raw), 1_000_000):
                f.write("\n".join(bytes(row).hex() for row in raw[start : start + 1_000_000]))
                f.write("\n")
        size = path.stat().st_size / 1e6
        start = time.perf_counter()
        changes = run_to_completion(read_list(path, ListFormat.TEXT, ReadOptions(algorithm=Algorithm.PDQ)))
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        contents, stats = merge(ListContents(), changes, 1)
        merge_s = time.perf_counter() - start
        assert stats.added == len(np.unique(raw, axis=0)) if len(raw) <= 1_000_000 else stats.added > 0
        assert len(contents.entries(Algorithm.PDQ).values) == stats.added
    return len(hashes) / read_s, merge_s, size


def check(index: PdqIndex, hashes: np.ndarray, rng: np.random.Generator, count: int) -> tuple[int, int]:
    planted = [flip(rng, hashes[rng.integers(len(hashes))], d % 41) for d in range(count)]
    queries = np.concatenate([np.array(planted), uniform(rng, max(1, count // 10))])
    got = index.search(queries, THRESHOLD)
    want = brute_force(hashes, queries, THRESHOLD)

    def key(r):  # noqa: ANN001, ANN202
        return sorted(zip(r.query.tolist(), r.row.tolist(), r.distance.tolist(), strict=True))

    if key(got) != key(want):
        raise SystemExit(f"MISMATCH: index {len(got.row)} results, brute force {len(want.row)}")
    return len(queries), len(want.row)


def run(kind: str, n: int, args: argparse.Namespace, rows: list[list[str]]) -> None:
    rng = np.random.default_rng(12)
    hashes = uniform(rng, n) if kind == "uniform" else clustered(rng, n)
    if kind == "uniform" and not args.skip_import:
        rate, merge_s, size = import_rate(hashes)
        rows.append([kind, "import plain text (read + validate)", f"{rate:,.0f} entries/s", f"{size:,.0f} MB file", ""])
        rows.append([kind, "merge into sorted contents", f"{merge_s:.1f} s", "", ""])
    before = rss_mib()
    start = time.perf_counter()
    index = PdqIndex(hashes)
    build = time.perf_counter() - start
    rows.append([kind, "index build", f"{build:.1f} s", "", "<= 10 s"])
    rows.append([kind, "index size (hashes + tables)", f"{index.nbytes / 2**30:.2f} GiB",
                 f"RSS +{(rss_mib() - before) / 1024:.2f} GiB, peak {peak_mib() / 1024:.2f} GiB", "<= 1.5 GiB"])
    random_q = uniform(rng, args.queries)
    near_q = np.array([flip(rng, hashes[rng.integers(n)], int(d)) for d in rng.integers(0, 32, args.queries)])
    brute = brute_per_second(hashes, random_q[: args.brute_queries])
    rows.append([kind, "brute-force numpy (baseline)", f"{brute:,.1f} lookups/s", "", ""])
    for label, queries in (("random queries", random_q), ("queries near entries", near_q)):
        for threads in (1, 2):
            rate = lookups_per_second(index, queries, threads)
            rows.append([kind, f"index, {label}, {threads} thread(s)", f"{rate:,.0f} lookups/s",
                         f"{rate / brute:,.0f}x brute force", ">= 8,000/s" if threads == 2 else ""])
    checked, results = check(index, hashes, rng, args.check_queries)
    rows.append([kind, "exact: index == brute force", f"{checked} queries, {results} results", "identical", ""])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=4096)
    parser.add_argument("--brute-queries", type=int, default=5)
    parser.add_argument("--check-queries", type=int, default=82)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--only", choices=("uniform", "clustered"))
    args = parser.parse_args()
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, load average {os.getloadavg()}, {args.entries:,} entries")
    rows: list[list[str]] = []
    for kind in ("uniform", "clustered"):
        if args.only in (None, kind):
            run(kind, args.entries, args, rows)
    print("| list | measurement | result | note | goal |\n|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
