"""The About dialog and the note shown when the OS keyring is missing, rendered offscreen."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from desktop_app import __version__
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.about import KEYRING_MISSING, AboutDialog
from desktop_app.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def window_without_keyring(qtbot, paths, pool, auto_lock):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    window = MainWindow(
        workspace, AppSettings(), paths.settings_file, pool, auto_lock, ItemService(workspace), None,
        keyring_available=False,
    )  # fmt: skip
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        window.show()
    yield window
    window.close()
    pool.wait_for_done(10_000)
    workspace.close()


def test_about_dialog_names_version_folders_keyring_and_licences(qtbot, window_without_keyring, paths, shots):
    window = window_without_keyring
    notice = [b for b in window.statusBar().findChildren(QPushButton) if "keyring" in b.text()]
    assert notice and notice[0].toolTip() == KEYRING_MISSING
    assert distinct_colours(grab(window, shots / "main-window-no-keyring.png")) > 3

    dialog = window.menus.about()
    assert isinstance(dialog, AboutDialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.keyring_label)))
    assert __version__ in texts and str(paths.workspace) in texts and str(paths.logs) in texts
    assert dialog.keyring_label.text() == KEYRING_MISSING
    table = dialog.components_table
    names = {table.item(row, 0).text().lower().replace("_", "-") for row in range(table.rowCount())}
    assert {"pyside6-essentials", "cryptography", "pillow", "av", "numpy"} <= names
    licences = {table.item(row, 0).text(): table.item(row, 2).text() for row in range(table.rowCount())}
    assert "LGPL-3.0" in licences["PySide6_Essentials"]
    assert distinct_colours(grab(dialog, shots / "about.png")) > 3
    dialog.close()
