import logging
import sys
import threading
from functools import partial

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import app as app_module
from desktop_app.core.cybertipline.endpoint import TEST_URL
from desktop_app.core.domain.events import EventType
from desktop_app.core.platform.logging_setup import LOG_FILE_NAME
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.dialogs.create_workspace import CreateWorkspaceDialog
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE, fast_kdf


@pytest.mark.expect_log_warnings(r"No OS keyring available", r"Cannot open the workspace: workspace-in-use")
def test_second_instance_gets_a_message_and_exit_code_2(qtbot, workspace, paths, isolated_profile, monkeypatch):
    # ``workspace`` holds the instance lock, as a first running Evidence Desk would.
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    hooks = (sys.excepthook, threading.excepthook)
    handlers = list(logging.getLogger().handlers)

    code = app_module.main(["--profile-dir", str(isolated_profile)])

    assert code == app_module.EXIT_CANNOT_OPEN == 2
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "Evidence Desk" and "open in another Evidence Desk" in text
    # main() put back everything it took over, and its log went to the profile's log folder.
    assert (sys.excepthook, threading.excepthook) == hooks
    assert logging.getLogger().handlers == handlers
    assert "workspace-in-use" in (paths.logs / LOG_FILE_NAME).read_text()
    assert workspace.is_unlocked  # the first instance is untouched


def test_parse_args_leaves_qt_options_to_qt():
    args, rest = app_module.parse_args(["--profile-dir", "/tmp/x", "-platform", "offscreen"])
    assert args.profile_dir == "/tmp/x" and rest == ["-platform", "offscreen"]


def test_icon_resource_exists():
    assert app_module.ICON_PATH.is_file()


class Driver:
    """Plays the reviewer inside ``main()``'s own event loops: acts on whichever window is up."""

    def __init__(self, steps):
        self.steps = list(steps)
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(50)
        # A failing step must not hang the suite: give up and quit after a while.
        self.deadline = QTimer()
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._give_up)
        self.deadline.start(20_000)
        self.gave_up = False

    def _tick(self):
        if self.steps and self.steps[0]():
            self.steps.pop(0)
        if not self.steps:
            self.timer.stop()  # the deadline stays until the test stops it: main() must still return

    def _give_up(self):
        self.gave_up = True
        self.stop()
        for widget in QApplication.topLevelWidgets():
            widget.close()
        QApplication.quit()  # a window that came up after the last step would keep main() running

    def stop(self):
        self.timer.stop()
        self.deadline.stop()


def top(kind):
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[0] if found else None


@pytest.mark.expect_log_warnings(r"No OS keyring available")
def test_first_run_creates_shows_the_key_and_quit_closes(qtbot, paths, isolated_profile, monkeypatch):
    monkeypatch.setattr(app_module, "CreateWorkspaceDialog", partial(CreateWorkspaceDialog, calibrate=fast_kdf))

    def create():
        dialog = top(CreateWorkspaceDialog)
        if dialog is None:
            return False
        dialog.reviewer_field.setText("Sam Rivera")
        dialog.passphrase_field.setText(PASSPHRASE)
        dialog.confirm_field.setText(PASSPHRASE)
        dialog.create_button.click()
        return True

    def confirm_key():
        dialog = top(RecoveryKeyDialog)
        if dialog is None:
            return False
        dialog.stored_checkbox.setChecked(True)
        dialog.continue_button.click()
        return True

    def quit_from_main_window():
        window = top(MainWindow)
        if window is None or window.snapshot is None:
            return False
        assert window.status_panel.reviewer_value.text() == "Sam Rivera"
        # The CyberTipline link is built once and shared: the menu, and the schema every report check uses.
        assert window.cybertipline is not None and window.menus.cybertipline_action.isEnabled()
        assert window.cybertipline.endpoint == TEST_URL
        assert window.reports_page.service.ncmec_xsd == window.cybertipline.current_xsd
        window.close()
        return True

    driver = Driver([create, confirm_key, quit_from_main_window])
    try:
        code = app_module.main(["--profile-dir", str(isolated_profile)])
    finally:
        driver.stop()
    assert not driver.gave_up and code == app_module.EXIT_OK

    # main() closed the workspace on the way out: it opens again, and the log shows the session.
    ws = Workspace.open(paths)
    try:
        assert ws.unlock(PASSPHRASE).ok
        kinds = [e.event.type for e in ws.events()]
        assert kinds[0] == EventType.WORKSPACE_CREATED and EventType.WORKSPACE_LOCKED in kinds
    finally:
        ws.close()


@pytest.mark.expect_log_warnings(r"No OS keyring available")
def test_quit_at_the_unlock_prompt_exits_cleanly(qtbot, recovery_text, isolated_profile, paths):
    def quit_at_prompt():
        dialog = top(UnlockDialog)
        if dialog is None:
            return False
        dialog.reject()
        return True

    driver = Driver([quit_at_prompt])
    try:
        code = app_module.main(["--profile-dir", str(isolated_profile)])
    finally:
        driver.stop()
    assert code == app_module.EXIT_OK
    assert not driver.gave_up
    Workspace.open(paths).close()  # the instance lock was released
