"""Check measured line coverage against the per-package floors in pyproject.toml.

    .venv/bin/python scripts/coverage_floors.py [--data FILE] [--show]

Reads the combined coverage data (``coverage combine`` first) and the table
``[tool.evidence_desk.coverage_floors]``: package prefix -> minimum percent. Each file counts
towards the longest prefix that matches it, so ``desktop_app.core.decoding`` can have its own
floor inside ``desktop_app.core``. Exits 1, naming the packages, if any is below its floor.
Coverage can only go up: raise a floor when the suite covers more.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    statements: int = 0
    missing: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * (self.statements - self.missing) / self.statements if self.statements else 100.0


def module_of(path: Path) -> str:
    parts = path.resolve().relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="coverage data file (default: from pyproject.toml)")
    parser.add_argument("--show", action="store_true", help="print every package, not only failures")
    args = parser.parse_args()

    floors: dict[str, float] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["evidence_desk"][
        "coverage_floors"
    ]
    os.chdir(ROOT)  # the data file named in pyproject.toml is relative to the project
    options = {"data_file": args.data} if args.data else {}  # data_file=None would mean "no data"
    cov = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"), **options)
    cov.load()
    tallies = {prefix: Tally() for prefix in floors}
    unassigned: list[str] = []
    # Every file on disk, measured or not: a module no test imports counts as wholly missed.
    for path in sorted((ROOT / "desktop_app").rglob("*.py")):
        filename = str(path)
        module = module_of(path)
        matches = [p for p in floors if module == p or module.startswith(p + ".")]
        if not matches:
            unassigned.append(module)
            continue
        _, statements, _, missing, _ = cov.analysis2(filename)
        tally = tallies[max(matches, key=len)]
        tally.statements += len(statements)
        tally.missing += len(missing)

    failed = []
    for prefix, floor in sorted(floors.items()):
        tally = tallies[prefix]
        below = tally.percent < floor
        if below:
            failed.append(prefix)
        if below or args.show:
            verdict = "BELOW" if below else "ok"
            print(f"{prefix:40s} {tally.percent:6.2f}% (floor {floor:g}%, {tally.statements} lines) {verdict}")
    if unassigned:
        print(f"files with no floor (add a prefix): {', '.join(sorted(unassigned))}")
        return 1
    if failed:
        print(f"coverage below the floor in: {', '.join(failed)}")
        return 1
    if not args.show:
        print(f"coverage floors met for {len(floors)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
