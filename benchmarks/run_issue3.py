"""Issue 3's four benchmarks in one run, their tables printed in the issue's order.

    .venv/bin/python benchmarks/run_issue3.py [--quick | --full] [--only a,b,c,d] [--runs N]

(a) MD5 + SHA-1 + SHA-256 of one file: our single read vs ``md5sum; sha1sum; sha256sum`` in turn
    and MD5 alone (``intake_bench.py --parts digests``). Goal: >= 0.9x of MD5 alone.
(b) A full import (read + hash + encrypt + write) vs a plain copy of the same files
    (``intake_bench.py --parts import``).
(c) PDQ photos/s on generated 12 MP JPEGs through the decoder pool vs naive full-resolution Pillow
    + pdqhash in one process (``pdq_bench.py``). Goal: >= 15 photos/s on 2 cores.
(d) The longest event-loop stall while importing small files through the window
    (``ui_bench.py --only import``). Goal: <= 50 ms.

Each benchmark runs in a process of its own, as when it is run alone (a fresh heap; Qt only for
(d)), and one after another, so they never compete for the cores. Sizes:

* default: small but meaningful, a few minutes: a 256 MiB file, 64 MiB + 500 small files,
  10 photos of 12 MP, 2,000 files through the window;
* ``--full``: the issue's sizes, what ``RESULTS.md`` records: 1 GiB, 256 MiB + 2,000 files,
  20 photos, 10,000 files;
* ``--quick``: tiny, seconds: checks that everything runs; its figures mean nothing.

The exit status is 0 only if every benchmark ran (whether its goal was met is in its table).
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark's input is."""

    digest_mib: int  # (a) the file digested
    large_mib: int  # (b) the large file of the import mix
    small_files: int  # (b) small files of the import mix
    photos: int  # (c) generated JPEGs
    photo_size: tuple[int, int]  # (c) their width and height
    window_files: int  # (d) files imported through the window
    runs: int  # best of this many runs, where a benchmark repeats


PRESETS = {
    "quick": Sizes(8, 4, 30, 2, (1024, 768), 60, 1),
    "default": Sizes(256, 64, 500, 10, (4000, 3000), 2000, 3),
    "full": Sizes(1024, 256, 2000, 20, (4000, 3000), 10_000, 3),
}


def commands(sizes: Sizes, python: str) -> dict[str, tuple[str, list[str]]]:
    """Per letter: a title and the command that prints its table."""
    intake = [python, str(HERE / "intake_bench.py"), "--runs", str(sizes.runs)]
    width, height = sizes.photo_size
    return {
        "a": (
            f"(a) MD5 + SHA-1 + SHA-256 of a {sizes.digest_mib} MiB file",
            [*intake, "--parts", "digests", "--size-mib", str(sizes.digest_mib)],
        ),
        "b": (
            f"(b) full import vs plain copy: {sizes.large_mib} MiB + {sizes.small_files} small files",
            [*intake, "--parts", "import", "--large-mib", str(sizes.large_mib), "--small", str(sizes.small_files)],
        ),
        "c": (
            f"(c) PDQ photos/s: {sizes.photos} generated {width}x{height} JPEGs",
            [
                python,
                str(HERE / "pdq_bench.py"),
                "--photos",
                str(sizes.photos),
                "--width",
                str(width),
                "--height",
                str(height),
                "--repeat",
                str(sizes.runs),
            ],
        ),
        "d": (
            f"(d) longest event-loop stall importing {sizes.window_files:,} files via the window",
            [python, str(HERE / "ui_bench.py"), "--only", "import", "--files", str(sizes.window_files)],
        ),
    }


def letters_list(text: str) -> list[str]:
    """``--only``: a comma-separated subset of a, b, c, d (run in the issue's order regardless)."""
    chosen = {letter.strip().lower() for letter in text.split(",") if letter.strip()}
    if not chosen or chosen - set(LETTERS):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(LETTERS)} (got {text!r})")
    return [letter for letter in LETTERS if letter in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="preset", help="tiny: a smoke test")
    size.add_argument("--full", action="store_const", const="full", dest="preset", help="the issue's sizes")
    parser.add_argument("--only", type=letters_list, default=list(LETTERS), help="e.g. a,c (default: all four)")
    parser.add_argument("--runs", type=int, help="best of this many runs (default: by preset)")
    args = parser.parse_args(argv)
    preset = args.preset or "default"
    sizes = PRESETS[preset]
    if args.runs is not None:
        sizes = replace(sizes, runs=args.runs)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    plan = commands(sizes, sys.executable)

    print(f"# Issue 3 benchmarks ({preset} sizes), {os.cpu_count()} cores", flush=True)
    failed = []
    for letter in args.only:
        title, command = plan[letter]
        print(f"\n## {title}\n", flush=True)
        started = time.monotonic()
        done = subprocess.run(command, env=env, cwd=HERE.parent, check=False)  # its table goes straight to stdout
        print(f"\n({Path(command[1]).name}: {time.monotonic() - started:.0f} s)", flush=True)
        if done.returncode != 0:
            failed.append(letter)
            print(f"({letter}) FAILED: {Path(command[1]).name} exited with {done.returncode}", flush=True)
    if failed:
        print(f"\nFailed: {', '.join(f'({letter})' for letter in failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
