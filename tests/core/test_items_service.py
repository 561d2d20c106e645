"""The queue's use cases on a real workspace: states, reveals and the derived viewed state, storage."""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.crypto import stream
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import IntakeOutcome, ItemKind, RevealMode, ReviewState, viewed_item_ids
from desktop_app.core.errors import DismissReasonRequired, ItemHasNoContent, ItemNotFound
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.schema import MIGRATIONS
from tests.conftest import PASSPHRASE, fast_kdf


@pytest.fixture
def queue(workspace, tmp_path):
    """A service and three items: two files and a link."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"first file")
    (folder / "b.txt").write_bytes(b"second file")
    (folder / "c-link").symlink_to("/nowhere")
    service = ItemService(workspace)
    run_to_completion(service.import_paths([folder]))
    items = {item.display_name: item for item in service.list_items()}
    return service, items


def state_events(workspace):
    return [e.event for e in workspace.events() if e.event.type == EventType.ITEM_STATE_CHANGED]


def test_list_and_get(queue):
    service, items = queue
    assert list(items) == ["a.txt", "b.txt", "c-link"]  # oldest first, then walk order
    assert service.get(items["a.txt"].item_id) == items["a.txt"]
    assert items["c-link"].kind == ItemKind.LINK and items["c-link"].link_target == b"/nowhere"
    with pytest.raises(ItemNotFound):
        service.get("0" * 32)


def test_bulk_state_change_is_logged_per_item(queue, workspace):
    service, items = queue
    ids = [items["a.txt"].item_id, items["b.txt"].item_id]
    assert service.set_state(ids, ReviewState.TO_REPORT) == 2
    assert {service.get(i).state for i in ids} == {ReviewState.TO_REPORT}
    assert service.set_state(ids, ReviewState.TO_REPORT) == 0  # no change, no event
    events = state_events(workspace)
    assert [(e.subject, e.data) for e in events] == [(i, {"from": "new", "to": "to-report"}) for i in ids]


def test_dismissing_needs_a_reason_which_is_kept_and_logged(queue, workspace):
    service, items = queue
    item_id = items["a.txt"].item_id
    with pytest.raises(DismissReasonRequired):
        service.set_state([item_id], ReviewState.DISMISSED, "  ")
    service.set_state([item_id], ReviewState.DISMISSED, "duplicate of an earlier report")
    item = service.get(item_id)
    assert item.state == ReviewState.DISMISSED and item.dismiss_reason == "duplicate of an earlier report"
    assert state_events(workspace)[-1].data["reason"] == "duplicate of an earlier report"
    service.set_state([item_id], ReviewState.IN_REVIEW)
    assert service.get(item_id).dismiss_reason == ""


def test_unknown_ids_change_nothing(queue, workspace):
    service, items = queue
    with pytest.raises(ItemNotFound):
        service.set_state([items["a.txt"].item_id, "f" * 32], ReviewState.IN_REVIEW)
    assert service.get(items["a.txt"].item_id).state == ReviewState.NEW and state_events(workspace) == []


def test_viewed_is_derived_from_full_reveals_in_the_log(queue, workspace):
    service, items = queue
    a, b = items["a.txt"].item_id, items["b.txt"].item_id
    service.record_reveal(b, RevealMode.EXIF)
    service.record_reveal(a, RevealMode.FULL)
    listed = {item.item_id: item.viewed for item in service.list_items()}
    assert listed[a] and not listed[b]
    reveals = [e.event for e in workspace.events() if e.event.type == EventType.ITEM_REVEALED]
    assert [(e.subject, e.data["mode"], e.actor) for e in reveals] == [
        (b, "exif", "Test Reviewer"),
        (a, "full", "Test Reviewer"),
    ]
    assert viewed_item_ids(e.event for e in workspace.events()) == {a}


def test_viewed_state_survives_lock_and_a_second_service(queue, workspace):
    service, items = queue
    other = ItemService(workspace)
    assert not any(item.viewed for item in other.list_items())  # caches an empty viewed set
    service.record_reveal(items["b.txt"].item_id, RevealMode.FULL)
    # The other service did not write the reveal: its cache must notice the log moved on.
    assert {i.item_id for i in other.list_items() if i.viewed} == {items["b.txt"].item_id}
    workspace.lock()
    workspace.unlock(PASSPHRASE)
    assert service.get(items["b.txt"].item_id).viewed and not service.get(items["a.txt"].item_id).viewed


def test_reveal_needs_content(queue):
    service, items = queue
    with pytest.raises(ItemHasNoContent):
        service.record_reveal(items["c-link"].item_id, RevealMode.FULL)
    with pytest.raises(ItemNotFound):
        service.record_reveal("0" * 32, RevealMode.FULL)
    with pytest.raises(ItemHasNoContent):
        service.encrypted_file(items["c-link"].item_id)


def test_encrypted_file_decrypts_to_the_item(queue):
    service, items = queue
    handle = service.encrypted_file(items["a.txt"].item_id)
    with open(handle.path, "rb") as source:
        assert stream.decrypt_all(handle.file_key, source, handle.cipher) == b"first file"
    assert "file_key" not in repr(handle)


def test_sealed_cells_cannot_be_moved_between_items(queue, workspace):
    service, items = queue
    a, b = items["a.txt"].item_id, items["b.txt"].item_id
    with workspace.db.write() as conn:
        (meta,) = conn.execute("SELECT meta_ct FROM items WHERE item_id = ?", (a,)).fetchone()
        conn.execute("UPDATE items SET meta_ct = ? WHERE item_id = ?", (meta, b))
    listed = {item.item_id: item for item in service.list_items()}  # the moved cell does not open
    assert listed[b].kind == ItemKind.DAMAGED and listed[b].outcome == IntakeOutcome.RECORD_DAMAGED
    assert "cannot be read" in listed[b].outcome_detail
    assert listed[a].kind == ItemKind.FILE and listed[a].display_name == "a.txt"


def test_nothing_sensitive_in_clear_columns(queue, workspace):
    with closing(sqlite3.connect(workspace.db.path)) as conn:
        rows = conn.execute("SELECT * FROM items").fetchall() + conn.execute("SELECT * FROM item_sources").fetchall()
    flat = repr(rows)
    assert "a.txt" not in flat and "first file" not in flat and "/nowhere" not in flat


def test_destroying_a_blob_keeps_the_item_record(queue, workspace):
    service, items = queue
    item = items["a.txt"]
    workspace.destroy_blob(item.blob_id, "law-enforcement request")
    after = service.get(item.item_id)
    assert after.blob_id is None and after.digests == item.digests
    with pytest.raises(ItemHasNoContent):
        service.read_bytes(item.item_id)


def test_a_version_1_workspace_is_migrated_with_a_backup(paths, monkeypatch):
    import desktop_app.core.services.workspace as workspace_module

    with monkeypatch.context() as patch:  # an issue-2 workspace: only migration 1
        patch.setattr(workspace_module, "MIGRATIONS", MIGRATIONS[:1])
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
        workspace.close()
    database = paths.workspace / "workspace.db"
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    db = WorkspaceDatabase(database, MIGRATIONS)
    try:
        assert db.schema_version == len(MIGRATIONS)
        with db.read() as reader:
            assert {"items", "item_sources"} <= set(reader.table_names())
    finally:
        db.close()
    assert list(paths.workspace.glob("workspace.pre-migration-v1.*.bak"))
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        assert ItemService(workspace).list_items() == []
    finally:
        workspace.close()


def test_relisting_reuses_unchanged_items_and_sees_every_change(queue, workspace, tmp_path):
    service, items = queue
    a, b = items["a.txt"].item_id, items["b.txt"].item_id
    first = {item.item_id: item for item in service.list_items()}
    again = {item.item_id: item for item in service.list_items()}
    assert all(again[i] is first[i] for i in first)  # nothing changed: nothing decrypted again
    service.set_state([a], ReviewState.IN_REVIEW)
    service.record_reveal(b, RevealMode.FULL)
    (tmp_path / "copy.txt").write_bytes(b"second file")  # a duplicate of b: one more source
    run_to_completion(service.import_paths([tmp_path / "copy.txt"]))
    changed = {item.item_id: item for item in service.list_items()}
    assert changed[a].state == ReviewState.IN_REVIEW and changed[a] is not first[a]
    assert changed[b].viewed and len(changed[b].sources) == 2
    assert changed[items["c-link"].item_id] is first[items["c-link"].item_id]
    # A second service (no cache) decrypts everything and agrees.
    assert {i.item_id: i for i in ItemService(workspace).list_items()} == changed


def test_batches_cover_the_queue_in_order(queue):
    service, items = queue
    batches = list(service.iter_items(batch_size=2))
    assert [len(b) for b in batches] == [2, 1]
    assert [i.display_name for b in batches for i in b] == list(items)


def test_listing_leaves_the_garbage_collector_as_it_found_it(queue):
    import gc

    service, _ = queue
    assert gc.isenabled()
    batches = service.iter_items(batch_size=1)
    next(batches)
    assert gc.isenabled()  # paused only while a batch is decrypted, never across a yield
    list(batches)
    gc.disable()
    try:
        service.list_items()
        assert not gc.isenabled()  # not switched on behind the caller's back
    finally:
        gc.enable()
