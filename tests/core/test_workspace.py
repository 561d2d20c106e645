import hashlib
import sqlite3
import unicodedata
from contextlib import closing

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import (
    DatabaseTooNew,
    KdfParametersRejected,
    PassphraseRejected,
    WorkspaceExists,
    WorkspaceInUse,
    WorkspaceMissing,
    WrongPassphrase,
    WrongRecoveryKey,
)
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf


def fingerprint(paths) -> str:
    """The database's logical content and every other file: 'changes nothing' keeps this the same.

    The database is compared by an SQL dump, not bytes: a WAL checkpoint moves pages between the
    -wal file and the main file without changing any content.
    """
    digest = hashlib.sha256()
    database = paths.workspace / "workspace.db"
    with closing(sqlite3.connect(database)) as conn:
        for line in conn.iterdump():
            digest.update(line.encode())
    for path in sorted(p for p in paths.workspace.parent.parent.rglob("*") if p.is_file()):
        if path.name == "instance.lock" or path.name.startswith("workspace.db"):
            continue
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def closed(paths):
    ws, recovery = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    ws.close()
    return recovery


def types_of(ws):
    return [e.event.type for e in ws.events()]


def test_create_unlock_and_reopen(paths, closed):
    ws = Workspace.open(paths)
    try:
        assert not ws.is_unlocked
        verification = ws.unlock(PASSPHRASE)
        assert verification.ok
        kinds = types_of(ws)
        assert kinds[0] == EventType.WORKSPACE_CREATED
        assert EventType.WORKSPACE_LOCKED in kinds and kinds.count(EventType.WORKSPACE_UNLOCKED) == 1
        assert kinds[-1] == EventType.LOG_VERIFIED
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("passphrase", "error"),
    [("wrong passphrase", WrongPassphrase), ("", PassphraseRejected), (PASSPHRASE.upper(), WrongPassphrase)],
)
def test_bad_passphrases_are_refused_and_change_nothing(paths, closed, passphrase, error):
    before = fingerprint(paths)
    ws = Workspace.open(paths)
    try:
        with pytest.raises(error) as caught:
            ws.unlock(passphrase)
        assert caught.value.message and not ws.is_unlocked
    finally:
        ws.close()
    assert fingerprint(paths) == before


def test_nfd_spelling_of_an_nfc_passphrase_unlocks(paths):
    nfc = "Ünïcödé pässphrase"
    ws, _ = Workspace.create(paths, nfc, "R", fast_kdf())
    ws.close()
    ws = Workspace.open(paths)
    try:
        assert ws.unlock(unicodedata.normalize("NFD", nfc)).ok
    finally:
        ws.close()


def test_tampered_kdf_parameters_are_refused(paths, closed):
    db = paths.workspace / "workspace.db"
    for tampered, error in [
        (
            '{"alg":"argon2id","m":4194304000,"p":1,"salt":"00112233445566778899aabbccddeeff","t":1}',
            KdfParametersRejected,
        ),
        (
            fast_kdf().to_json(),
            WrongPassphrase,
        ),  # plausible values, but not the ones the slot was sealed with
    ]:
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE key_slots SET kdf = ? WHERE kind = 'passphrase'", (tampered,))
        before = fingerprint(paths)
        ws = Workspace.open(paths)
        try:
            with pytest.raises(error):
                ws.unlock(PASSPHRASE)
        finally:
            ws.close()
        assert fingerprint(paths) == before


def test_second_instance_is_refused_until_the_first_closes(paths, closed):
    first = Workspace.open(paths)
    try:
        with pytest.raises(WorkspaceInUse):
            Workspace.open(paths)
    finally:
        first.close()
    Workspace.open(paths).close()


def test_create_refuses_an_existing_workspace_and_an_orphaned_anchor(paths, closed):
    with pytest.raises(WorkspaceExists, match="already exists"):
        Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    for path in paths.workspace.iterdir():
        if path.is_file():
            path.unlink()
    with pytest.raises(WorkspaceExists, match="anchor"):
        Workspace.create(paths, PASSPHRASE, "R", fast_kdf())


def test_missing_workspace_is_a_clear_error(paths):
    with pytest.raises(WorkspaceMissing, match="init"):
        Workspace.open(paths)


def test_change_passphrase_rewraps_only_the_master_key(workspace):
    with workspace.db.read() as reader:
        entries_before = [tuple(r.values()) for r in reader.query("SELECT * FROM log_entries")]
    workspace.change_passphrase(PASSPHRASE, "a new passphrase")
    with workspace.db.read() as reader:
        entries_after = [tuple(r.values()) for r in reader.query("SELECT * FROM log_entries")]
    assert entries_after[: len(entries_before)] == entries_before
    paths = workspace.paths
    workspace.close()
    ws = Workspace.open(paths)
    try:
        with pytest.raises(WrongPassphrase):
            ws.unlock(PASSPHRASE)
        assert ws.unlock("a new passphrase").ok
        assert EventType.PASSPHRASE_CHANGED in types_of(ws)
    finally:
        ws.close()


def test_recovery_key_unlocks_and_sets_a_new_passphrase(paths, closed):
    ws = Workspace.open(paths)
    try:
        with pytest.raises(WrongRecoveryKey):
            ws.unlock_with_recovery_key("AAAA-BBBB", "new one")
        assert ws.unlock_with_recovery_key(closed.text, "new one").ok
        assert EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY in types_of(ws)
    finally:
        ws.close()
    ws = Workspace.open(paths)
    try:
        assert ws.unlock("new one").ok
    finally:
        ws.close()


def test_newer_database_is_refused_and_left_alone(paths, closed):
    db = paths.workspace / "workspace.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = fingerprint(paths)
    with pytest.raises(DatabaseTooNew, match="newer Evidence Desk"):
        Workspace.open(paths)
    assert fingerprint(paths) == before


def test_migration_backs_up_first(paths, closed, monkeypatch):
    from desktop_app.core.storage import schema

    ran = []
    current = len(schema.MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, lambda conn: ran.append(True)])
    import desktop_app.core.services.workspace as workspace_module

    monkeypatch.setattr(workspace_module, "MIGRATIONS", schema.MIGRATIONS)
    ws = Workspace.open(paths)
    try:
        assert ws.db.schema_version == current + 1 and ran
        backups = list(paths.workspace.glob(f"workspace.pre-migration-v{current}.*.bak"))
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    finally:
        ws.close()


def test_rollback_of_the_whole_data_folder_is_caught_by_the_anchor(paths, tmp_path):
    import shutil

    ws, _ = Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    ws.close()
    shutil.copytree(paths.data, tmp_path / "old-data")
    ws = Workspace.open(paths)
    ws.unlock(PASSPHRASE)
    ws.record(EventType.SETTINGS_CHANGED, {"after": "backup"})
    ws.close()  # seals a checkpoint and updates the anchor
    shutil.rmtree(paths.data)
    shutil.copytree(tmp_path / "old-data", paths.data)
    ws = Workspace.open(paths)
    try:
        verification = ws.unlock(PASSPHRASE)
        assert not verification.ok and "older copy" in verification.problem
    finally:
        ws.close()


def test_sweep_findings_are_logged_at_unlock(paths, closed):
    (paths.workspace / "blobs" / "tmp-leftover").write_bytes(b"partial")
    ws = Workspace.open(paths)
    try:
        ws.unlock(PASSPHRASE)
        sweeps = [e.event for e in ws.events() if e.event.type == EventType.SWEEP_REPORT]
        assert sweeps[-1].data["removed_temp_files"] == 1
    finally:
        ws.close()


def test_keyring_witness_catches_a_restore_of_data_and_anchor_together(paths, tmp_path):
    import shutil

    from desktop_app.core.platform.secrets import MemorySecretStore

    keyring = MemorySecretStore()
    ws, _ = Workspace.create(paths, PASSPHRASE, "R", fast_kdf(), secrets=keyring)
    ws.close()
    profile = paths.data.parent
    shutil.copytree(profile, tmp_path / "backup")
    ws = Workspace.open(paths, secrets=keyring)
    ws.unlock(PASSPHRASE)
    ws.record(EventType.SETTINGS_CHANGED, {"after": "backup"})
    ws.close()
    assert len(keyring.values) == 1
    shutil.rmtree(profile)
    shutil.copytree(tmp_path / "backup", profile)  # data and anchors both rolled back
    ws = Workspace.open(paths)  # without the witness the rollback is invisible
    try:
        assert ws.unlock(PASSPHRASE).ok
    finally:
        ws.close()
    shutil.rmtree(profile)
    shutil.copytree(tmp_path / "backup", profile)
    ws = Workspace.open(paths, secrets=keyring)
    try:
        verification = ws.unlock(PASSPHRASE)
        assert not verification.ok and "older copy" in verification.problem
    finally:
        ws.close()
