import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.domain.events import EventType
from desktop_app.core.storage.anchor import read_anchor


def fill(workspace, n: int = 30, checkpoint_every: int = 10) -> None:
    for i in range(n):
        workspace.record(EventType.SETTINGS_CHANGED, {"i": i, "note": "x" * (i % 7)}, subject=f"item-{i}")
        if i % checkpoint_every == checkpoint_every - 1:
            workspace.checkpoint()


def test_fresh_log_verifies_and_reads_back(workspace):
    fill(workspace, 12, 5)
    result = workspace.verify_log()
    assert result.ok, result.problem
    events = workspace.events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].event.type == EventType.WORKSPACE_CREATED
    assert events[0].event.actor == "Test Reviewer"
    assert any(e.event.data == {"i": 3, "note": "xxx"} for e in events)


def test_log_is_append_only_for_the_app(workspace):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), workspace.db.write() as conn:
        conn.execute("DELETE FROM log_entries WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), workspace.db.write() as conn:
        conn.execute("UPDATE log_checkpoints SET note = 'x'")


def test_ciphertext_is_opaque_in_the_database(workspace):
    workspace.record(EventType.SETTINGS_CHANGED, {"marker": "visible-if-plaintext"})
    workspace.db.close()
    raw = b"".join(p.read_bytes() for p in workspace.paths.workspace.glob("workspace.db*"))
    assert b"visible-if-plaintext" not in raw and b"Test Reviewer" not in raw
    from desktop_app.core.storage.schema import MIGRATIONS

    workspace.db = type(workspace.db)(workspace.db.path, MIGRATIONS)


def test_structure_is_checkable_without_keys(workspace):
    fill(workspace, 10, 4)
    keyless = workspace.custody_log()
    keyless._keys = None
    with workspace.db.read() as reader:
        assert keyless.verify(reader.conn).ok
        reader.conn.execute("PRAGMA query_only=OFF")
        reader.conn.execute("DROP TRIGGER log_entries_no_update")
        reader.conn.execute("UPDATE log_entries SET ciphertext = zeroblob(40) WHERE seq = 3")
        result = keyless.verify(reader.conn)
        reader.conn.rollback()
    assert not result.ok and result.first_bad_seq == 3


# --- the property test: every tampering of the log tables is detected -------------------------------

TABLES = {
    "log_entries": ["seq", "nonce", "ciphertext", "entry_hash"],
    "log_head": ["seq", "head_hash", "mac"],  # id is pinned by CHECK (id = 1); verify checks it too
    "log_checkpoints": ["size", "note"],
}
KEY = {"log_entries": "seq", "log_head": "id", "log_checkpoints": "size"}


@pytest.fixture
def attack_copy(workspace, tmp_path):
    """A tampered-with copy of a log with 40 entries and several checkpoints, and a verifier for it."""
    fill(workspace, 30, 8)
    anchor = read_anchor(workspace.anchoring.anchor_file)
    log = workspace.custody_log()
    workspace.db.close()
    copy = tmp_path / "attack.db"
    shutil.copy(workspace.db.path, copy)
    from desktop_app.core.storage.schema import MIGRATIONS

    workspace.db = type(workspace.db)(workspace.db.path, MIGRATIONS)
    conn = sqlite3.connect(copy, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")  # an attacker is not stopped by triggers
    yield conn, (lambda: log.verify(conn, [anchor.note]))
    conn.close()


def mutate_value(value, position: int, delta: int):
    if isinstance(value, int):
        return value + (delta or 1) * (1 if position % 2 else -1)
    if isinstance(value, str):
        chars = list(value)
        i = position % len(chars)
        replacement = chr(33 + (ord(chars[i]) - 33 + 1 + delta % 90) % 94)
        chars[i] = replacement if replacement != chars[i] else "#"
        return "".join(chars)
    raw = bytearray(value)
    raw[position % len(raw)] ^= (delta % 255) + 1
    return bytes(raw)


def apply_attack(conn, kind: str, table: str, pick: int, column_pick: int, position: int, delta: int):
    keys = [r[0] for r in conn.execute(f"SELECT {KEY[table]} FROM {table} ORDER BY 1")]
    key = keys[pick % len(keys)]
    if kind == "mutate":
        column = TABLES[table][column_pick % len(TABLES[table])]
        (value,) = conn.execute(f"SELECT {column} FROM {table} WHERE {KEY[table]} = ?", (key,)).fetchone()
        new = mutate_value(value, position, delta)
        if column == KEY[table] and new in keys:
            conn.execute(f"DELETE FROM {table} WHERE {KEY[table]} = ?", (new,))  # make room: still tampering
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {KEY[table]} = ?", (new, key))
    elif kind == "delete":
        conn.execute(f"DELETE FROM {table} WHERE {KEY[table]} = ?", (key,))
    elif kind == "reorder":
        entries = [r[0] for r in conn.execute("SELECT seq FROM log_entries ORDER BY seq")]
        a, b = (
            entries[pick % len(entries)],
            entries[(pick + 1 + position % (len(entries) - 1)) % len(entries)],
        )
        rows = {
            s: conn.execute("SELECT nonce, ciphertext, entry_hash FROM log_entries WHERE seq = ?", (s,)).fetchone()
            for s in (a, b)
        }
        for target, source in ((a, b), (b, a)):
            conn.execute(
                "UPDATE log_entries SET nonce = ?, ciphertext = ?, entry_hash = ? WHERE seq = ?",
                (*rows[source], target),
            )
    elif kind == "truncate":
        entries = [r[0] for r in conn.execute("SELECT seq FROM log_entries ORDER BY seq")]
        keep = pick % len(entries)
        conn.execute("DELETE FROM log_entries WHERE seq > ?", (keep,))
        if position % 2:  # also rewind the head to the new last entry (without the key for its MAC)
            last = conn.execute("SELECT entry_hash FROM log_entries WHERE seq = ?", (keep,)).fetchone()
            conn.execute("UPDATE log_head SET seq = ?, head_hash = ?", (keep, last[0] if last else bytes(32)))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["mutate", "mutate", "delete", "reorder", "truncate"]),
    table=st.sampled_from(sorted(TABLES)),
    pick=st.integers(0, 10_000),
    column_pick=st.integers(0, 10),
    position=st.integers(0, 10_000),
    delta=st.integers(0, 254),
)
@pytest.mark.slow
def test_every_tampering_is_detected(attack_copy, kind, table, pick, column_pick, position, delta):
    conn, verify = attack_copy
    conn.execute("SAVEPOINT attack")
    try:
        apply_attack(conn, kind, table, pick, column_pick, position, delta)
        result = verify()
    finally:
        conn.execute("ROLLBACK TO attack")
        conn.execute("RELEASE attack")
    assert not result.ok, (kind, table, pick, column_pick, position, delta)
    assert result.problem
    assert verify().ok  # the rollback really restored the intact log


def test_restoring_an_older_copy_is_caught_by_a_later_checkpoint(workspace, tmp_path):
    fill(workspace, 5, 100)
    workspace.checkpoint()
    older = tmp_path / "older.db"
    with sqlite3.connect(older) as dest:
        workspace.db._conn.backup(dest)
    fill(workspace, 5, 100)
    later_note = workspace.checkpoint()
    log = workspace.custody_log()
    with sqlite3.connect(older) as conn:
        assert log.verify(conn).ok  # on its own the old copy looks fine
        result = log.verify(conn, [later_note])
    assert not result.ok and "older copy" in result.problem
