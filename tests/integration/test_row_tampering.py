"""Issue 15 (3, 4, 5): an attacker with the files but no passphrase edits the tables and the vault.

Every attack here is what an outsider can do: drop the SQLite triggers, edit the database file
directly, rename, delete or flip bytes of blob files. Then the real CLI runs in a process of its
own, and the workspace must say what happened (exit 1 and the reason), never show the edit as
the truth.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage import vault_sweep
from tests.cli_process import run_cli
from tests.conftest import fast_kdf

PASSPHRASE = "rows passphrase"
CONTENTS = {"a.txt": b"alpha " * 5000, "b.txt": b"bravo " * 7000, "c.txt": b"charlie " * 100}


def run(profile: Path, *args: str, passphrase: str | None = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    return run_cli(profile, *args, passphrase=passphrase)


def import_files(workspace: Workspace, folder: Path, contents: dict[str, bytes]) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    service = ItemService(workspace)
    summary = run_to_completion(service.import_paths([folder / name for name in contents]))
    return {os.fsdecode(os.path.basename(r.path)): r.item_id for r in summary.results}


@pytest.fixture
def populated(tmp_path):
    """A closed workspace: three items, one of them reviewed, and a report naming one."""
    profile = tmp_path / "profile"
    paths = AppPaths.resolve(profile)
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Rows Reviewer", fast_kdf())
    try:
        ids = import_files(workspace, tmp_path / "files", CONTENTS)
        items = ItemService(workspace)
        items.set_state([ids["a.txt"]], ReviewState.IN_REVIEW)
        report = ReportService(workspace, items).create_draft([ids["a.txt"]])
    finally:
        workspace.close()
    assert run(profile, "log", "verify").returncode == 0
    return profile, ids, report.report_id


def attack(profile: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Edit the database as an outsider: triggers dropped, plain SQL, no keys."""
    with closing(sqlite3.connect(profile / "data" / "workspace" / "workspace.db", isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("BEGIN")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.execute("COMMIT")


def query(profile: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(profile / "data" / "workspace" / "workspace.db")) as conn:
        return conn.execute(sql, params).fetchall()


def blob_of(profile: Path, item_id: str) -> str:
    return str(query(profile, "SELECT blob_id FROM items WHERE item_id = ?", (item_id,))[0][0])


def blob_dir(profile: Path) -> Path:
    return profile / "data" / "workspace" / "blobs"


def verify_fails(profile: Path, *expected: str) -> str:
    done = run(profile, "log", "verify")
    assert done.returncode == 1, (done.stdout, done.stderr)
    for text in expected:
        assert text in done.stdout, (text, done.stdout)
    return done.stdout


# -- finding 3: links between rows ----------------------------------------------------------------


def test_swapping_two_items_blob_ids_is_detected(populated):
    profile, ids, _ = populated
    blob_a, blob_b = (blob_of(profile, ids[name]) for name in ("a.txt", "b.txt"))
    attack(
        profile,
        ("UPDATE items SET blob_id = NULL WHERE item_id = ?", (ids["a.txt"],)),
        ("UPDATE items SET blob_id = ? WHERE item_id = ?", (blob_a, ids["b.txt"])),
        ("UPDATE items SET blob_id = ? WHERE item_id = ?", (blob_b, ids["a.txt"])),
    )
    verify_fails(profile, "FAILED VERIFICATION", "disagree with the custody log", ids["a.txt"][:12])
    refused = run(profile, "items", "--json")  # every command refuses until a person acknowledges
    assert refused.returncode == 1 and "tampering-detected" in refused.stderr, refused.stderr
    acknowledged = run(profile, "log", "acknowledge", "--reason", "test: swapped blob ids")
    # Acknowledging records the finding, it does not repair the rows: verification still fails...
    assert acknowledged.returncode == 1 and "Acknowledged:" in acknowledged.stdout, acknowledged.stdout
    verify_fails(profile, "FAILED VERIFICATION", "disagree with the custody log")
    # ...but the acknowledged finding no longer blocks work, and the rows read as damaged.
    listed = {row["item_id"]: row for row in map(json.loads, run(profile, "items", "--json").stdout.splitlines())}
    for name in ("a.txt", "b.txt"):  # shown as damaged, holding nothing: never the other's bytes
        assert listed[ids[name]]["kind"] == "damaged" and "no longer match" in listed[ids[name]]["detail"]
    assert listed[ids["c.txt"]]["kind"] == "file"


def test_moving_a_source_to_another_item_is_detected(populated):
    profile, ids, _ = populated
    ((source_id,),) = query(profile, "SELECT source_id FROM item_sources WHERE item_id = ?", (ids["a.txt"],))
    attack(profile, ("UPDATE item_sources SET item_id = ? WHERE source_id = ?", (ids["c.txt"], source_id)))
    verify_fails(profile, "FAILED VERIFICATION", source_id)


def test_flipping_an_item_state_is_detected(populated):
    profile, ids, _ = populated
    attack(profile, ("UPDATE items SET state = 'dismissed' WHERE item_id = ?", (ids["b.txt"],)))
    verify_fails(profile, "FAILED VERIFICATION", ids["b.txt"])


def test_changing_a_report_status_is_detected(populated):
    profile, _, report_id = populated
    attack(profile, ("UPDATE reports SET status = 'submitted' WHERE report_id = ?", (report_id,)))
    verify_fails(profile, "FAILED VERIFICATION", report_id)


def test_an_older_copy_of_a_row_with_its_valid_tag_is_caught_by_the_log(populated, tmp_path):
    """A row tag proves who wrote a row, not that it is the latest: the reconciliation does."""
    profile, ids, _ = populated
    ((old_row),) = query(profile, "SELECT state, review_ct, row_tag FROM items WHERE item_id = ?", (ids["a.txt"],))
    paths = AppPaths.resolve(profile)
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        ItemService(workspace).set_state([ids["a.txt"]], ReviewState.DISMISSED, "duplicate of another report")
    finally:
        workspace.close()
    attack(
        profile, ("UPDATE items SET state = ?, review_ct = ?, row_tag = ? WHERE item_id = ?", (*old_row, ids["a.txt"]))
    )
    verify_fails(profile, "is 'in-review' but the log says 'dismissed'")


def test_deleting_an_item_and_its_sources_is_detected(populated):
    profile, ids, _ = populated
    attack(
        profile,
        ("DELETE FROM item_sources WHERE item_id = ?", (ids["c.txt"],)),
        ("DELETE FROM items WHERE item_id = ?", (ids["c.txt"],)),
    )
    verify_fails(profile, "recorded in the log is missing")


def test_a_blob_swapped_under_a_validly_tagged_row_is_refused_on_read(populated):
    """Below the row tags, reading checks the blob's SHA-256 against the item's own record."""
    profile, ids, _ = populated
    paths = AppPaths.resolve(profile)
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        service = ItemService(workspace)
        blob_c = service.get(ids["c.txt"]).blob_id
        with workspace.db.write() as conn:  # as if the key holder's own code had a linking bug
            conn.execute("UPDATE items SET blob_id = NULL WHERE item_id = ?", (ids["c.txt"],))
            conn.execute("UPDATE items SET blob_id = ? WHERE item_id = ?", (blob_c, ids["b.txt"]))
            workspace.fields().rows.retag(conn, "items", ids["b.txt"])
        from desktop_app.core.errors import BlobIntegrityError

        with pytest.raises(BlobIntegrityError, match="not the content its item recorded"):
            service.read_bytes(ids["b.txt"])
        with pytest.raises(BlobIntegrityError):
            service.encrypted_file(ids["b.txt"])
    finally:
        workspace.close()


# -- finding 5: the vault --------------------------------------------------------------------------


def test_a_deleted_blob_file_is_reported_by_log_verify(populated):
    profile, ids, _ = populated
    blob_b = blob_of(profile, ids["b.txt"])
    (blob_dir(profile) / str(blob_b)).unlink()
    out = verify_fails(profile, "EVIDENCE VAULT FAILED VERIFICATION", str(blob_b), "[missing]")
    assert "Custody log intact" in out  # the log itself is fine; the vault is not


def test_a_flipped_byte_in_a_blob_is_reported_by_log_verify(populated):
    profile, ids, _ = populated
    blob_a = blob_of(profile, ids["a.txt"])
    path = blob_dir(profile) / str(blob_a)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    done = run(profile, "log", "verify", "--json")
    assert done.returncode == 1, done.stderr
    vault = json.loads(done.stdout)["vault"]
    assert not vault["ok"] and [(p["blob_id"], p["code"]) for p in vault["problems"]] == [(blob_a, "damaged")]
    assert run(profile, "log", "verify", "--skip-vault").returncode == 0  # the log alone is intact


def test_an_intact_vault_is_reported(populated):
    profile, _, _ = populated
    done = run(profile, "log", "verify")
    assert done.returncode == 0 and "Evidence vault intact: 3 blobs" in done.stdout


# -- finding 4: nothing irreversible before verification -------------------------------------------


def test_opening_an_older_database_never_deletes_newer_evidence(populated, tmp_path):
    """A restored backup (database and anchor together, so verification cannot tell) meets newer blobs."""
    profile, ids, _ = populated
    data, config = profile / "data", profile / "anchors"  # the anchor is restored with it
    shutil.copytree(data / "workspace", tmp_path / "older-workspace", ignore=shutil.ignore_patterns("blobs"))
    shutil.copytree(config, tmp_path / "older-config")
    paths = AppPaths.resolve(profile)
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        newer = import_files(workspace, tmp_path / "newer", {"d.txt": b"delta " * 3000})
    finally:
        workspace.close()
    newer_blob = blob_of(profile, newer["d.txt"])
    shutil.copytree(data / "workspace", tmp_path / "newer-workspace", ignore=shutil.ignore_patterns("blobs"))
    shutil.copytree(config, tmp_path / "newer-config")

    def restore(which: str) -> None:
        for name in ("workspace.db", "workspace.db-wal", "workspace.db-shm"):
            (data / "workspace" / name).unlink(missing_ok=True)
            if (tmp_path / f"{which}-workspace" / name).exists():
                shutil.copy2(tmp_path / f"{which}-workspace" / name, data / "workspace" / name)
        shutil.rmtree(config)
        shutil.copytree(tmp_path / f"{which}-config", config)

    restore("older")
    assert run(profile, "log", "verify", "--structure-only", passphrase=None).returncode == 0
    assert (blob_dir(profile) / str(newer_blob)).exists()  # a keyless open touches nothing
    assert run(profile, "log", "verify").returncode == 0  # the rollback is invisible locally here...
    held = vault_sweep.quarantine_dir(blob_dir(profile)) / str(newer_blob)
    assert held.exists() and not (blob_dir(profile) / str(newer_blob)).exists()  # ...but nothing was deleted
    shown = json.loads(
        run(profile, "log", "show", "--json", "--type", str(EventType.SWEEP_REPORT)).stdout.splitlines()[-1]
    )
    assert shown["data"]["quarantined_blobs"] == [newer_blob]

    restore("newer")  # the reviewer puts the newer database back: the evidence comes back with it
    done = run(profile, "log", "verify")
    assert done.returncode == 0 and "Evidence vault intact: 4 blobs" in done.stdout, done.stdout
    assert (blob_dir(profile) / str(newer_blob)).exists() and not held.exists()
