"""The main window's Workspace and Help menus, and the dialogs they open.

``WindowMenus`` builds the menus, enables what needs the keys only while the workspace is unlocked,
and opens the workspace dialogs (change passphrase, reviewers, settings, the CyberTipline
connection, the checkpoint export, About). The window keeps only the wiring: it passes in what the
dialogs need and listens to ``message`` (status bar), ``changed`` (re-read the log: each of these
is a custody event) and ``settings_saved``.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from desktop_app import APP_NAME
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.checkpoint_export import CheckpointExport, default_file_name, export_checkpoint
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.about import AboutDialog, shipped_components
from desktop_app.ui.dialogs.change_passphrase import ChangePassphraseDialog
from desktop_app.ui.dialogs.cybertipline_dialog import CyberTiplineDialog
from desktop_app.ui.dialogs.settings_dialog import SettingsDialog
from desktop_app.ui.intake import IntakeController
from desktop_app.ui.reviewers.dialog import ReviewersDialog
from desktop_app.ui.session import SessionController
from desktop_app.ui.worker import WorkerPool


class WindowMenus(QObject):
    """The Workspace and Help menus of ``window`` and the dialogs behind them.

    Args:
        window: The main window: its menu bar gets the menus, the dialogs are its children.
        workspace: The workspace the dialogs act on.
        pool: Runs the dialogs' slow work (key derivation, the export).
        session: Locks the workspace (Workspace → Lock).
        intake: Adds files, folders, manifests and text items (the first four entries).
        settings: The current settings, read at each use (they change while the app runs).
        settings_path: Where the settings dialogs save.
        cybertipline: The NCMEC connection; None disables its entry.
        practice: The practice submissions the connection dialog offers to clear, if any.
        keyring_available: Whether the About dialog says the OS keyring is missing.

    Signals:
        message(str): something for the status bar.
        changed(): a dialog wrote to the workspace (the log and the status are stale).
        settings_saved(AppSettings): saved settings, to take effect at once.
        credentials_saved(): the CyberTipline credentials changed.
    """

    message = Signal(str)
    changed = Signal()
    settings_saved = Signal(object)
    credentials_saved = Signal()

    def __init__(
        self,
        window: QMainWindow,
        workspace: Workspace,
        pool: WorkerPool,
        session: SessionController,
        intake: IntakeController,
        settings: Callable[[], AppSettings],
        settings_path: Path,
        cybertipline: CyberTiplineService | None,
        practice: PracticeEndpoint | None,
        keyring_available: bool,
    ) -> None:
        super().__init__(window)
        self._window, self._workspace, self._pool = window, workspace, pool
        self._settings, self._settings_path = settings, settings_path
        self._cybertipline, self._practice = cybertipline, practice
        self._keyring_available = keyring_available
        self.lock_action = QAction("&Lock", window, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: session.lock())
        self.change_passphrase_action = QAction("Change &passphrase…", window)
        self.change_passphrase_action.triggered.connect(self.change_passphrase)
        self.reviewers_action = QAction("&Reviewers…", window)
        self.reviewers_action.triggered.connect(lambda: self.open_reviewers())
        self.export_action = QAction("&Export checkpoint…", window)
        self.export_action.triggered.connect(lambda: self.export_checkpoint())
        preferences = QKeySequence(QKeySequence.StandardKey.Preferences)
        self.settings_action = QAction("&Settings…", window, shortcut=preferences)
        self.settings_action.triggered.connect(self.open_settings)
        self.cybertipline_action = QAction("&CyberTipline connection…", window)
        self.cybertipline_action.triggered.connect(lambda: self.open_cybertipline_connection())
        self.cybertipline_action.setEnabled(cybertipline is not None)
        self.intake_actions: list[QAction] = []
        for text, shortcut, slot in (
            ("Add &files…", "Ctrl+O", lambda: intake.add_files(window)),
            ("Add f&older…", "Ctrl+Shift+O", lambda: intake.add_folder(window)),
            ("Import &manifest…", "", lambda: intake.import_manifest(window)),
            ("Add &text item…", "Ctrl+T", lambda: intake.add_text(window)),
        ):
            action = QAction(text, window, shortcut=QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.intake_actions.append(action)
        self._build()

    def _build(self) -> None:
        menu = self._window.menuBar().addMenu("&Workspace")
        menu.addActions(self.intake_actions)
        menu.addSeparator()
        menu.addActions([self.lock_action, self.change_passphrase_action, self.reviewers_action, self.export_action])
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addAction(self.cybertipline_action)
        menu.addSeparator()
        quit_action = QAction("&Quit", self._window, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self._window.close)
        menu.addAction(quit_action)
        help_menu = self._window.menuBar().addMenu("&Help")
        about = QAction(f"&About {APP_NAME}", self._window)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def set_unlocked(self, unlocked: bool) -> None:
        """Enable what needs the keys only while the workspace is unlocked."""
        for action in (self.lock_action, self.change_passphrase_action, self.export_action, *self.intake_actions):
            action.setEnabled(unlocked)
        self.reviewers_action.setEnabled(unlocked)
        # Checking and switching the connection are custody events: nothing to write them into while locked.
        self.cybertipline_action.setEnabled(unlocked and self._cybertipline is not None)

    # -- the dialogs -----------------------------------------------------------------------------

    def change_passphrase(self) -> None:
        """Open the change-passphrase dialog."""
        dialog = ChangePassphraseDialog(self._workspace, self._pool, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.message.emit("Passphrase changed."))
        dialog.accepted.connect(self.changed)
        dialog.open()

    def open_reviewers(self) -> ReviewersDialog:
        """Open the Reviewers dialog (list, add, remove); the log view follows what it records."""
        dialog = ReviewersDialog(self._workspace, self._pool, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self.changed)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        """Open Settings; saved changes take effect at once."""
        dialog = SettingsDialog(self._settings(), self._settings_path, self._workspace, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self.settings_saved)
        dialog.open()
        return dialog

    def open_cybertipline_connection(self) -> CyberTiplineDialog | None:
        """Open the CyberTipline connection dialog (NCMEC address and credentials)."""
        if self._cybertipline is None:
            return None
        dialog = CyberTiplineDialog(
            self._cybertipline, self._settings(), self._settings_path, self._pool, self._window, practice=self._practice
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setModal(True)
        dialog.settings_saved.connect(self.settings_saved)
        dialog.credentials_saved.connect(self.credentials_saved)
        dialog.show()
        return dialog

    def export_checkpoint(self, path: Path | None = None) -> None:
        """Write the latest signed checkpoint and the verifier key to ``path`` (asks when None)."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self._window,
                "Export checkpoint",
                str(Path.home() / default_file_name(self._workspace)),
                "Checkpoint (*.txt);;All files (*)",
            )
            if not chosen:
                return
            path = Path(chosen)
        worker = self._pool.run(export_checkpoint, self._workspace, path, context=self)
        worker.result.connect(self._exported)
        worker.error.connect(self._export_failed)
        worker.finished.connect(self.changed)

    def _exported(self, export: CheckpointExport) -> None:
        self.message.emit(f"Checkpoint exported to {export.path}")

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            QMessageBox.warning(self._window, "Export checkpoint", exc.message)

    def about(self) -> AboutDialog:
        """Open the About dialog (versions, the workspace's files, the verifier key)."""
        dialog = AboutDialog(
            self._workspace.paths,
            shipped_components(),
            self._keyring_available,
            self._workspace.verifier_key(),
            self._window.windowIcon(),
            self._window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
