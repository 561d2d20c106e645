"""Finding 13, closed: a recovery slot damaged *and* stripped of its check value is still noticed.

The log records the slot's SHA-256 (``storage.recovery_slot``); the attacker edits the database
file directly, without the passphrase.
"""

import sqlite3
from contextlib import closing

from desktop_app.core.domain.events import EventType
from desktop_app.core.services import workspace_keys as workspace_module
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf


def _damage(paths, *, flip: bool, strip: bool) -> None:
    with closing(sqlite3.connect(paths.workspace / "workspace.db", isolation_level=None)) as conn:
        if flip:
            (wrapped,) = conn.execute("SELECT wrapped FROM key_slots WHERE kind = 'recovery'").fetchone()
            conn.execute("UPDATE key_slots SET wrapped = ? WHERE kind = 'recovery'", (wrapped[:-1] + b"\x00",))
        if strip:
            conn.execute("DELETE FROM workspace_meta WHERE key = 'recovery_slot_mac'")


def _unlocked_problem(paths) -> tuple[str | None, list[EventType]]:
    workspace = Workspace.open(paths)
    try:
        assert workspace.unlock(PASSPHRASE).ok
        return workspace.recovery_slot_problem, [e.event.type for e in workspace.events()]
    finally:
        workspace.close()


def test_a_slot_damaged_and_stripped_of_its_check_value_is_reported(paths):
    Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())[0].close()
    _damage(paths, flip=True, strip=True)
    problem, _ = _unlocked_problem(paths)
    assert problem is not None and "damaged" in problem


def test_a_stripped_check_value_alone_is_restored_from_the_log(paths):
    Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())[0].close()
    _damage(paths, flip=False, strip=True)
    assert _unlocked_problem(paths)[0] is None
    _damage(paths, flip=True, strip=False)  # the check value is back, and catches a flip on its own
    assert "damaged" in (_unlocked_problem(paths)[0] or "")


def test_a_workspace_whose_log_never_recorded_its_slot_records_it_once(paths, monkeypatch):
    with monkeypatch.context() as patch:  # what the code before the record wrote at creation
        patch.setattr(workspace_module, "slot_digest", lambda wrapped: None)
        Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())[0].close()
    problem, kinds = _unlocked_problem(paths)
    assert problem is None and kinds.count(EventType.RECOVERY_SLOT_RECORDED) == 1
    assert _unlocked_problem(paths)[1].count(EventType.RECOVERY_SLOT_RECORDED) == 1  # once
    _damage(paths, flip=True, strip=True)
    assert "damaged" in (_unlocked_problem(paths)[0] or "")
