"""Issue 15, finding 10: rows altered on disk (no passphrase) and a corrupted database page.

Before: an unknown state or kind in one row stopped the whole queue from listing with a KeyError,
and a malformed page surfaced as a raw ``sqlite3.DatabaseError`` traceback with exit status 1
(which the CLI uses for "verification failed"). Now the row is listed as damaged and the rest
of the queue with it; a damaged file is ``WorkspaceDamaged``, a message and exit status 2.
"""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.items import IntakeOutcome, ItemKind, ReviewState
from desktop_app.core.errors import ItemRecordDamaged, WorkspaceDamaged
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli as cli
from tests.conftest import PASSPHRASE


@pytest.fixture
def queue(workspace, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_bytes(f"content of {name}".encode())
    service = ItemService(workspace)
    run_to_completion(service.import_paths([folder]))
    return service, {item.display_name: item.item_id for item in service.list_items()}


def edit_row(workspace, sql, *values):
    """What an outsider does: edit the SQLite file with another program."""
    with closing(sqlite3.connect(workspace.db.path)) as conn, conn:
        conn.execute(sql, values)


@pytest.mark.parametrize(
    ("column", "value"),
    [("state", "escalated-by-attacker"), ("kind", "spreadsheet"), ("added_at", "yesterday"), ("state", "")],
)
def test_one_altered_row_is_listed_as_damaged_and_the_rest_of_the_queue_still_lists(queue, workspace, column, value):
    service, ids = queue
    edit_row(workspace, f"UPDATE items SET {column} = ? WHERE item_id = ?", value, ids["b.txt"])
    service.forget()
    listed = {item.item_id: item for item in service.list_items()}
    assert len(listed) == 3
    damaged = listed[ids["b.txt"]]
    assert damaged.kind == ItemKind.DAMAGED and damaged.outcome == IntakeOutcome.RECORD_DAMAGED
    assert damaged.blob_id is None and damaged.digests is None, "a damaged record gives nothing to use"
    assert "log verify" in damaged.outcome_detail
    for name in ("a.txt", "c.txt"):
        assert listed[ids[name]].kind == ItemKind.FILE and listed[ids[name]].display_name == name
    assert service.get(ids["b.txt"]).kind == ItemKind.DAMAGED


def test_changing_the_state_of_a_row_with_an_unknown_state_is_a_typed_error(queue, workspace):
    service, ids = queue
    edit_row(workspace, "UPDATE items SET state = ? WHERE item_id = ?", "\x1b[2Jbogus", ids["a.txt"])
    with pytest.raises(ItemRecordDamaged, match="log verify"):
        service.set_state([ids["a.txt"]], ReviewState.IN_REVIEW)
    assert service.get(ids["c.txt"]).state == ReviewState.NEW


def corrupt_table_root(database, table):
    with closing(sqlite3.connect(database)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(database, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * 64)


def test_a_malformed_page_is_a_typed_error(queue, workspace, paths):
    database = workspace.db.path
    workspace.close()
    corrupt_table_root(database, "items")
    reopened = Workspace.open(paths)
    try:
        reopened.unlock(PASSPHRASE)
        with pytest.raises(WorkspaceDamaged, match="backup"):
            ItemService(reopened).list_items()
    finally:
        reopened.close()


def test_the_cli_lists_a_damaged_row_and_refuses_a_malformed_page(queue, workspace, isolated_profile):
    _, ids = queue
    database = workspace.db.path
    edit_row(workspace, "UPDATE items SET kind = ? WHERE item_id = ?", "spreadsheet", ids["b.txt"])
    workspace.close()
    refused = cli(isolated_profile, "items")  # the edit is tampering: every command stops until acknowledged
    assert refused.returncode == 1 and "[tampering-detected]" in refused.stderr, refused.stderr
    cli(isolated_profile, "log", "acknowledge", "--reason", "test: an edited row")
    listing = cli(isolated_profile, "items")
    assert listing.returncode == 0, listing.stderr
    assert "Traceback" not in listing.stderr
    assert "a.txt" in listing.stdout and "c.txt" in listing.stdout and "damaged" in listing.stdout
    corrupt_table_root(database, "items")
    done = cli(isolated_profile, "items")
    # A damaged page is found by verification first (exit 1, tampering), or by the read (exit 2).
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr and ("damaged" in done.stderr or "malformed" in done.stderr), done.stderr
