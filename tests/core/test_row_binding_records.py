"""Schema v10: the submission, lifecycle and hash-list tables are bound, and reconciled with the log.

Attacks as an outsider without the passphrase makes them: plain SQL on the database file, an older
copy of a row put back with its (valid, old) row tag, a row deleted.
"""

import os
import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.followups import FollowUpKind
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services import workspace_vault as workspace_module  # where the split Workspace binds tables
from desktop_app.core.services.followups import FollowUpService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.row_tags_v10 import V10_TABLES
from tests.conftest import PASSPHRASE, fast_kdf


def _populate(workspace: Workspace, folder) -> dict[str, str]:
    """An item under a hold, a released hold, a hash list imported twice, a report with a follow-up."""
    folder.mkdir()
    (folder / "one.bin").write_bytes(os.urandom(3000))
    items = ItemService(workspace)
    [item] = [r.item_id for r in run_to_completion(items.import_paths([folder])).results]
    holds = HoldService(workspace)
    kept = holds.place(HoldSource.LITIGATION, items=[item], reference="case 1")
    released = holds.place(HoldSource.OTHER, items=[item], note="short look")
    lists = HashListService(workspace, items)
    hash_list = lists.create_list("known")
    for n, text in enumerate((f"{'1' * 32}\n", f"{'1' * 32}\n{'2' * 32}\n")):
        (folder / f"list{n}.txt").write_text(text)
        options = ReadOptions(algorithm=Algorithm.MD5)
        run_to_completion(lists.import_file(hash_list.list_id, folder / f"list{n}.txt", ListFormat.TEXT, options))
    report = ReportService(workspace, items).create_draft([item])
    FollowUpService(workspace).record(report.report_id, FollowUpKind.OTHER, note="called back")
    return {
        "item": item,
        "kept": kept.hold_id,
        "released": released.hold_id,
        "list": hash_list.list_id,
        "report": report.report_id,
    }


def _sql(workspace: Workspace, *statements: tuple[str, tuple[object, ...]]) -> None:
    with closing(sqlite3.connect(workspace.db.path, isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        for statement, args in statements:
            conn.execute(statement, args)


def _row(workspace: Workspace, table: str, key: str, value: str) -> dict[str, object]:
    with closing(sqlite3.connect(workspace.db.path)) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (value,)).fetchone())


def _put_back(table: str, row: dict[str, object]) -> tuple[str, tuple[object, ...]]:
    names = ", ".join(row)
    return f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())


def test_an_older_copy_of_a_hold_put_back_is_caught(workspace, tmp_path):
    ids = _populate(workspace, tmp_path / "in")
    before = _row(workspace, "holds", "hold_id", ids["released"])
    HoldService(workspace).release(ids["released"], "done")
    assert workspace.verify_log().ok
    _sql(workspace, _put_back("holds", before))  # a valid old tag: the hold looks active again

    verification = workspace.verify_log()
    assert not verification.ok and "lost its recorded release" in (verification.problem or "")


def test_an_older_hash_list_with_its_segments_put_back_is_caught(workspace, tmp_path):
    ids = _populate(workspace, tmp_path / "in")
    lists = HashListService(workspace, ItemService(workspace))
    old_list = _row(workspace, "hash_lists", "list_id", ids["list"])
    old_segment = _row(workspace, "hash_list_segments", "list_id", ids["list"])
    (tmp_path / "in" / "list2.txt").write_text(f"{'3' * 32}\n")
    options = ReadOptions(algorithm=Algorithm.MD5)
    run_to_completion(lists.import_file(ids["list"], tmp_path / "in" / "list2.txt", ListFormat.TEXT, options))
    _sql(
        workspace,
        ("DELETE FROM hash_list_segments WHERE list_id = ?", (ids["list"],)),
        _put_back("hash_list_segments", old_segment),
        _put_back("hash_lists", old_list),
    )

    verification = workspace.verify_log()
    assert not verification.ok and "last import is 3" in (verification.problem or "")


@pytest.mark.parametrize(
    ("table", "key", "which", "words"),
    [
        ("followups", "report_id", "report", "the log recorded 1"),
        ("hold_items", "hold_id", "kept", "does not match its row tag"),
        ("holds", "hold_id", "kept", "is missing"),
        ("hash_list_imports", "list_id", "list", "the log recorded 2"),
    ],
)
def test_a_deleted_record_is_caught(workspace, tmp_path, table, key, which, words):
    ids = _populate(workspace, tmp_path / "in")
    _sql(workspace, (f"DELETE FROM {table} WHERE {key} = ?", (ids[which],)))
    verification = workspace.verify_log()
    assert not verification.ok and words in (verification.problem or "")


def test_a_pre_v10_workspace_is_bound_at_its_first_verified_unlock(paths, tmp_path, monkeypatch):
    real = workspace_module.bind_new_tables
    with monkeypatch.context() as patch:  # what the code before v10 logged: only v8's tables bound
        patch.setattr(workspace_module, "bind_new_tables", lambda c, k, b: real(c, k, b | frozenset(V10_TABLES)))
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Old Reviewer", fast_kdf())
        try:
            ids = _populate(workspace, tmp_path / "in")
        finally:
            workspace.close()
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        for table in V10_TABLES:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN row_tag")
        conn.execute("PRAGMA user_version = 9")

    workspace = Workspace.open(paths)
    try:
        assert workspace.unlock(PASSPHRASE).ok
        [bound] = [e.event for e in workspace.events() if e.event.type is EventType.ROWS_BOUND][-1:]
        assert set(bound.data) == set(V10_TABLES) and bound.data["holds"] == 2
        assert workspace.verify_log().ok
    finally:
        workspace.close()
    _sql(workspace, ("UPDATE holds SET report_id = ? WHERE hold_id = ?", (ids["report"], ids["kept"])))
    workspace = Workspace.open(paths)
    try:
        verification = workspace.unlock(PASSPHRASE)
        assert not verification.ok and "holds" in (verification.problem or "")
    finally:
        workspace.close()
