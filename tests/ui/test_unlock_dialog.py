from PySide6.QtCore import Qt

from desktop_app.core.domain.events import EventType
from desktop_app.ui.dialogs.unlock import UnlockDialog
from tests.conftest import PASSPHRASE
from tests.ui.helpers import entry_count


def make_dialog(qtbot, ws, pool):
    dialog = UnlockDialog(ws, pool)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def submit(qtbot, dialog):
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy.isVisible() and dialog.unlock_button.isEnabled(), timeout=10_000)


def test_wrong_then_right_passphrase(qtbot, locked_workspace, pool):
    ws = locked_workspace
    dialog = make_dialog(qtbot, ws, pool)
    before = entry_count(ws)

    qtbot.keyClicks(dialog.passphrase_field, "wrong passphrase")
    submit(qtbot, dialog)
    assert dialog.message.isVisible()
    assert "Wrong passphrase" in dialog.message.text()
    assert dialog.focusWidget() is dialog.passphrase_field
    assert dialog.passphrase_field.selectedText() == "wrong passphrase"
    assert dialog.isVisible() and dialog.verification is None
    assert not ws.is_unlocked and entry_count(ws) == before  # nothing changed

    # Typing over the selection replaces the wrong attempt.
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.passphrase_field, PASSPHRASE)
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert ws.is_unlocked and dialog.verification is not None and dialog.verification.ok
    assert dialog.passphrase_field.text() == ""
    assert EventType.WORKSPACE_UNLOCKED in [e.event.type for e in ws.events()]


def test_empty_passphrase_uses_the_core_message(qtbot, locked_workspace, pool):
    dialog = make_dialog(qtbot, locked_workspace, pool)
    submit(qtbot, dialog)
    assert "empty" in dialog.message.text()
    assert not locked_workspace.is_unlocked


def test_recovery_key_unlocks_and_sets_a_new_passphrase(qtbot, locked_workspace, recovery_text, pool):
    ws = locked_workspace
    dialog = make_dialog(qtbot, ws, pool)
    qtbot.mouseClick(dialog.mode_button, Qt.MouseButton.LeftButton)
    assert dialog.recovery_mode and dialog.focusWidget() is dialog.recovery_field

    # A typo in the key: inline, focus back on the key field.
    typo = ("Z" if recovery_text[0] != "Z" else "Y") + recovery_text[1:]
    qtbot.keyClicks(dialog.recovery_field, typo)
    qtbot.keyClicks(dialog.new_passphrase_field, "a brand new passphrase")
    qtbot.keyClicks(dialog.confirm_field, "a brand new passphrase")
    submit(qtbot, dialog)
    assert dialog.message.isVisible() and not ws.is_unlocked
    assert dialog.focusWidget() is dialog.recovery_field

    dialog.recovery_field.setText(recovery_text.lower())
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert ws.is_unlocked
    kinds = [e.event.type for e in ws.events()]
    assert EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY in kinds and EventType.PASSPHRASE_CHANGED in kinds
    ws.lock()
    ws.unlock("a brand new passphrase")


def test_recovery_mode_checks_the_new_passphrase_locally(qtbot, locked_workspace, pool):
    dialog = make_dialog(qtbot, locked_workspace, pool)
    dialog.show_mode(1)
    qtbot.keyClicks(dialog.recovery_field, "AAAA-BBBB")
    qtbot.keyClicks(dialog.new_passphrase_field, "one passphrase here")
    qtbot.keyClicks(dialog.confirm_field, "another passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert "differ" in dialog.message.text() and pool.active_count == 0
    assert dialog.focusWidget() is dialog.confirm_field
    qtbot.mouseClick(dialog.mode_button, Qt.MouseButton.LeftButton)
    assert not dialog.recovery_mode and not dialog.message.isVisible()


def test_cannot_be_dismissed_while_unlocking(qtbot, locked_workspace, pool):
    dialog = make_dialog(qtbot, locked_workspace, pool)
    qtbot.keyClicks(dialog.passphrase_field, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        dialog.reject()
        assert dialog.isVisible()
