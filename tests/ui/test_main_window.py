import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.crypto.signed_note import parse_and_verify
from desktop_app.core.domain.events import EventType
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.core.storage.anchor import parse_anchor_text
from desktop_app.ui.dialogs.change_passphrase import ChangePassphraseDialog
from desktop_app.ui.main_window import LOG_TAB
from desktop_app.ui.models.custody_log import Column
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.helpers import populate, tamper_entry
from tests.ui.screens import grab


def verify(qtbot, window):
    with qtbot.waitSignal(window.verification_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(window.log_view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()  # the refresh that follows
    return blocker.args[0]


def test_status_panel_and_log_show_the_workspace(qtbot, workspace, make_window):
    populate(workspace)
    window = make_window(workspace)
    status = window.status_panel
    events = workspace.events()
    assert window.log_model.rowCount() == len(events) >= 30
    assert status.reviewer_value.text() == "Test Reviewer"
    assert status.state_value.text() == "Unlocked"
    assert status.entries_value.text() == f"{len(events):,}"
    assert "signed, covers" in status.checkpoint_value.text()
    assert status.journal_value.text().startswith("WAL")
    assert window.log_view.count_label.text() == f"{len(events)} events"
    # Newest first.
    assert int(window.log_view.proxy.index(0, Column.SEQ).data()) == events[-1].seq


def test_filters_by_event_type_and_subject(qtbot, workspace, make_window):
    blob_ids = populate(workspace)
    window = make_window(workspace)
    view = window.log_view
    view.event_combo.setCurrentIndex(view.event_combo.findData(str(EventType.BLOB_STORED)))
    stored = [e for e in workspace.events() if e.event.type == EventType.BLOB_STORED]
    assert view.proxy.rowCount() == len(stored) == len(blob_ids)
    assert view.count_label.text() == f"Showing {len(stored)} of {window.log_model.rowCount()} events"

    view.event_combo.setCurrentIndex(0)  # All events
    qtbot.keyClicks(view.text_field, blob_ids[0][:12])
    subjects = {view.proxy.index(r, Column.SUBJECT).data() for r in range(view.proxy.rowCount())}
    assert subjects == {blob_ids[0]}

    view.text_field.clear()
    view.from_check.setChecked(True)
    view.from_date.setDate(view.from_date.date().addDays(1))  # tomorrow: nothing yet
    assert view.proxy.rowCount() == 0
    view.from_check.setChecked(False)
    assert view.proxy.rowCount() == window.log_model.rowCount()


@pytest.mark.expect_log_warnings(r"verification: custody log verification failed at entry \d+")
def test_verify_shows_intact_then_the_tampered_entry(qtbot, workspace, make_window):
    populate(workspace, blobs=6)
    window = make_window(workspace)
    label = window.status_panel.verification_label

    verification = verify(qtbot, window)
    assert verification.ok
    assert label.text().startswith(f"Custody log intact — {verification.entries} entries, verified ")
    assert label.property("role") == "ok"

    tamper_entry(workspace, 5)
    verification = verify(qtbot, window)
    assert not verification.ok and verification.first_bad_seq == 5
    assert label.property("role") == "problem"
    assert window.queue_page.alert.text() == "The custody log failed verification. See the Custody log tab."
    assert "entry 5" in label.text() and "First bad entry: #5." in label.text()
    # The log view shows what it can and says why it stops.
    assert window.log_model.rowCount() == 4
    assert not window.log_view.problem_label.isHidden()  # on the custody-log tab
    assert "entry 5" in window.log_view.problem_label.text()


def test_lock_clears_and_hides_then_unlock_restores(qtbot, workspace, make_window):
    populate(workspace, blobs=3)
    window = make_window(workspace)
    window.menus.lock_action.trigger()
    assert not workspace.is_unlocked
    assert window.log_model.rowCount() == 0
    assert window.pages.currentWidget() is not window.log_view
    assert window.status_panel.state_value.text() == "Locked"
    assert not window.log_view.verify_button.isEnabled() and not window.menus.export_action.isEnabled()
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.passphrase_field, PASSPHRASE)
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert workspace.is_unlocked and window.pages.currentWidget() is window.tabs
    assert window.log_model.rowCount() == len(workspace.events())
    assert window.status_panel.verification_label.property("role") == "ok"


def test_export_checkpoint_writes_note_and_verifier_key(qtbot, workspace, make_window, tmp_path):
    populate(workspace, blobs=2)
    window = make_window(workspace)
    target = tmp_path / "exported.txt"
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        window.menus.export_checkpoint(target)
    anchor = parse_anchor_text(target.read_text(encoding="utf-8"))
    assert anchor.verifier_key == workspace.verifier_key()
    checkpoint = parse_and_verify(anchor.note, workspace.origin, workspace.public_key)
    assert checkpoint.size >= len(workspace.events()) - 2  # sealed at export time
    assert workspace.verify_log([anchor.note]).ok


def test_settings_dialog_saves_and_logs_the_change(qtbot, workspace, make_window, paths, auto_lock):
    window = make_window(workspace)
    dialog = window.menus.open_settings()
    dialog.auto_lock_spin.setValue(5)
    dialog.blur_checkbox.setChecked(False)
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert AppSettings.load(paths.settings_file) == AppSettings(auto_lock_minutes=5, blur_by_default=False)
    assert window.settings.auto_lock_minutes == 5 and auto_lock.minutes == 5
    changed = [e.event for e in workspace.events() if e.event.type == EventType.SETTINGS_CHANGED]
    assert changed[-1].data == {
        "changed": ["auto_lock_minutes", "blur_by_default"],
        "values": {"auto_lock_minutes": 5, "blur_by_default": False},
    }
    assert json.loads(paths.settings_file.read_text())["version"] == 1


def test_change_passphrase_through_the_menu(qtbot, workspace, make_window):
    window = make_window(workspace)
    window.menus.change_passphrase_action.trigger()
    dialog = window.findChild(ChangePassphraseDialog)
    qtbot.keyClicks(dialog.current_field, "not the passphrase")
    qtbot.keyClicks(dialog.new_field, "a fresh passphrase now")
    qtbot.keyClicks(dialog.confirm_field, "a fresh passphrase now")
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "Wrong passphrase" in dialog.message.text()

    dialog.current_field.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    workspace.lock()
    assert workspace.unlock("a fresh passphrase now").ok


def test_sweep_findings_are_shown(qtbot, paths, pool, make_window, shots_dir):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    stored = run_to_completion(ws.store_blob([b"dummy test content"]))
    ws.close()
    (ws.blob_dir / stored.blob_id).unlink()  # lost behind the app's back
    ws = Workspace.open(paths)
    try:
        assert ws.storage.sweep_report.missing_blobs == [stored.blob_id]
        ws.unlock(PASSPHRASE)
        window = make_window(ws)
        # The queue (the first tab) says so, and the workspace panel beside the custody log explains.
        assert window.queue_page.alert.isVisible()
        assert window.queue_page.alert.text().startswith("1 evidence file is missing")
        window.tabs.setCurrentIndex(LOG_TAB)
        assert window.status_panel.sweep_label.isVisible()
        assert "1 evidence file is missing" in window.status_panel.sweep_label.text()
        grab(window, shots_dir / "sweep.png")
        window.close()
    finally:
        pool.wait_for_done(10_000)
        ws.close()


def test_hourly_timer_signs_the_daily_checkpoint_when_due(qtbot, workspace, make_window):
    window = make_window(workspace)
    assert window.checkpoint_timer.isActive()
    assert window.checkpoint_timer.interval() == 60 * 60 * 1000
    populate(workspace)
    before = workspace.latest_checkpoint()

    window.checkpoint_timer.timeout.emit()  # not due: the last checkpoint is minutes old
    window._pool.wait_for_done()
    assert workspace.latest_checkpoint() == before

    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat().encode()
    with workspace.db.write() as conn:
        conn.execute("UPDATE workspace_meta SET value = ? WHERE key = 'last_checkpoint_at'", (two_days_ago,))
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        window.checkpoint_timer.timeout.emit()
    assert workspace.latest_checkpoint() != before
    assert workspace.verify_log().ok


def test_the_vault_is_verified_in_the_background_after_unlock(qtbot, paths, pool, make_window, shots_dir):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    kept = run_to_completion(ws.store_blob([b"kept intact " * 1000]))
    flipped = run_to_completion(ws.store_blob([b"to be damaged " * 1000]))
    ws.close()
    path = ws.blob_dir / flipped.blob_id
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0x40  # damaged behind the app's back: the size is right, the sweep cannot see it
    path.write_bytes(bytes(raw))
    ws = Workspace.open(paths)
    try:
        assert ws.storage.sweep_report.clean
        ws.unlock(PASSPHRASE)
        window = make_window(ws)
        qtbot.waitUntil(lambda: window.checks.vault_worker is None, timeout=10_000)
        label = window.status_panel.vault_label.text()
        assert "Evidence vault verification failed" in label and "1 of 2 files" in label, label
        assert flipped.blob_id[:12] in label and kept.blob_id[:12] not in label
        assert "Evidence files failed verification" in window.queue_page.alert.text()
        window.tabs.setCurrentIndex(LOG_TAB)
        assert window.status_panel.vault_label.isVisible()
        grab(window, shots_dir / "vault-damaged.png")
        window.close()
    finally:
        pool.wait_for_done(10_000)
        ws.close()
