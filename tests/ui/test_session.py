"""The session controller's promise to the pages: when each signal comes, and what holds then."""

from PySide6.QtCore import Qt

from tests.conftest import PASSPHRASE
from tests.ui.helpers import populate


def test_a_page_sees_locking_with_keys_locked_without_and_unlocked_with_keys_again(qtbot, workspace, make_window):
    populate(workspace, blobs=1)
    window = make_window(workspace)
    seen: list[tuple[str, bool]] = []
    session = window.session
    session.locking.connect(lambda: seen.append(("locking", workspace.is_unlocked)))
    session.locked.connect(lambda: seen.append(("locked", workspace.is_unlocked)))
    session.unlocked.connect(lambda verification: seen.append(("unlocked", workspace.is_unlocked)))
    generation = session.generation

    window.lock_workspace("Locked by the test.")
    assert seen == [("locking", True), ("locked", False)]
    assert session.generation == generation + 1  # reads begun before the lock must not repaint
    assert window.unlock_dialog is session.unlock_dialog and window.unlock_dialog.isVisible()

    qtbot.keyClicks(window.unlock_dialog.passphrase_field, PASSPHRASE)
    with qtbot.waitSignal(window.workspace_unlocked, timeout=10_000):
        qtbot.mouseClick(window.unlock_dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert seen[-1] == ("unlocked", True)


def test_closing_runs_once_the_window_closes_and_stops_the_checkpoint_timer(qtbot, workspace, make_window):
    window = make_window(workspace)
    closed: list[bool] = []
    window.session.closing.connect(lambda: closed.append(workspace.is_unlocked))
    assert window.checkpoint_timer.isActive()
    window.close()
    assert closed == [True]  # the composition root locks after the window closed, not before
    assert not window.checkpoint_timer.isActive()
