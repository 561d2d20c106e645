"""What holding a report or the reporter profile to its logged digest costs on a big custody log.

    .venv/bin/python benchmarks/as_logged_bench.py              # 25,000 items (100,000 entries), 100 reports
    .venv/bin/python benchmarks/as_logged_bench.py --quick      # 2,000 items (8,000 entries): a small run

``check_as_logged`` (XML export, bundle export, submission plan and submit) and
``profile_as_logged`` (every new draft, reading the profile) compare a row with the SHA-256 the log
recorded at its last write (core/services/report_versions.py). The workspace is filled through
the real services: reconcile_bench.py's busy queue (four entries per item, rows written as the app
writes them), then reports created and saved through ``ReportService`` (each save logs its
draft's digest) and a reporter profile saved.

Each call runs inside one read, as the services run it, best of 5. Rows:

* first call: no digests known yet in this process (a full read of the log);
* repeat call: nothing appended since the previous call;
* after 1 append: one report saved (one entry) since the previous call.

"entries decrypted" is counted, not timed: how many log entries the call opened.

Wall time and this process's CPU time are both printed: on a machine shared with other work, CPU
time is what the code costs and wall time what the user waits. The load average is printed before
and after.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reconcile_bench import populate  # noqa: E402

from desktop_app.core.crypto.kdf import MIN_MEMORY_KIB, KdfParams  # noqa: E402
from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from desktop_app.core.services import report_versions  # noqa: E402
from desktop_app.core.services.items import ItemService  # noqa: E402
from desktop_app.core.services.reports import ReportService  # noqa: E402
from desktop_app.core.services.workspace import Workspace  # noqa: E402

RUNS = 5


def fill_reports(reports: ReportService, count: int) -> list[str]:
    """``count`` reports, each created and saved once more; a reporter profile saved in between."""
    ids = []
    for n in range(count):
        record = reports.create_draft()
        record.draft.report.ensure("incidentSummary").set("incidentType", "Child Pornography")
        reports.save(record)
        ids.append(record.report_id)
        if n == count // 2:
            reporter = record.draft.report.get("reporter")
            person = reporter.get("reportingPerson") if reporter is not None else None
            assert reporter is not None and person is not None
            person.add("firstName", "Benchmark")
            reports.save_reporter_profile(reporter)
    return ids


def timed(workspace: Workspace, fn: Callable[[], object]) -> tuple[float, float, int | None]:
    """Wall and CPU seconds of one call, and the entries it decrypted."""
    before = decrypted(workspace)
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    after = decrypted(workspace)
    return wall, cpu, None if after is None or before is None else after - before


def best(samples: list[tuple[float, float, int | None]]) -> tuple[float, float, int | None]:
    counts = [s[2] for s in samples if s[2] is not None]
    return min(s[0] for s in samples), min(s[1] for s in samples), max(counts) if counts else None


def forget(workspace: Workspace) -> None:
    """Drop what this process already read of the log's digests (the code before them kept nothing)."""
    kept = getattr(workspace.custody, "logged_digests", None)
    if kept is not None:
        kept.forget()


def decrypted(workspace: Workspace) -> int | None:
    """Entries decrypted so far by the kept digests (None: the code before them, which reads the whole log)."""
    kept = getattr(workspace.custody, "logged_digests", None)
    return None if kept is None else kept.entries_read


def measure(workspace: Workspace, reports: ReportService, report_id: str) -> dict[str, tuple[float, float, int | None]]:
    def report_check() -> None:
        with workspace.db.read() as reader:
            report_versions.check_as_logged(workspace, reader.conn, report_id, "Benchmark.")

    def profile_check() -> None:
        with workspace.db.read() as reader:
            assert report_versions.profile_as_logged(workspace, reader.conn)

    kinds = iter(["Child Sex Trafficking", "Child Pornography"] * RUNS * 2)

    def one_append() -> None:  # a changed save writes the sealed draft again and logs its digest
        record = reports.load(report_id)
        record.draft.report.ensure("incidentSummary").set("incidentType", next(kinds))
        reports.save(record)

    found: dict[str, tuple[float, float, int | None]] = {}
    for name, call in (("check_as_logged", report_check), ("profile_as_logged", profile_check)):
        cold, warm, appended = [], [], []
        for _ in range(RUNS):
            forget(workspace)
            cold.append(timed(workspace, call))
            warm.append(timed(workspace, call))
            one_append()
            appended.append(timed(workspace, call))
        found[f"{name}: first call"] = best(cold)
        found[f"{name}: repeat call"] = best(warm)
        found[f"{name}: after 1 append"] = best(appended)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=25_000, help="items of the busy queue (4 entries each)")
    parser.add_argument("--reports", type=int, default=100, help="reports created and saved")
    parser.add_argument("--quick", action="store_true", help="2,000 items and 20 reports (a small run)")
    args = parser.parse_args()
    if args.quick:
        args.items, args.reports = 2_000, 20
    print(f"{os.cpu_count()} cores, load average {_load()} at the start\n")
    with tempfile.TemporaryDirectory() as root:
        workspace, _ = Workspace.create(
            AppPaths.resolve(Path(root)), "benchmark passphrase", "Benchmark", KdfParams.fresh(MIN_MEMORY_KIB, 1)
        )
        try:
            populate(workspace, args.items)
            reports = ReportService(workspace, ItemService(workspace))
            report_ids = fill_reports(reports, args.reports)
            found = measure(workspace, reports, report_ids[0])
            with workspace.db.read() as reader:
                entries = workspace.custody_log().size(reader.conn)
        finally:
            workspace.close()
    print(f"log: {entries:,} entries at the end, {args.reports} reports, best of {RUNS}\n")
    print("| call | wall ms | CPU ms | entries decrypted |")
    print("|---|---|---|---|")
    for label, (wall, cpu, count) in found.items():
        read = f"{entries:,} (the whole log)" if count is None else f"{count:,}"
        print(f"| {label} | {wall * 1000:.2f} | {cpu * 1000:.2f} | {read} |")
    print(f"\nload average {_load()} at the end")


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
