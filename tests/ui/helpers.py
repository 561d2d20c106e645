"""Shared helpers for GUI tests: a realistic custody log and a tampered database."""

import sqlite3
from contextlib import closing
from pathlib import Path

from desktop_app.core.domain.events import EventType
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import DATABASE_NAME, Workspace
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads


def populate(ws: Workspace, blobs: int = 24) -> list[str]:
    """Add a few dozen events of several kinds; returns the stored blob ids (the subjects)."""
    blob_ids = []
    for n in range(blobs):
        stored = run_to_completion(ws.store_blob([f"dummy test content {n}".encode()]))
        blob_ids.append(stored.blob_id)
        if n % 4 == 3:
            ws.verify_log()
    ws.record(EventType.SETTINGS_CHANGED, {"changed": ["blur_strength"], "values": {"blur_strength": 32}})
    ws.checkpoint()
    ws.destroy_blob(blob_ids[-1], "duplicate upload, removed after review")
    ws.verify_log()
    return blob_ids


def tamper_entry(ws: Workspace, seq: int) -> None:
    """Flip one bit of entry ``seq``'s ciphertext behind the app's back (dropping the guard trigger)."""
    with closing(sqlite3.connect(ws.paths.workspace / DATABASE_NAME, timeout=5)) as conn:
        conn.execute("DROP TRIGGER log_entries_no_update")
        (ciphertext,) = conn.execute("SELECT ciphertext FROM log_entries WHERE seq = ?", (seq,)).fetchone()
        altered = bytes([ciphertext[0] ^ 0x01]) + bytes(ciphertext[1:])
        conn.execute("UPDATE log_entries SET ciphertext = ? WHERE seq = ?", (altered, seq))
        conn.commit()


def entry_count(ws: Workspace) -> int:
    """Rows in the log table, read without keys."""
    with closing(sqlite3.connect(f"file:{ws.paths.workspace / DATABASE_NAME}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM log_entries").fetchone()[0])


def stop_report_editor(window) -> None:
    """Stop the open report editor's autosave (test teardown), so no save runs into a closed workspace."""
    editor = window.reports_page.editor if window.reports_page is not None else None
    if editor is not None:
        editor.autosave.stop()
        editor.autosave.wait()


def report_with_two_files(ws: Workspace, root: Path) -> tuple[ItemService, ReportService, str]:
    """Two synthetic pictures taken in and put in a complete report: what bundle screens export."""
    items = ItemService(ws)
    reports = ReportService(ws, items)
    ids = [item_id for item_id, _ in import_uploads(items, root).values()]
    record = reports.create_draft(ids)
    record.draft.report = good_draft().report
    reports.save(record)
    return items, reports, record.report_id
