"""Hash lists at scale: import rate, index build, resident memory, PDQ lookups/s against brute force.

    .venv/bin/python benchmarks/hashlist_bench.py             # 10 M entries (the issue's goal), ~10 min
    .venv/bin/python benchmarks/hashlist_bench.py --quick     # 1 M entries, fewer queries, ~2 min

One **lookup** is one 256-bit PDQ hash searched against the whole list: every entry within 31
bits, exactly (a range search, not a nearest neighbour). Matching an item costs 8 lookups (its
rotations and flips), so items/s is lookups/s / 8; the matcher sends every variant of a batch of
items in one call, as this benchmark does (batches of 256 hashes).

For a uniform random list and a clustered list of near-duplicates (100,000 centres, every entry a
few bits from one), it reports: reading a plain-text list and merging it (entries/s), building the
index (s), the index's own bytes and the process's resident-memory growth, lookups/s of the
compiled kernel on 1 and 2 threads and of the numpy path, and brute-force numpy in the same run.
Each rate is given by the wall clock and per CPU-second of this process: the machine is shared, and
CPU time is what load disturbs least; the ratio to brute force (same run, same clock) is the
figure to compare across machines. A correctness pass compares each path with brute force on
planted neighbours at distances 0-40 and random queries: the results must be identical.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.domain.hashlists import Algorithm, ListFormat  # noqa: E402
from desktop_app.core.hashlists import pdq_kernel  # noqa: E402
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


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


class Rate:
    """Queries per wall-clock second and per CPU-second of this process."""

    def __init__(self, queries: int, fn: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        self.wall = queries / (time.perf_counter() - wall)
        self.cpu = queries / max(time.process_time() - cpu, 1e-9)

    def text(self) -> str:
        return f"{_figure(self.wall)} lookups/s ({_figure(self.cpu)} per CPU-s)"

    def versus(self, base: "Rate") -> str:
        return f"{self.wall / base.wall:,.0f}x brute force ({self.cpu / base.cpu:,.0f}x per CPU-s)"


def searching(index: PdqIndex, queries: np.ndarray, threads: int, batch: int = 256) -> Rate:
    def run() -> None:
        for start in range(0, len(queries), batch):
            index.search(queries[start : start + batch], THRESHOLD, threads=threads)

    return Rate(len(queries), run)


def brute(hashes: np.ndarray, queries: np.ndarray) -> Rate:
    def run() -> None:
        for query in queries:
            np.flatnonzero(np.bitwise_count(hashes ^ query).sum(axis=1) <= THRESHOLD)

    return Rate(len(queries), run)


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


def build(hashes: np.ndarray, compiled: bool) -> tuple[PdqIndex, float, float]:
    """The index, its build time (s) and the resident-memory growth it caused (GiB)."""
    before = rss_mib()
    start = time.perf_counter()
    index = PdqIndex(hashes, compiled=compiled)
    return index, time.perf_counter() - start, (rss_mib() - before) / 1024


def run(kind: str, n: int, args: argparse.Namespace, rows: list[list[str]]) -> None:
    rng = np.random.default_rng(12)
    hashes = uniform(rng, n) if kind == "uniform" else clustered(rng, n)
    if kind == "uniform" and not args.skip_import:
        per_second, merge_s, size = import_rate(hashes)
        rows.append([kind, "import plain text (read + validate)", f"{per_second:,.0f} entries/s",
                     f"{size:,.0f} MB file", ""])
        rows.append([kind, "merge into sorted contents", f"{merge_s:.1f} s", "", ""])
    random_q = uniform(rng, args.queries)
    near_q = np.array([flip(rng, hashes[rng.integers(n)], int(d)) for d in rng.integers(0, 32, args.queries)])
    base = brute(hashes, random_q[: args.brute_queries])
    rows.append([kind, "brute-force numpy (baseline)", base.text(), f"load {load()}", ""])
    paths = [True] if args.no_numpy else [True, False]
    for compiled in paths:
        if compiled and not pdq_kernel.available():
            rows.append([kind, "compiled kernel", "NOT BUILT", "python -m desktop_app.core.hashlists.kernel_build", ""])
            continue
        name = "kernel" if compiled else "numpy path"
        index, seconds, rss_gib = build(hashes, compiled)
        rows.append([kind, f"{name}: index build", f"{seconds:.1f} s", f"load {load()}", "<= 10 s"])
        rows.append([kind, f"{name}: index size (hashes + tables)", f"{index.nbytes / 2**30:.2f} GiB",
                     f"RSS +{rss_gib:.2f} GiB, peak {peak_mib() / 1024:.2f} GiB", "<= 1.5 GiB"])
        for label, queries in (("random queries", random_q), ("queries near entries", near_q)):
            for threads in (1, 2) if compiled else (2,):
                rate = searching(index, queries, threads)
                goal = ">= 8,000/s" if threads == 2 and compiled else ""
                rows.append([kind, f"{name}, {label}, {threads} thread(s)", rate.text(), rate.versus(base), goal])
        if compiled:
            one_item = searching(index, near_q, 1, batch=8)
            rows.append([kind, f"{name}, one item (8 hashes) a call, 1 thread", one_item.text(),
                         f"{one_item.wall / 8:,.0f} items/s, load {load()}", ""])
        checked, results = check(index, hashes, rng, args.check_queries)
        rows.append([kind, f"{name}: exact, == brute force", f"{checked} queries, {results} results", "identical", ""])
        del index


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 M entries and fewer queries (the suite's size)")
    parser.add_argument("--entries", type=int)
    parser.add_argument("--queries", type=int)
    parser.add_argument("--brute-queries", type=int)
    parser.add_argument("--check-queries", type=int, default=82)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--no-numpy", action="store_true", help="skip the numpy path (saves ~1 min at 10 M)")
    parser.add_argument("--only", choices=("uniform", "clustered"))
    args = parser.parse_args()
    args.entries = args.entries or (1_000_000 if args.quick else 10_000_000)
    args.queries = args.queries or (1024 if args.quick else 8192)
    args.brute_queries = args.brute_queries or (10 if args.quick else 4)
    if args.only:  # one list in this process: its resident-memory growth is its own
        rows: list[list[str]] = []
        run(args.only, args.entries, args, rows)
        print("\n".join("| " + " | ".join(row) + " |" for row in rows))
        return
    kernel = "built" if pdq_kernel.available() else "NOT BUILT"
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, load average {os.getloadavg()}, {args.entries:,} entries,"
          f" threshold {THRESHOLD}, batches of 256 hashes, compiled kernel {kernel}")
    print("| list | measurement | result | note | goal |\n|---|---|---|---|---|", flush=True)
    for kind in ("uniform", "clustered"):  # each in a fresh process, so freed memory is not reused
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", kind], check=True)
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
