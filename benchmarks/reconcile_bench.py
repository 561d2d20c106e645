"""Verification with the reconciliation of the tables (issue 15) on an item-heavy log.

    .venv/bin/python benchmarks/reconcile_bench.py [--items 25000] [--entries 100000]

Builds a workspace whose log is what a busy queue writes: per item an ``item.added`` (with its
blob and source), an ``item.analysed``, an ``item.state-changed`` and an ``item.revealed``, so
four entries per item and every one of them of a kind the reconciliation looks at (the worst case
for it). Rows are written the way the app writes them (sealed cells, row tags); blob rows carry
random bytes where the wrapped key would be (the reconciliation never opens them). Then it times,
in one process: the log's own verification with keys, the reconciliation's pass over the tables,
and the whole of ``Workspace.verify_log`` (the log's verification feeding the replay, then the
tables: what ``log verify`` and unlocking run). The same for a log like workspace_bench.py's (100,000
settings events, no rows), where the reconciliation only classifies entries. "ratio" is verify_log
over the log's verification alone, in the same run.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.crypto.kdf import MIN_MEMORY_KIB, KdfParams  # noqa: E402
from desktop_app.core.domain.events import CustodyEvent, EventType  # noqa: E402
from desktop_app.core.domain.items import Digests, IntakeOutcome, ItemKind, ItemSource, ReviewState  # noqa: E402
from desktop_app.core.platform.paths import AppPaths  # noqa: E402
from desktop_app.core.services.workspace import Workspace  # noqa: E402
from desktop_app.core.storage.items import ItemMeta, ItemStore  # noqa: E402
from desktop_app.core.storage.reconciliation import reconcile, replay_log  # noqa: E402


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


def best_of(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(workspace: Workspace) -> tuple[int, int, float, float, float]:
    """Entries, rows, and best-of-3 seconds: the log alone, the table pass alone, both as verify_log runs them."""
    log = workspace.custody_log()
    with workspace.db.read() as reader:
        conn = reader.conn
        entries = log.verify(conn).entries
        log_s = best_of(3, lambda: log.verify(conn))
        replay = replay_log(conn, log)
        result = reconcile(conn, replay, workspace.fields().rows)
        assert result.ok, result.problem
        tables_s = best_of(3, lambda: reconcile(conn, replay, workspace.fields().rows))
    verification = workspace.verify_log(record=False)
    assert verification.ok, verification.problem
    total_s = best_of(3, lambda: workspace.verify_log(record=False))
    return entries, result.rows, log_s, tables_s, total_s


def bulk_settings_events(workspace: Workspace, count: int) -> None:
    """The log of workspace_bench.py: entries of a kind the reconciliation only classifies."""
    log = workspace.custody_log()
    for start in range(0, count, 5000):
        with workspace.db.write() as conn:
            for i in range(start, min(count, start + 5000)):
                log.append(conn, CustodyEvent(EventType.SETTINGS_CHANGED, "Benchmark", {"bulk": i}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=25_000)
    parser.add_argument("--entries", type=int, default=100_000, help="entries of the plain log")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start\n")
    print("| log | entries | rows | log verification alone | table pass | verify_log (both) | ratio | >= 100,000/s |")
    print("|---|---|---|---|---|---|---|---|")
    for label, fill in (
        (f"{args.items:,} items, 4 entries each", lambda ws: populate(ws, args.items)),
        ("settings events (workspace_bench's log)", lambda ws: bulk_settings_events(ws, args.entries)),
    ):
        with tempfile.TemporaryDirectory() as root:
            paths = AppPaths.resolve(Path(root))
            params = KdfParams.fresh(MIN_MEMORY_KIB, 1)
            workspace, _ = Workspace.create(paths, "benchmark passphrase", "Benchmark", params)
            try:
                fill(workspace)
                workspace.checkpoint()
                entries, rows, log_s, tables_s, total_s = measure(workspace)
            finally:
                workspace.close()
        rate = entries / total_s
        print(
            f"| {label} | {entries:,} | {rows:,} | {entries / log_s:,.0f}/s | {tables_s:.2f} s | {rate:,.0f}/s "
            f"| {total_s / log_s:.2f}x | {'yes' if rate >= 100_000 else 'no'} |"
        )


if __name__ == "__main__":
    main()
