"""The About dialog: the version, where this reviewer's data lives, the OS keyring, and what ships inside.

Support and counsel ask these questions first ("which version?", "where are the files?", "why is
the witness copy missing?"), so the answers are selectable text, and every bundled component is
listed with its licence (a frozen build carries the list, see ``core/platform/components.py``).
"""

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.core.platform.components import Component, bundled_components
from desktop_app.core.platform.paths import AppPaths

KEYRING_MISSING = (
    "No OS keyring was found on this computer (on Linux: GNOME Keyring or KWallet through the Secret "
    "Service). Evidence Desk keeps working, but it cannot keep the second copy of each checkpoint "
    "there, nor save CyberTipline credentials. Install or unlock a keyring and restart the app."
)
# PyInstaller unpacks data files under sys._MEIPASS; from a source tree they sit beside the package.
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[3])) / "resources"
KEYRING_PRESENT = "The OS keyring holds a second copy of each checkpoint and the CyberTipline credentials."


def shipped_components() -> list[Component]:
    """What this installation bundles (the frozen build's list, else the installed packages)."""
    return bundled_components(RESOURCES)


def keyring_notice(show_details: Callable[[], object]) -> QPushButton:
    """A quiet, permanent status-bar note that the OS keyring is missing; it opens the details."""
    button = QPushButton("No OS keyring: what this means")
    button.setProperty("role", "link")
    button.setToolTip(KEYRING_MISSING)
    button.clicked.connect(show_details)
    return button


def _label(text: str, role: str = "", selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """Version, data folders, keyring status and bundled components with their licences.

    Args:
        paths: The profile's folders.
        components: The bundled components (``bundled_components``).
        keyring_available: Whether the OS keyring is in use.
        verifier_key: The open workspace's verifier key, for checking exported checkpoints.
        icon: The application icon.
        parent: The owning widget.
    """

    def __init__(
        self,
        paths: AppPaths,
        components: list[Component],
        keyring_available: bool,
        verifier_key: str = "",
        icon: QIcon | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.paths = paths
        layout = QVBoxLayout(self)
        header = QGridLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(56, 56))
            header.addWidget(picture, 0, 0, 2, 1)
        header.addWidget(_label(f"{APP_NAME} {__version__}", "title", selectable=True), 0, 1)
        header.addWidget(
            _label("Preserve evidence, keep a tamper-evident custody log and report child sexual exploitation "
                   "to NCMEC's CyberTipline.", "hint"),
            1, 1,
        )  # fmt: skip
        header.setColumnStretch(1, 1)
        layout.addLayout(header)

        layout.addWidget(_label("WHERE YOUR DATA LIVES", "section"))
        folders = QGridLayout()
        for row, (name, folder) in enumerate(
            (
                ("Workspace", paths.workspace),
                ("Settings", paths.config),
                ("Logs", paths.logs),
                ("Anchors", paths.anchors),
            )
        ):
            folders.addWidget(_label(name, "field-name"), row, 0)
            folders.addWidget(_label(str(folder), selectable=True), row, 1)
        folders.setColumnStretch(1, 1)
        layout.addLayout(folders)
        if verifier_key:
            layout.addWidget(_label(f"Verifier key of this workspace: {verifier_key}", "hint", selectable=True))

        layout.addWidget(_label("OS KEYRING", "section"))
        self.keyring_label = _label(KEYRING_PRESENT if keyring_available else KEYRING_MISSING,
                                    "ok" if keyring_available else "notice")  # fmt: skip
        layout.addWidget(self.keyring_label)

        layout.addWidget(_label(f"BUNDLED COMPONENTS ({len(components)})", "section"))
        self.components_table = QTableWidget(len(components), 3)
        self.components_table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        for row, component in enumerate(components):
            for column, text in enumerate((component.name, component.version, component.licence)):
                item = QTableWidgetItem(text)
                item.setToolTip(component.url or text)
                self.components_table.setItem(row, column, item)
        header_view = self.components_table.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.components_table.verticalHeader().setVisible(False)
        self.components_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.components_table.setMinimumHeight(180)
        self.components_table.setCurrentCell(-1, -1)  # no focus frame on the first cell when the table has focus
        layout.addWidget(self.components_table, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        open_logs = QPushButton("Open log folder")
        open_logs.clicked.connect(lambda: self.open_folder(paths.logs))
        buttons.addButton(open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        layout.addWidget(buttons)
        self.resize(720, 600)

    @staticmethod
    def open_folder(folder: Path) -> None:
        """Show ``folder`` in the desktop's file manager (it holds no evidence: logs never do)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
