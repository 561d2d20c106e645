"""Verification with the reconciliation of the tables (issue 15): the benchmark log and the worst case.

    .venv/bin/python benchmarks/reconcile_bench.py            # the goal: 25,000 items, 100,000 entries
    .venv/bin/python benchmarks/reconcile_bench.py --quick    # a small run for the suite

Two logs, each in a fresh workspace:

* worst case: the log a busy queue writes. Per item an ``item.added`` (with its blob and source),
  an ``item.analysed``, an ``item.state-changed`` and an ``item.revealed``: four entries per item,
  three rows per item, and every entry of a kind the reconciliation looks at. Rows are written the
  way the app writes them (sealed cells, row tags); blob rows carry random bytes where the wrapped
  key would be (the reconciliation never opens them).
* benchmark log: workspace_bench.py's (100,000 settings events, no rows), where the
  reconciliation only classifies entries.

For each, in the same process and on the same read snapshot, best of 3: the baselines (the hash
chain and Merkle tree alone, without keys; the log's whole verification with keys: AEAD, chain,
tree, head), the reconciliation's table pass alone, and ``Workspace.verify_log`` (the log's
verification feeding the replay, then the tables: what ``log verify`` and unlocking run). Wall
time and this process's CPU time are both printed: on a machine shared with other work, CPU time
is what the code costs and wall time what the user waits. "ratio" is verify_log over the log's
verification with keys, in the same run. The load average is printed before and after.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.crypto.kdf import MIN_MEMORY_KIB, KdfParams  # noqa: E402
from desktop_app.core.domain.events import CustodyEvent, EventType  # noqa: E402
from desktop_app.core.domain.items import Digests, IntakeOutcome, ItemKind, ItemSource, ReviewState  # noqa: E402
from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from desktop_app.core.services.workspace import Workspace  # noqa: E402
from desktop_app.core.storage.custody_log import CustodyLog  # noqa: E402
from desktop_app.core.storage.items import ItemMeta, ItemStore  # noqa: E402
from desktop_app.core.storage.log_replay import replay_log  # noqa: E402
from desktop_app.core.storage.reconciliation import reconcile  # noqa: E402


def populate(workspace: Workspace, count: int) -> None:
    log, fields = workspace.custody_log(), workspace.fields()
    store = ItemStore(fields)
    batch = 2500
    for start in range(0, count, batch):
        with workspace.db.write() as conn:
            for _ in range(start, min(count, start + batch)):
                item_id, blob_id, sha = secrets.token_hex(16), secrets.token_hex(16), secrets.token_hex(32)
                now = datetime.now(UTC)
                conn.execute(
                    "INSERT INTO blobs (blob_id, wrapped_key, sha256_index, meta_ct, stored_size) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (blob_id, os.urandom(60), os.urandom(32), os.urandom(120), 4096),
                )
                fields.rows.retag(conn, "blobs", blob_id)
                source = ItemSource(source_id=secrets.token_hex(16), added_at=now, path=b"/evidence/" + os.urandom(8))
                meta = ItemMeta(IntakeOutcome.OK, b"photo.jpg", 4000, Digests("0" * 32, "0" * 40, sha))
                store.insert_item(conn, item_id, ItemKind.FILE, now, meta, blob_id)
                store.insert_source(conn, item_id, source)
                added = {
                    "kind": "file",
                    "blob_id": blob_id,
                    "new_blob": True,
                    "md5": "0" * 32,
                    "sha1": "0" * 40,
                    "sha256": sha,
                    "size": 4000,
                    "outcome": "ok",
                    "source_id": source.source_id,
                }
                log.append(conn, CustodyEvent(EventType.ITEM_ADDED, "Benchmark", added, item_id))
                conn.execute("UPDATE items SET analysis_ct = ? WHERE item_id = ?", (os.urandom(200), item_id))
                fields.rows.retag(conn, "items", item_id)
                analysed = {"kind": "image", "format": "JPEG", "width": 4000, "height": 3000, "pdq_quality": 100}
                log.append(conn, CustodyEvent(EventType.ITEM_ANALYSED, "Benchmark", analysed, item_id))
                store.set_state(conn, item_id, ReviewState.IN_REVIEW, "")
                state = {"from": "new", "to": "in-review"}
                log.append(conn, CustodyEvent(EventType.ITEM_STATE_CHANGED, "Benchmark", state, item_id))
                log.append(conn, CustodyEvent(EventType.ITEM_REVEALED, "Benchmark", {"mode": "full"}, item_id))


def best_of(runs: int, fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The best wall and CPU seconds of ``runs`` calls."""
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def measure(workspace: Workspace) -> dict[str, Any]:
    """Entries, rows, and (wall, CPU) seconds of each pass."""
    log = workspace.custody_log()
    keyless = CustodyLog(workspace.log_id, workspace.origin, workspace.public_key, None)
    with workspace.db.read() as reader:
        conn = reader.conn
        entries = log.verify(conn).entries
        chain = best_of(3, lambda: keyless.verify(conn))
        with_keys = best_of(3, lambda: log.verify(conn))
        replay = replay_log(conn, log)
        result = reconcile(conn, replay, workspace.fields().rows)
        assert result.ok, result.problem
        tables = best_of(3, lambda: reconcile(conn, replay, workspace.fields().rows))
    verification = workspace.verify_log(record=False)
    assert verification.ok, verification.problem
    total = best_of(3, lambda: workspace.verify_log(record=False))
    return {"entries": entries, "rows": result.rows, "chain": chain, "log": with_keys, "tables": tables, "total": total}


def bulk_settings_events(workspace: Workspace, count: int) -> None:
    """The log of workspace_bench.py: entries of a kind the reconciliation only classifies."""
    log = workspace.custody_log()
    for start in range(0, count, 5000):
        with workspace.db.write() as conn:
            for i in range(start, min(count, start + 5000)):
                log.append(conn, CustodyEvent(EventType.SETTINGS_CHANGED, "Benchmark", {"bulk": i}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=25_000, help="items of the worst-case log (4 entries each)")
    parser.add_argument("--entries", type=int, default=100_000, help="entries of the benchmark log")
    parser.add_argument("--quick", action="store_true", help="2,000 items and 8,000 entries (for the suite)")
    args = parser.parse_args()
    if args.quick:
        args.items, args.entries = 2_000, 8_000
    print(f"{os.cpu_count()} cores, load average {_load()} at the start\n")
    print(
        "| log | entries | rows | clock | chain + tree alone (no keys) | log verification with keys | table pass "
        "| verify_log (log + reconciliation) | ratio | >= 100,000/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    logs: list[tuple[str, Callable[[Workspace], None]]] = [
        (f"worst case: {args.items:,} items, 4 entries each", lambda ws: populate(ws, args.items)),
        ("benchmark log: settings events (workspace_bench's)", lambda ws: bulk_settings_events(ws, args.entries)),
    ]
    for label, fill in logs:
        with tempfile.TemporaryDirectory() as root:
            paths = AppPaths.resolve(Path(root))
            params = KdfParams.fresh(MIN_MEMORY_KIB, 1)
            workspace, _ = Workspace.create(paths, "benchmark passphrase", "Benchmark", params)
            try:
                fill(workspace)
                workspace.checkpoint()
                found = measure(workspace)
            finally:
                workspace.close()
        entries = found["entries"]
        for n, clock in enumerate(("wall", "CPU")):
            rate = entries / found["total"][n]
            print(
                f"| {label} | {entries:,} | {found['rows']:,} | {clock} | {entries / found['chain'][n]:,.0f}/s "
                f"| {entries / found['log'][n]:,.0f}/s | {found['tables'][n]:.3f} s | {rate:,.0f}/s "
                f"| {found['total'][n] / found['log'][n]:.2f}x | {'yes' if rate >= 100_000 else 'no'} |"
            )
    print(f"\nload average {_load()} at the end")


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
