"""Screenshots of every screen, rendered offscreen from real widgets over a real workspace.

They are written to docs/screenshots/ only with EVIDENCE_DESK_SCREENSHOTS=1 (to refresh the
committed ones), otherwise to a temporary folder, so a normal test run never touches the tree.
"""

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from desktop_app.core.crypto.keys import RecoveryKey
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.crash import build_crash_report
from desktop_app.ui.dialogs.crash_dialog import CrashDialog
from desktop_app.ui.dialogs.create_workspace import CreateWorkspaceDialog
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.helpers import populate, tamper_entry
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def reviewer_workspace(paths, pool):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    yield ws
    pool.wait_for_done(10_000)
    ws.close()


def check(path: Path) -> None:
    image = QImage(str(path))
    assert path.stat().st_size > 0 and image.width() > 200 and image.height() > 150
    assert distinct_colours(path) > 3, f"{path.name} is (nearly) a single colour"


def test_create_dialog(qtbot, paths, pool, shots):
    dialog = CreateWorkspaceDialog(paths, pool, calibrate=fast_kdf)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reviewer_field, "Sam Rivera")
    qtbot.keyClicks(dialog.passphrase_field, "tidal-lantern-orchard-quietly")
    qtbot.keyClicks(dialog.confirm_field, "tidal-lantern-orchard-quietly")
    check(grab(dialog, shots / "create-workspace.png"))


def test_recovery_key_dialog(qtbot, shots):
    dialog = RecoveryKeyDialog(RecoveryKey(bytes(range(32))).text)  # a dummy key, never a real one
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "recovery-key.png"))


def test_unlock_dialog_plain_and_after_a_wrong_passphrase(qtbot, locked_workspace, pool, shots):
    dialog = UnlockDialog(locked_workspace, pool, cancel_text="Quit")
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "unlock.png"))

    qtbot.keyClicks(dialog.passphrase_field, "not my passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.unlock_button.isEnabled(), timeout=10_000)
    check(grab(dialog, shots / "unlock-wrong-passphrase.png"))

    dialog.show_mode(1)
    check(grab(dialog, shots / "unlock-recovery-key.png"))


def test_main_window(qtbot, reviewer_workspace, make_window, shots):
    populate(reviewer_workspace)
    window = make_window(reviewer_workspace)
    with qtbot.waitSignal(window.verification_finished, timeout=10_000):
        window.verify_log()
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
    check(grab(window, shots / "main-window.png"))


def test_main_window_after_tampering(qtbot, reviewer_workspace, make_window, shots):
    populate(reviewer_workspace)
    window = make_window(reviewer_workspace)
    tamper_entry(reviewer_workspace, 17)
    with qtbot.waitSignal(window.verification_finished, timeout=10_000):
        window.verify_log()
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
    assert window.status_panel.verification_label.property("role") == "problem"
    check(grab(window, shots / "main-window-tampered.png"))


def test_main_window_locked_and_settings(qtbot, reviewer_workspace, make_window, shots):
    window = make_window(reviewer_workspace)
    settings = window.open_settings()
    check(grab(settings, shots / "settings.png"))
    settings.reject()
    window.lock_workspace("Locked after 10 idle minutes.")
    window.unlock_dialog.hide()  # the locked view itself, without the prompt on top
    check(grab(window, shots / "main-window-locked.png"))


def test_crash_dialog(qtbot, shots):
    try:
        raise RuntimeError("example failure for the screenshot")
    except RuntimeError:
        report = build_crash_report(
            sys.exc_info(), ["2026-03-01 09:00:00 INFO    desktop_app.app: Evidence Desk started"]
        )
    dialog = CrashDialog(report)
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "crash-dialog.png"))
