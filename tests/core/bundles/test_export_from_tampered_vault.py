"""Exports from a vault that someone without the workspace's keys has altered on disk.

The export streams evidence under each item's recorded SHA-256 without hashing it again
(decisions.md §6). These attacks are what an outsider with write access to the workspace folder
can do: edit the database and the blob files directly. Each must stop the export with a typed
error, leave no bundle (nor its ``.partial``) behind, and log the abandoned export; none may put
other bytes, or fewer files, into a bundle that checks clean. (Before this test, an item whose row
was edited - its link swapped with another item's, cleared, or its state changed - was read as a
damaged stand-in without a blob and left out: the bundle was written, signed and checked clean
with fewer evidence files, none at all after a swap.)
"""

import os
import sqlite3

import pytest

from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.bundles import ExportRequest
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService

REQUEST = ExportRequest("NCMEC", RecipientRole.NCMEC, Profile.FULL_EVIDENCE, legal_basis="18 U.S.C. 2258A(a)")
NONCE = 16


def _blobs(workspace, uploads):
    with workspace.db.read() as reader:
        return [
            reader.conn.execute("SELECT blob_id FROM items WHERE item_id = ?", (item_id,)).fetchone()[0]
            for item_id, _ in uploads.values()
        ]


def _edit(workspace, sql, *args):
    """A raw edit of the database file, as an outsider makes it (no app, no keys)."""
    conn = sqlite3.connect(workspace.db.path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def _swap_columns(workspace, first, second, columns):
    conn = sqlite3.connect(workspace.db.path)
    with conn:
        rows = {
            b: conn.execute(f"SELECT {', '.join(columns)} FROM blobs WHERE blob_id = ?", (b,)).fetchone()
            for b in (first, second)
        }
        for here, there in ((first, second), (second, first)):
            sets = ", ".join(f"{c} = ?" for c in columns)
            conn.execute(f"UPDATE blobs SET {sets} WHERE blob_id = ?", (*rows[there], here))
    conn.close()


def _swap_files(workspace, first, second):
    a, b = workspace.blob_dir / first, workspace.blob_dir / second
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)


def _tamper(workspace, uploads, attack):
    first, second = _blobs(workspace, uploads)
    path = workspace.blob_dir / first
    if attack == "swap-files":
        _swap_files(workspace, first, second)
    elif attack == "swap-files-and-wrapped-keys":  # each key beside its own file, under the other's id
        _swap_files(workspace, first, second)
        _swap_columns(workspace, first, second, ("wrapped_key",))
    elif attack == "swap-whole-records":  # every column but the id, tags included, and the files
        _swap_files(workspace, first, second)
        _swap_columns(workspace, first, second, ("wrapped_key", "sha256_index", "meta_ct", "stored_size", "row_tag"))
    elif attack == "swap-meta":
        _swap_columns(workspace, first, second, ("meta_ct",))
    elif attack == "swap-item-links":  # blob_id is UNIQUE: through NULL, as a three-step edit
        one, two = (item_id for item_id, _ in uploads.values())
        _edit(workspace, "UPDATE items SET blob_id = NULL WHERE item_id = ?", two)
        _edit(workspace, "UPDATE items SET blob_id = ? WHERE item_id = ?", second, one)
        _edit(workspace, "UPDATE items SET blob_id = ? WHERE item_id = ?", first, two)
    elif attack == "unlink-item":
        _edit(workspace, "UPDATE items SET blob_id = NULL WHERE item_id = ?", next(iter(uploads.values()))[0])
    elif attack == "edit-item-state":
        _edit(workspace, "UPDATE items SET state = 'dismissed' WHERE item_id = ?", next(iter(uploads.values()))[0])
    elif attack == "drop-row-tag":
        _edit(workspace, "UPDATE blobs SET row_tag = NULL WHERE blob_id = ?", first)
    elif attack == "new-nonce":
        raw = bytearray(path.read_bytes())
        raw[:NONCE] = os.urandom(NONCE)
        path.write_bytes(bytes(raw))
    elif attack == "header-only":
        path.write_bytes(path.read_bytes()[:NONCE])
    elif attack == "empty-final-chunk":  # the final chunk's tag alone: an empty stream's shape
        path.write_bytes(path.read_bytes()[: NONCE + 16])
    elif attack == "drop-last-byte":
        path.write_bytes(path.read_bytes()[:-1])
    elif attack == "append":
        path.write_bytes(path.read_bytes() + os.urandom(100))
    elif attack == "delete-file":
        path.unlink()
    else:
        raise AssertionError(attack)


ATTACKS = [
    "swap-files",
    "swap-files-and-wrapped-keys",
    "swap-whole-records",
    "swap-meta",
    "swap-item-links",
    "unlink-item",
    "edit-item-state",
    "drop-row-tag",
    "new-nonce",
    "header-only",
    "empty-final-chunk",
    "drop-last-byte",
    "append",
    "delete-file",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_export_from_an_altered_vault_stops_and_leaves_nothing(
    sealed_report, recipient_identity, tmp_path, workspace, attack
):
    bundles, report_id, uploads = sealed_report
    _tamper(workspace, uploads, attack)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(EvidenceDeskError) as stopped:
        run_to_completion(bundles.export_report(report_id, [recipient_identity.recipient], folder / "b.age", REQUEST))
    if "item" in attack:  # the item's row no longer checks out: it would have been left out silently
        assert stopped.value.code == "item-record-damaged" and "Nothing was exported" in stopped.value.message
    assert list(folder.iterdir()) == []  # neither the bundle nor its .partial
    kinds = [e.event.type for e in workspace.events()]
    assert EventType.BUNDLE_WRITTEN not in kinds


def test_an_older_copy_of_a_reports_row_is_noticed_before_it_is_exported(
    sealed_report, recipient_identity, tmp_path, workspace
):
    """The reviewer removes a file from the report; an outsider puts the older row back (its tag is
    valid). Each save logs its sealed draft's SHA-256: ``log verify`` fails, and the export refuses
    the report instead of shipping the removed file with the rest (it passed, and shipped it, before)."""
    bundles, report_id, _ = sealed_report
    reports = ReportService(workspace, ItemService(workspace))
    columns = "created_at, updated_at, status, draft_ct, row_tag"
    with workspace.db.read() as reader:
        older = reader.conn.execute(f"SELECT {columns} FROM reports WHERE report_id = ?", (report_id,)).fetchone()
    record = reports.load(report_id)
    record.draft.files = record.draft.files[:1]
    reports.save(record)
    sets = ", ".join(f"{c} = ?" for c in columns.split(", "))
    _edit(workspace, f"UPDATE reports SET {sets} WHERE report_id = ?", *older, report_id)
    assert len(reports.load(report_id).draft.files) == 2  # the removed file is back
    assert not workspace.verify_log(record=False).ok
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(EvidenceDeskError) as stopped:
        run_to_completion(bundles.export_report(report_id, [recipient_identity.recipient], folder / "b.age", REQUEST))
    assert stopped.value.code == "report-not-as-logged" and "Nothing was exported" in stopped.value.message
    assert list(folder.iterdir()) == []
    assert EventType.BUNDLE_WRITTEN not in [e.event.type for e in workspace.events()]
