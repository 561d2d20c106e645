"""Hash lists on a real workspace: import, match, re-match after an update, false positives, export, tampering."""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.hashlists.errors import ListSettingsInvalid, SuppressionReasonRequired
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.core.storage.row_tags import RowTampered


@pytest.fixture
def desk(workspace, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"known bad content")
    (folder / "b.bin").write_bytes(b"something else")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    by_name = {item.display_name: item for item in items.list_items()}
    return HashListService(workspace, items), items, by_name


def _import(service, list_id, path, text, fmt=ListFormat.TEXT, **options):
    path.write_text(text)
    return run_to_completion(service.import_file(list_id, path, fmt, ReadOptions(**options)))


def _events(workspace, kind):
    return [e.event for e in workspace.events() if e.event.type == kind]


def test_import_match_update_and_rematch(desk, workspace, tmp_path):
    service, items, by_name = desk
    a, b = by_name["a.bin"], by_name["b.bin"]
    known = service.create_list("Industry MD5", source="NCMEC")
    with pytest.raises(ListSettingsInvalid):
        service.create_list("industry md5")
    summary = _import(service, known.list_id, tmp_path / "l.txt", f"{a.digests.md5}\n{'0' * 32}\nbad\n",
                      algorithm=Algorithm.MD5)
    assert (summary.added, summary.bad_row_count, summary.bad_rows[0].line) == (2, 1, 3)
    assert service.lists()[0][1].active == {"md5": 2}
    assert _events(workspace, EventType.HASH_LIST_IMPORTED)[0].data["added"] == 2

    run_summary = run_to_completion(service.match_items())
    assert (run_summary.items, run_summary.matched) == (2, 1)
    outcome = service.outcomes()[a.item_id]
    match = outcome.matches[0]
    assert (match.list_name, match.algorithm, match.entry, match.distance) == ("Industry MD5", "md5", a.digests.md5, 0)
    assert service.outcomes()[b.item_id].matches == ()
    assert [e.subject for e in _events(workspace, EventType.ITEM_MATCHED)] == [a.item_id]

    # The list withdraws the entry: re-matching clears the match, and says so in the log.
    csv = tmp_path / "update.csv"
    _import(service, known.list_id, csv, f"md5,removed\n{a.digests.md5},yes\n", ListFormat.CSV,
            mapping={"md5": "md5", "removed": "deleted"})
    run_to_completion(service.match_items())
    assert service.outcomes()[a.item_id].matches == ()
    cleared = _events(workspace, EventType.ITEM_MATCHED)[-1].data
    assert cleared["matches"] == [] and len(cleared.pop("outcome_sha256")) == 64 and cleared == {"matches": []}

    # A fresh service (as after an unlock) loads the sealed contents again.
    service.forget()
    assert HashListService(workspace, items).matcher().lists[0].exact[Algorithm.MD5].keys.size == 1


def test_false_positives_survive_list_updates(desk, workspace, tmp_path):
    service, items, by_name = desk
    a = by_name["a.bin"]
    known = service.create_list("L")
    _import(service, known.list_id, tmp_path / "l.txt", a.digests.sha256 + "\n", algorithm=Algorithm.SHA256)
    run_to_completion(service.match_items([a.item_id]))
    entry = service.outcomes()[a.item_id].matches[0].entry_key
    with pytest.raises(SuppressionReasonRequired):
        service.reject_match(a.item_id, entry, "  ")
    service.reject_match(a.item_id, entry, "the file is a public logo")
    assert service.outcomes()[a.item_id].matches == ()
    assert _events(workspace, EventType.ITEM_MATCH_REJECTED)[0].data["reason"] == "the file is a public logo"
    # The list is re-imported (the same entry again): the mark still holds.
    _import(service, known.list_id, tmp_path / "l2.txt", a.digests.sha256 + "\n", algorithm=Algorithm.SHA256)
    run_to_completion(service.match_items())
    assert service.outcomes()[a.item_id].matches == ()
    service.suppress_entry(entry, "floods the queue")
    assert _events(workspace, EventType.HASH_LIST_ENTRY_SUPPRESSED)[0].data["entry"] == entry
    assert [s["reason"] for s in service.suppressions()] == ["the file is a public logo", "floods the queue"]


def test_tampered_or_missing_segments_are_refused(desk, workspace, tmp_path):
    service, _, by_name = desk
    first, second = service.create_list("one"), service.create_list("two")
    _import(service, first.list_id, tmp_path / "1.txt", by_name["a.bin"].digests.md5 + "\n", algorithm=Algorithm.MD5)
    _import(service, second.list_id, tmp_path / "2.txt", by_name["b.bin"].digests.md5 + "\n", algorithm=Algorithm.MD5)
    database = workspace.db.path
    with closing(sqlite3.connect(database)) as conn, conn:
        # Move list two's sealed contents into list one: the row tags (and the AD, which names the
        # list) refuse it before anything is decrypted.
        query = "SELECT segment_ct FROM hash_list_segments WHERE list_id = ?"
        sealed = conn.execute(query, (second.list_id,)).fetchone()
        conn.execute("UPDATE hash_list_segments SET segment_ct = ? WHERE list_id = ?", (sealed[0], first.list_id))
    with pytest.raises(RowTampered, match="hash_list"):
        service.matcher()
    with closing(sqlite3.connect(database)) as conn, conn:
        # Segments gone: the list's tag covers its segments' tags.
        conn.execute("DELETE FROM hash_list_segments WHERE list_id = ?", (first.list_id,))
    with pytest.raises(RowTampered, match="hash_lists"):
        service.matcher()


def test_export_confirmed_hashes(desk, workspace, tmp_path):
    service, items, by_name = desk
    a = by_name["a.bin"]
    items.set_state([a.item_id], ReviewState.REPORTED)
    out = tmp_path / "ours.txt"
    assert service.export_confirmed(out, ListFormat.TEXT, Algorithm.SHA1) == 1
    assert out.read_text() == a.digests.sha1 + "\n"
    assert service.export_confirmed(tmp_path / "ours.csv", ListFormat.HMA_CSV) == 0  # not decoded: no PDQ
    assert (tmp_path / "ours.csv").read_text() == "signal_type,signal_str,collab,category,tags\n"
    assert [e.data["hashes"] for e in _events(workspace, EventType.HASH_LIST_EXPORTED)] == [1, 0]
