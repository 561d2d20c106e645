"""The app shows detected tampering until a reasoned acknowledgement (which is logged) clears it."""

import shutil
import sqlite3
from contextlib import closing

from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.screens import grab


def rolled_back_workspace(paths, tmp_path) -> Workspace:
    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    ws.close()
    shutil.copytree(paths.data, tmp_path / "old-data")
    ws = Workspace.open(paths)
    ws.unlock(PASSPHRASE)
    ws.record(EventType.SETTINGS_CHANGED, {"after": "backup"})
    ws.close()
    shutil.rmtree(paths.data)
    shutil.copytree(tmp_path / "old-data", paths.data)
    return Workspace.open(paths)


def test_tampering_banner_stands_until_acknowledged(qtbot, paths, pool, make_window, tmp_path, shots_dir):
    ws = rolled_back_workspace(paths, tmp_path)
    try:
        verification = ws.unlock(PASSPHRASE)
        assert not verification.ok
        window = make_window(ws, verification)
        window.resize(1366, 768)
        banner = window.custody_alerts.widget
        assert banner.isVisible() and "TAMPERING DETECTED" in banner.message.text()
        assert "anchored checkpoint" in banner.message.text()
        assert banner.acknowledge_button.isVisible() and banner.acknowledge_button.isEnabled()
        grab(window, shots_dir / "tampering-banner-1366x768.png")

        window.lock_workspace()  # locking and unlocking again does not clear it
        assert banner.isVisible() and not banner.acknowledge_button.isEnabled()
        window.unlock_dialog.reject()
        ws.unlock(PASSPHRASE)
        window.session.enter_unlocked()
        assert banner.isVisible()

        dialog = window.custody_alerts.ask_acknowledgement()
        assert dialog is not None
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        dialog.reason.setPlainText("We restored last week's backup ourselves after a disk failure.")
        assert ok.isEnabled()
        with qtbot.waitSignal(window.custody_alerts.acknowledged, timeout=10_000):
            ok.click()
        assert not banner.isVisible()
        acks = [e.event for e in ws.events() if e.event.type == EventType.TAMPERING_ACKNOWLEDGED]
        assert acks and acks[0].data["reason"].startswith("We restored")
        qtbot.waitSignal(window.verification_finished, timeout=10_000).wait()
    finally:
        pool.wait_for_done(10_000)
        ws.close()


def test_damaged_recovery_slot_offers_a_new_key(qtbot, paths, pool, make_window):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    ws.close()
    with closing(sqlite3.connect(paths.workspace / "workspace.db")) as conn, conn:
        conn.execute("DELETE FROM key_slots WHERE kind = 'recovery'")
    ws = Workspace.open(paths)
    try:
        ws.unlock(PASSPHRASE)
        window = make_window(ws)
        banner = window.custody_alerts.widget
        assert banner.isVisible() and "recovery key slot is missing" in banner.message.text()
        assert banner.recovery_button.isVisible()
        banner.recovery_button.click()
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10_000)
        assert ws.recovery_slot_problem is None
        assert any(e.event.type == EventType.RECOVERY_KEY_REPLACED for e in ws.events())
    finally:
        pool.wait_for_done(10_000)
        ws.close()
