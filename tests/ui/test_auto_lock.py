import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop_app.core.domain.events import EventType
from desktop_app.ui.auto_lock import AutoLockController
from tests.conftest import PASSPHRASE
from tests.ui.helpers import populate


def test_idle_timeout_locks_clears_hides_and_asks_to_unlock(qtbot, workspace, make_window, auto_lock):
    populate(workspace, blobs=3)
    window = make_window(workspace)
    assert window.log_model.rowCount() > 0 and auto_lock.counting
    settings = window.menus.open_settings()

    with qtbot.waitSignal(auto_lock.idle_timed_out, timeout=5000):
        auto_lock.set_timeout_ms(150)
    assert not workspace.is_unlocked
    assert window.log_model.rowCount() == 0
    assert window.pages.currentWidget() is not window.log_view
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert not auto_lock.counting  # the unlock prompt itself never times out
    # Nothing else stays open over the locked window (the dialog deletes itself on close).
    assert not shiboken6.isValid(settings) or not settings.isVisible()

    # Back to a timeout no test waits out: with 150 ms, a busy machine locked again before the
    # snapshot that the unlock starts had arrived, and it never did.
    auto_lock.set_timeout_ms(60_000)
    qtbot.keyClicks(dialog.passphrase_field, PASSPHRASE)
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert workspace.is_unlocked and auto_lock.counting
    kinds = [e.event.type for e in workspace.events()]
    assert kinds.count(EventType.WORKSPACE_LOCKED) == 1 and EventType.WORKSPACE_UNLOCKED in kinds


def test_input_restarts_the_idle_timer(qtbot, qapp):
    controller = AutoLockController(10)
    controller.install(qapp)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    fired = []
    controller.idle_timed_out.connect(lambda: fired.append(True))
    try:
        controller.set_timeout_ms(400)
        controller.start()
        for _ in range(8):  # 8 x 100 ms of typing: twice the timeout, never idle for 400 ms
            qtbot.keyClick(field, "a")
            qtbot.wait(100)
        assert not fired
        qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    finally:
        controller.uninstall()


def test_zero_minutes_means_never(qtbot, qapp):
    controller = AutoLockController(0)
    controller.install(qapp)
    try:
        controller.start()
        assert not controller.enabled and not controller.counting
        controller.set_minutes(3)
        assert controller.counting and controller.minutes == 3
        controller.stop()
        assert not controller.counting
    finally:
        controller.uninstall()
