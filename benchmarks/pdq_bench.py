"""PDQ throughput on 12 MP photos: the sandboxed pool (draft decode) vs naive full resolution.

    .venv/bin/python benchmarks/pdq_bench.py [--photos 20] [--workers 2] [--width 4000 --height 3000] [--repeat 3]

The photos are generated (tests/synthetic_media.py: gradients, shapes, grain; JPEG quality 90)
into a temporary folder and deleted afterwards; they are synthetic, not evidence. The baseline,
naive Pillow + pdqhash at full resolution in one process, runs in the same process and on the
same files, so the ratio survives a noisy machine. Goal (issue 3): >= 15 photos/s on 2 cores.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pdqhash  # noqa: E402
from PIL import Image  # noqa: E402

from desktop_app.core.crypto import stream  # noqa: E402
from desktop_app.core.decoding.pool import DecoderPool  # noqa: E402
from desktop_app.core.hashing.pdq import bits_to_hex, hamming, hash_image  # noqa: E402
from tests import synthetic_media  # noqa: E402

GOAL = 15.0


def naive_full_resolution(path: Path) -> str:
    with Image.open(path) as image:
        bits, _quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return bits_to_hex(bits)


def draft_in_process(path: Path) -> str:
    with Image.open(path) as image:
        return hash_image(image).pdq.hex


def seal(path: Path, target: Path) -> stream.EncryptedFile:
    key = stream.new_file_key()
    with target.open("wb") as out:
        encryptor = stream.StreamEncryptor(key, out, stream.Cipher.AES_256_GCM)
        encryptor.write(path.read_bytes())
        encryptor.finish()
    return stream.EncryptedFile(target, key, stream.Cipher.AES_256_GCM)


def timed(fn, items):
    start = time.perf_counter()
    results = [fn(item) for item in items]
    return time.perf_counter() - start, results


def through_pool(pool: DecoderPool, sources) -> tuple[float, list[str]]:
    start = time.perf_counter()
    futures = [pool.submit_analyse(source) for source in sources]
    hashes = [f.result().pdq.hex for f in futures]
    return time.perf_counter() - start, hashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast path; the best counts")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pdq-bench-") as folder:
        base = Path(folder)
        print(f"generating {args.photos} synthetic {args.width}x{args.height} JPEGs (quality 90)...", flush=True)
        paths = []
        for seed in range(args.photos):
            path = base / f"photo-{seed:02d}.jpg"
            # grain 48: ~0.25 MB per megapixel, near the 12 MP phone photos (3.1-3.6 MB)
            path.write_bytes(synthetic_media.photo(args.width, args.height, seed=seed, quality=90, grain=48))
            paths.append(path)
        sealed = [seal(p, base / f"blob-{i:02d}") for i, p in enumerate(paths)]
        mean_mb = statistics.mean(p.stat().st_size for p in paths) / 1e6
        for p in paths:  # page cache, so every contender reads from memory
            p.read_bytes()

        naive_s, full = timed(naive_full_resolution, paths)
        draft_s, drafted = min(timed(draft_in_process, paths) for _ in range(args.repeat))
        start = time.perf_counter()
        with DecoderPool(workers=args.workers) as pool:
            warm_up = [pool.submit_analyse(p) for p in paths[: args.workers]]  # spawns every worker
            for future in warm_up:
                future.result()
            startup_s = time.perf_counter() - start
            pool_s, pooled = min(through_pool(pool, paths) for _ in range(args.repeat))
            vault_s, vaulted = min(through_pool(pool, sealed) for _ in range(args.repeat))
        assert pooled == vaulted == drafted, "the pool must hash exactly like the in-process draft path"
        distances = [hamming(a, b) for a, b in zip(full, pooled, strict=True)]

    n = args.photos
    rows = [
        ("naive: Pillow full decode + pdqhash, 1 process (baseline)", naive_s),
        ("draft decode + pdqhash, 1 process, in the app process", draft_s),
        (f"DecoderPool, {args.workers} workers, plaintext files", pool_s),
        (f"DecoderPool, {args.workers} workers, vault blobs (AES-GCM STREAM)", vault_s),
    ]
    print()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {n} photos of {args.width}x{args.height}, "
          f"{mean_mb:.1f} MB each on average; best of {args.repeat} runs (baseline: 1 run); "
          f"load average before the run {load:.2f}")  # fmt: skip
    print()
    print("| path | photos/s | vs baseline | goal | met |")
    print("|---|---|---|---|---|")
    for label, seconds in rows:
        rate = n / seconds
        pooled_row = label.startswith("DecoderPool")
        goal = f">= {GOAL:g}/s" if pooled_row else ""
        met = ("yes" if rate >= GOAL else "no") if pooled_row else ""
        print(f"| {label} | {rate:.1f} | {naive_s / seconds:.1f}x | {goal} | {met} |")
    print()
    print(f"pool start-up (spawn {args.workers} workers + first 2 photos): {startup_s:.2f} s")
    print(f"draft vs full resolution: max {max(distances)} bits, mean {statistics.mean(distances):.1f} bits "
          f"(upstream bound for quality >= 80: 10)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
