"""Issue 15: a row edited on disk shows in the queue as a damaged record, beside the rest of it."""

import sqlite3
from contextlib import closing

from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.screens import grab
from tests.ui.test_screenshots import check


def test_queue_lists_a_damaged_record(qtbot, paths, pool, make_window, tmp_path):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    try:
        folder = tmp_path / "drop"
        folder.mkdir()
        for n in range(4):
            (folder / f"upload-{n}.bin").write_bytes(bytes([n]) * 500)
        window = make_window(ws)
        with qtbot.waitSignal(window.intake.import_finished, timeout=60_000):
            window.intake.import_paths([folder])
        review = window.review
        qtbot.waitUntil(lambda: not review.reloading and review.model.rowCount() == 4, timeout=30_000)
        with closing(sqlite3.connect(ws.db.path)) as conn, conn:
            conn.execute("UPDATE items SET state = 'escalated' WHERE rowid = (SELECT min(rowid) FROM items)")
        review.reload()
        qtbot.waitUntil(
            lambda: (
                not review.reloading
                and any(review.model.row_at(n).item.kind == "damaged" for n in range(review.model.rowCount()))
            ),
            timeout=30_000,
        )
        assert review.model.rowCount() == 4
        damaged = next(
            review.model.row_at(n).item
            for n in range(review.model.rowCount())
            if review.model.row_at(n).item.kind == "damaged"
        )
        assert review.queue.select_item(damaged.item_id)
        qtbot.waitUntil(lambda: review.viewer.item is not None and review.viewer.item.item_id == damaged.item_id)
        check(grab(window, tmp_path / "queue-damaged-record.png"))
    finally:
        pool.wait_for_done(10_000)
        ws.close()


def test_a_manifest_row_outside_its_folder_is_shown_as_a_finding(qtbot, paths, pool, make_window, tmp_path):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    try:
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / "private.bin").write_bytes(b"not flagged by anyone" * 20)
        drop = tmp_path / "drop"
        drop.mkdir()
        (drop / "flagged.bin").write_bytes(b"flagged" * 50)
        manifest = drop / "manifest.csv"
        manifest.write_text("path,username\nflagged.bin,account-1\n../home/private.bin,account-1\n")
        window = make_window(ws)
        with qtbot.waitSignal(window.intake.import_finished, timeout=60_000):
            window.intake.import_paths([], manifest=manifest)
        review = window.review
        qtbot.waitUntil(lambda: not review.reloading and review.model.rowCount() == 1, timeout=30_000)
        assert "outside the manifest's folder" in window.statusBar().currentMessage()
        check(grab(window, tmp_path / "manifest-outside-row.png"))
    finally:
        pool.wait_for_done(10_000)
        ws.close()
