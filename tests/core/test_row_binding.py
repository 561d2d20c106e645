"""Schema v8: a workspace written before row tags existed is migrated, verified, then bound."""

import os
import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import ItemKind, ReviewState
from desktop_app.core.errors import ItemRecordDamaged
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.services.workspace_vault import WorkspaceVault
from desktop_app.core.storage import row_tags
from desktop_app.core.storage.row_tags import BOUND
from tests.conftest import PASSPHRASE, fast_kdf


def make_pre_v8_workspace(paths, tmp_path, monkeypatch) -> dict[str, str]:
    """What the code before schema v8 left behind: no tag column, no binding event, untagged rows."""
    with monkeypatch.context() as patch:
        patch.setattr(row_tags.RowTags, "retag", lambda self, conn, table, row_id: None)
        patch.setattr(WorkspaceVault, "settle", lambda self, conn: None)
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Old Reviewer", fast_kdf())
        try:
            folder = tmp_path / "files"
            folder.mkdir()
            for name in ("one.bin", "two.bin"):
                (folder / name).write_bytes(os.urandom(3000))
            items = ItemService(workspace)
            summary = run_to_completion(items.import_paths([folder]))
            ids = {os.path.basename(r.path).decode(): r.item_id for r in summary.results}
            items.set_state([ids["one.bin"]], ReviewState.IN_REVIEW)
        finally:
            workspace.close()
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        for table in BOUND:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN row_tag")
        # What came after row tags (v9: holds, destructions, follow-ups) did not exist yet either.
        for table in ("followups", "item_destructions", "hold_items", "holds"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("PRAGMA user_version = 7")
    return ids


def test_a_new_workspace_is_bound_from_its_first_entries(workspace):
    kinds = [e.event.type for e in workspace.events()]
    assert kinds[:3] == [EventType.WORKSPACE_CREATED, EventType.CHECKPOINT_SIGNED, EventType.ROWS_BOUND]
    assert workspace.verify_log().ok
    assert workspace.custody.reconciliation is not None and workspace.custody.reconciliation.tags_required


def test_a_pre_v8_workspace_is_migrated_with_a_backup_then_bound_at_a_verified_unlock(paths, tmp_path, monkeypatch):
    ids = make_pre_v8_workspace(paths, tmp_path, monkeypatch)
    workspace = Workspace.open(paths)
    try:
        assert list(paths.workspace.glob("workspace.pre-migration-v7.*.bak"))
        with workspace.db.read() as reader:  # migrated, nothing tagged yet: no keys at open
            assert row_tags.RowTags(b"k" * 32, False).untagged(reader.conn)["items"] == 2
        assert workspace.unlock(PASSPHRASE).ok
        bound = [e.event for e in workspace.events() if e.event.type == EventType.ROWS_BOUND]
        assert len(bound) == 1 and bound[0].data["items"] == 2 and bound[0].data["item_sources"] == 2
        with workspace.db.read() as reader:
            assert set(workspace.fields().rows.untagged(reader.conn).values()) == {0}
        assert workspace.verify_log().ok
        assert {item.item_id for item in ItemService(workspace).list_items()} == set(ids.values())
        with workspace.db.write() as conn:  # from now on an untagged row is a tampered row
            conn.execute("UPDATE items SET row_tag = NULL WHERE item_id = ?", (ids["two.bin"],))
        verification = workspace.verify_log()
        assert not verification.ok and "has no row tag" in (verification.problem or "")
        listed = {item.item_id: item for item in ItemService(workspace).list_items()}
        assert listed[ids["two.bin"]].kind == ItemKind.DAMAGED  # shown as damaged, the rest still listed
        assert listed[ids["one.bin"]].kind == ItemKind.FILE
        with pytest.raises(ItemRecordDamaged, match="no longer match"):
            ItemService(workspace).read_bytes(ids["two.bin"])
    finally:
        workspace.close()


def test_a_pre_v8_workspace_that_fails_verification_is_not_bound(paths, tmp_path, monkeypatch):
    """Binding after a failed verification would bless the tampering with fresh tags."""
    ids = make_pre_v8_workspace(paths, tmp_path, monkeypatch)
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        conn.execute("UPDATE items SET state = 'dismissed' WHERE item_id = ?", (ids["two.bin"],))
    workspace = Workspace.open(paths)
    try:
        verification = workspace.unlock(PASSPHRASE)
        assert not verification.ok and "is 'dismissed' but the log says 'new'" in (verification.problem or "")
        assert not any(e.event.type == EventType.ROWS_BOUND for e in workspace.events())
        with workspace.db.read() as reader:
            assert workspace.fields().rows.untagged(reader.conn)["items"] == 2
    finally:
        workspace.close()


def test_a_tag_is_what_the_specification_says(workspace, tmp_path):
    """docs/row-binding.md, re-implemented from the text, against the tags of real rows."""
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    (tmp_path / "x.bin").write_bytes(b"specified")
    run_to_completion(ItemService(workspace).import_paths([tmp_path / "x.bin"]))
    fields_key = workspace._state().subkeys.fields
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"evidence-desk/v1/row-tag").derive(fields_key)

    def enc(value) -> bytes:
        if value is None:
            return b"N"
        if isinstance(value, int):
            return b"I" + value.to_bytes(8, "big", signed=True)
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return (b"T" if isinstance(value, str) else b"B") + len(raw).to_bytes(4, "big") + raw

    with workspace.db.read() as reader:
        for table in ("items", "item_sources", "blobs"):
            for row in reader.conn.execute(f"SELECT {', '.join(BOUND[table])}, row_tag FROM {table}"):
                message = b"row-tag/v1\x00" + table.encode() + b"\x00" + b"".join(enc(v) for v in row[:-1])
                assert hmac.digest(key, message, hashlib.sha256) == row[-1]
