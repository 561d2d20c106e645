from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.dialogs.create_workspace import CreateWorkspaceDialog
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.widgets.form_parts import passphrase_strength
from tests.conftest import PASSPHRASE, fast_kdf


def make_dialog(qtbot, paths, pool):
    dialog = CreateWorkspaceDialog(paths, pool, calibrate=fast_kdf)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog, reviewer="Sam Rivera", passphrase=PASSPHRASE, confirm=PASSPHRASE):
    qtbot.keyClicks(dialog.reviewer_field, reviewer)
    qtbot.keyClicks(dialog.passphrase_field, passphrase)
    qtbot.keyClicks(dialog.confirm_field, confirm)


def test_create_then_recovery_key_then_continue(qtbot, paths, pool):
    dialog = make_dialog(qtbot, paths, pool)
    fill(qtbot, dialog)
    assert dialog.strength_label.level == "strong"
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    ws = dialog.workspace
    try:
        assert ws is not None and ws.is_unlocked and Workspace.exists(paths)
        assert [e.event.type for e in ws.events()][0] == EventType.WORKSPACE_CREATED
        assert ws.events()[0].event.actor == "Sam Rivera"

        recovery = RecoveryKeyDialog(dialog.recovery_key.text)
        qtbot.addWidget(recovery)
        recovery.show()
        shown = recovery.key_label.text()
        assert shown.replace("\n", "-") == dialog.recovery_key.text and "-\n" not in shown
        assert not recovery.continue_button.isEnabled()
        recovery.reject()  # Escape / close before confirming: ignored, the key would be lost
        assert recovery.isVisible()
        recovery.stored_checkbox.click()
        assert recovery.continue_button.isEnabled()
        with qtbot.waitSignal(recovery.accepted, timeout=2000):
            qtbot.mouseClick(recovery.continue_button, Qt.MouseButton.LeftButton)
    finally:
        pool.wait_for_done()
        if ws is not None:
            ws.close()


def test_copy_puts_the_key_on_the_clipboard_and_continue_clears_it(qtbot):
    recovery = RecoveryKeyDialog("ABCD-EFGH-IJKL")
    qtbot.addWidget(recovery)
    recovery.show()
    qtbot.mouseClick(recovery.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "ABCD-EFGH-IJKL"
    recovery.stored_checkbox.setChecked(True)
    recovery.accept()
    assert QGuiApplication.clipboard().text() == ""


def test_mismatched_confirmation_is_shown_inline_and_creates_nothing(qtbot, paths, pool):
    dialog = make_dialog(qtbot, paths, pool)
    fill(qtbot, dialog, confirm=PASSPHRASE + "!")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisible() and "differ" in dialog.message.text()
    assert dialog.focusWidget() is dialog.confirm_field
    assert pool.active_count == 0 and not Workspace.exists(paths)


def test_short_passphrase_and_missing_name_are_refused(qtbot, paths, pool):
    dialog = make_dialog(qtbot, paths, pool)
    fill(qtbot, dialog, reviewer="   ", passphrase="short", confirm="short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.focusWidget() is dialog.reviewer_field
    dialog.reviewer_field.setText("Sam")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.focusWidget() is dialog.passphrase_field
    assert dialog.strength_label.level == "short"
    assert not Workspace.exists(paths)


def test_core_error_is_shown_with_its_message(qtbot, paths, pool, recovery_text):
    # A workspace already exists here: creation fails with an expected error, shown inline.
    dialog = make_dialog(qtbot, paths, pool)
    fill(qtbot, dialog)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "already exists" in dialog.message.text()
    qtbot.waitUntil(lambda: dialog.create_button.isEnabled(), timeout=5000)
    assert dialog.workspace is None and dialog.isVisible()


def test_strength_hint_is_length_based():
    levels = [passphrase_strength("x" * n)[0] for n in (0, 5, 9, 15, 25)]
    assert levels == ["empty", "short", "weak", "fair", "strong"]
