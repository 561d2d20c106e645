"""Issue 15 at the core: what a failed verification blocks, and what only an acknowledgement clears."""

import shutil
import sqlite3
from contextlib import closing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import AcknowledgementReasonRequired, NothingToAcknowledge, TamperingDetected
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.test_custody_log import TABLES, apply_attack, fill


def cut_log_behind_the_apps_back(paths, keep: int) -> None:
    """What someone with the file (not the key) does while the app has it open: cut the newest entries."""
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        conn.execute("DROP TRIGGER log_entries_no_delete")
        conn.execute("DROP TRIGGER log_checkpoints_no_delete")
        (tail,) = conn.execute("SELECT entry_hash FROM log_entries WHERE seq = ?", (keep,)).fetchone()
        conn.execute("DELETE FROM log_entries WHERE seq > ?", (keep,))
        conn.execute("DELETE FROM log_checkpoints WHERE size > ?", (keep,))
        conn.execute("UPDATE log_head SET seq = ?, head_hash = ?", (keep, tail))


def test_a_checkpoint_that_does_not_extend_the_anchored_one_is_refused(paths):
    ws, _ = Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    try:
        for n in range(6):
            ws.record(EventType.SETTINGS_CHANGED, {"n": n})
        ws.checkpoint()
        anchor_before = ws.anchoring.anchor_file.read_bytes()
        cut_log_behind_the_apps_back(paths, keep=3)
        with pytest.raises(TamperingDetected, match="would not extend the anchored checkpoint"):
            ws.checkpoint()
        assert ws.anchoring.anchor_file.read_bytes() == anchor_before
        assert ws.tampering is not None and ws.anchoring.alarm_file.exists()
        with pytest.raises(TamperingDetected):
            ws.record(EventType.SETTINGS_CHANGED, {"after": "cut"})
    finally:
        ws.close()  # locking while tampering stands writes nothing
    assert ws.anchoring.anchor_file.read_bytes() == anchor_before


def test_the_alarm_outlives_an_intact_log_until_a_reasoned_acknowledgement(paths, tmp_path):
    ws, _ = Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    ws.close()
    shutil.copytree(paths.data, tmp_path / "old")
    ws = Workspace.open(paths)
    ws.unlock(PASSPHRASE)
    ws.record(EventType.SETTINGS_CHANGED, {"after": "backup"})
    ws.close()
    shutil.copytree(paths.data, tmp_path / "new")
    shutil.rmtree(paths.data)
    shutil.copytree(tmp_path / "old", paths.data)
    ws = Workspace.open(paths)
    try:
        verification = ws.unlock(PASSPHRASE)
        assert not verification.ok and "anchored checkpoint" in (verification.problem or "")
    finally:
        ws.close()
    # The right data comes back: the log verifies, but what was seen stays on record until acknowledged.
    shutil.rmtree(paths.data)
    shutil.copytree(tmp_path / "new", paths.data)
    ws = Workspace.open(paths)
    try:
        assert ws.unlock(PASSPHRASE).ok
        assert ws.tampering is not None and "older copy" in ws.tampering.first.problem
        with pytest.raises(TamperingDetected):
            ws.record(EventType.SETTINGS_CHANGED, {})
        with pytest.raises(AcknowledgementReasonRequired):
            ws.acknowledge_tampering("  ")
        ws.acknowledge_tampering("The restore was ours; the newer folder is back.")
        assert ws.tampering is None and not ws.anchoring.alarm_file.exists()
        acks = [e.event for e in ws.events() if e.event.type == EventType.TAMPERING_ACKNOWLEDGED]
        assert len(acks) == 1 and acks[0].data["verification_now"]["ok"] is True
        ws.record(EventType.SETTINGS_CHANGED, {"after": "acknowledged"})
        with pytest.raises(NothingToAcknowledge):
            ws.acknowledge_tampering("again")
        assert ws.verify_log().ok
    finally:
        ws.close()


def test_a_failed_verification_writes_nothing_to_the_database(paths):
    ws, _ = Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    ws.close()
    with closing(sqlite3.connect(paths.workspace / "workspace.db")) as conn, conn:
        (mac,) = conn.execute("SELECT mac FROM log_head").fetchone()
        conn.execute("UPDATE log_head SET mac = ?", (bytes([mac[0] ^ 1]) + mac[1:],))

    def dump():
        with closing(sqlite3.connect(paths.workspace / "workspace.db")) as conn:
            return list(conn.iterdump())

    before = dump()
    ws = Workspace.open(paths)
    try:
        assert "not sealed" in (ws.unlock(PASSPHRASE).problem or "")
        assert not ws.verify_log().ok
    finally:
        ws.close()
    assert dump() == before


# --- the property test, one step further: a tampering followed by an ordinary command ---------------


@pytest.fixture(scope="module")
def pristine_profile(tmp_path_factory):
    """A closed workspace with 40-odd entries and several checkpoints, anchored: copied per example."""
    root = tmp_path_factory.mktemp("pristine") / "profile"
    ws, _ = Workspace.create(AppPaths.resolve(root), PASSPHRASE, "R", fast_kdf())
    fill(ws, 30, 8)
    ws.close()
    return root


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["mutate", "mutate", "delete", "reorder", "truncate"]),
    table=st.sampled_from(sorted(TABLES)),
    pick=st.integers(0, 10_000),
    column_pick=st.integers(0, 10),
    position=st.integers(0, 10_000),
    delta=st.integers(0, 254),
)
@pytest.mark.slow
def test_no_ordinary_command_launders_a_tampering(
    pristine_profile, tmp_path_factory, kind, table, pick, column_pick, position, delta
):
    root = tmp_path_factory.mktemp("attacked") / "profile"
    shutil.copytree(pristine_profile, root)
    paths = AppPaths.resolve(root)
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        apply_attack(conn, kind, table, pick, column_pick, position, delta)
    ws = Workspace.open(paths)  # one more ordinary command: unlock, act, lock
    try:
        ws.unlock(PASSPHRASE)
        ws.record(EventType.SETTINGS_CHANGED, {"routine": True})
    except TamperingDetected:
        pass
    finally:
        ws.close()
    ws = Workspace.open(paths)  # then 'log verify'
    try:
        verification = ws.unlock(PASSPHRASE)
        assert not verification.ok or ws.tampering is not None, (kind, table, pick, column_pick, position, delta)
    finally:
        ws.close()
    shutil.rmtree(root)


def test_a_new_passphrase_given_with_the_recovery_key_waits_for_the_acknowledgement(paths, tmp_path):
    ws, recovery = Workspace.create(paths, PASSPHRASE, "R", fast_kdf())
    ws.close()
    with closing(sqlite3.connect(paths.workspace / "workspace.db")) as conn, conn:
        (mac,) = conn.execute("SELECT mac FROM log_head").fetchone()
        conn.execute("UPDATE log_head SET mac = ?", (bytes([mac[0] ^ 1]) + mac[1:],))
    ws = Workspace.open(paths)
    try:
        assert not ws.unlock_with_recovery_key(recovery.text, "the new passphrase").ok
        assert ws.tampering is not None
        ws.acknowledge_tampering("The head seal was damaged by a disk repair tool; checked with IT.")
        kinds = [e.event.type for e in ws.events()]
        assert kinds.index(EventType.TAMPERING_ACKNOWLEDGED) < kinds.index(EventType.PASSPHRASE_CHANGED)
    finally:
        ws.close()
    ws = Workspace.open(paths)
    try:
        assert ws.unlock("the new passphrase").ok
    finally:
        ws.close()
