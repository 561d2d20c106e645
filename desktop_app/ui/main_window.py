"""The main window: the workspace status on the left, the custody log in the middle.

The window owns no services: the composition root passes in the workspace, the settings and their
file, the worker pool and the auto-lock controller. Every read and every slow action goes through
the pool; the result comes back as a snapshot or a verification that the widgets render.
"""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.core.storage.custody_log import Verification
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.checkpoint_export import CheckpointExport, default_file_name, export_checkpoint
from desktop_app.ui.dialogs.change_passphrase import ChangePassphraseDialog
from desktop_app.ui.dialogs.settings_dialog import SettingsDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.models.custody_log import CustodyLogModel, LogRow, rows_from_events
from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget
from desktop_app.ui.widgets.workspace_status import WorkspaceStatusWidget
from desktop_app.ui.worker import WorkerPool
from desktop_app.ui.workspace_snapshot import WorkspaceSnapshot, load_snapshot

_LOG_PAGE, _LOCKED_PAGE = 0, 1
STATUS_MESSAGE_MS = 8000
# The custody log must be checkpointed at least daily (issue 2, security.md §3.4) even when the app
# stays open for days; checking hourly keeps the worst-case age at 25 hours of activity.
CHECKPOINT_CHECK_MS = 60 * 60 * 1000


def _locked_page(unlock: QPushButton) -> QWidget:
    page = QWidget()
    card = QFrame()
    card.setProperty("role", "card")
    card.setMaximumWidth(440)
    title = QLabel("Workspace locked")
    title.setProperty("role", "title")
    hint = QLabel("Evidence and the custody log stay hidden and encrypted until you unlock the workspace.")
    hint.setWordWrap(True)
    hint.setProperty("role", "hint")
    inner = QVBoxLayout(card)
    inner.setContentsMargins(28, 24, 28, 24)
    inner.setSpacing(12)
    inner.addWidget(title)
    inner.addWidget(hint)
    inner.addWidget(unlock, 0, Qt.AlignmentFlag.AlignLeft)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 2)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    return page


def _load_for_view(workspace: Workspace) -> tuple[WorkspaceSnapshot, list[LogRow]]:
    """Runs in the worker: read the workspace and format the table rows there too."""
    snapshot = load_snapshot(workspace)
    return snapshot, rows_from_events(snapshot.events)


class MainWindow(QMainWindow):
    """Where the reviewer lives: status, custody log, verification, lock, settings.

    Args:
        workspace: The open (normally unlocked) workspace.
        settings: The current app settings.
        settings_path: Where settings are saved.
        pool: Runs every slow or database-reading action.
        auto_lock: Emits ``idle_timed_out`` when the reviewer has been away; the window locks then.
        verification: The verification done while unlocking, shown until the next one.
        parent: The parent widget.
    """

    workspace_locked = Signal()
    workspace_unlocked = Signal()
    snapshot_loaded = Signal(object)
    verification_finished = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        settings: AppSettings,
        settings_path: Path,
        pool: WorkerPool,
        auto_lock: AutoLockController,
        verification: Verification | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.settings = settings
        self._settings_path = settings_path
        self._pool = pool
        self._auto_lock = auto_lock
        # Bumped on every lock: a read that started before the lock must not repaint decrypted rows.
        self._generation = 0
        self.unlock_dialog: UnlockDialog | None = None
        self.snapshot: WorkspaceSnapshot | None = None
        self.setWindowTitle(f"{APP_NAME} — workspace {workspace.workspace_id.hex()[:8]}")
        self.resize(1280, 780)

        self.log_model = CustodyLogModel(self)
        self.status_panel = WorkspaceStatusWidget(workspace.workspace_id.hex())
        self.log_view = CustodyLogWidget(self.log_model)
        self.log_view.verify_requested.connect(self.verify_log)
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setProperty("role", "primary")
        self.unlock_button.clicked.connect(lambda: self.show_unlock_dialog())
        self.pages = QStackedWidget()
        self.pages.addWidget(self.log_view)
        self.pages.addWidget(_locked_page(self.unlock_button))
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status_panel)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._build_menus()

        auto_lock.idle_timed_out.connect(self._idle_timed_out)
        self.checkpoint_timer = QTimer(self)
        self.checkpoint_timer.setInterval(CHECKPOINT_CHECK_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint_if_due)
        self.checkpoint_timer.start()
        if verification is not None:
            self.status_panel.show_verification(verification, datetime.now(UTC))
        if workspace.is_unlocked:
            self._show_unlocked()
        else:
            self._show_locked()

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&Workspace")
        self.lock_action = QAction("&Lock", self, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.lock_workspace())
        self.change_passphrase_action = QAction("Change &passphrase…", self)
        self.change_passphrase_action.triggered.connect(self.change_passphrase)
        self.export_action = QAction("&Export checkpoint…", self)
        self.export_action.triggered.connect(lambda: self.export_checkpoint())
        self.settings_action = QAction("&Settings…", self, shortcut=QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (self.lock_action, self.change_passphrase_action, self.export_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the log and the status in a worker (after every action)."""
        if not self.workspace.is_unlocked:
            return
        generation = self._generation
        worker = self._pool.run(_load_for_view, self.workspace)
        worker.result.connect(lambda loaded: self._snapshot_loaded(*loaded, generation))
        worker.error.connect(self._action_failed)

    def _snapshot_loaded(self, snapshot: WorkspaceSnapshot, rows: list[LogRow], generation: int) -> None:
        if generation != self._generation or not snapshot.unlocked:
            return  # the workspace locked while this was read: show nothing decrypted
        self.snapshot = snapshot
        self.log_model.set_rows(rows)
        self.log_view.show_read_problem(snapshot.read_problem)
        self.status_panel.show_snapshot(snapshot)
        self.snapshot_loaded.emit(snapshot)

    # -- actions -------------------------------------------------------------------------------

    def verify_log(self) -> None:
        """Verify the custody log in a worker, show the outcome, then refresh."""
        self.log_view.verify_button.setEnabled(False)
        self.status_panel.show_verifying()
        worker = self._pool.run(self.workspace.verify_log)
        worker.result.connect(self._verified)
        worker.error.connect(self._verification_failed)
        worker.finished.connect(lambda: self.log_view.verify_button.setEnabled(self.workspace.is_unlocked))
        worker.finished.connect(self.refresh)

    def checkpoint_if_due(self) -> None:
        """Sign the daily checkpoint in a worker if it is due (the timer calls this hourly)."""
        if self.workspace.is_unlocked:
            worker = self._pool.run(self.workspace.checkpoint_if_due)
            worker.error.connect(self._action_failed)
            worker.result.connect(lambda note: note and self.refresh())

    def _verified(self, verification: Verification) -> None:
        self.status_panel.show_verification(verification, datetime.now(UTC))
        self.statusBar().showMessage(
            "Custody log verified: intact." if verification.ok else "Custody log verification found a problem.",
            STATUS_MESSAGE_MS,
        )
        self.verification_finished.emit(verification)

    def _verification_failed(self, exc: BaseException) -> None:
        self.status_panel.show_verification_error(
            exc.message
            if isinstance(exc, EvidenceDeskError)
            else "An unexpected error stopped it; see the crash report."
        )

    def _action_failed(self, exc: BaseException) -> None:
        # Unexpected errors already went to the crash dialog through the worker bridge.
        if isinstance(exc, EvidenceDeskError):
            self.statusBar().showMessage(exc.message, STATUS_MESSAGE_MS)

    def lock_workspace(self, reason: str = "") -> None:
        """Lock now: drop the keys, clear decrypted rows, hide the views, ask for the passphrase."""
        # Synchronous on purpose: locking is one small write and a checkpoint, and the keys must be
        # gone before anything else happens (a worker would leave them in memory a little longer).
        self.workspace.lock()
        self._show_locked()
        self.workspace_locked.emit()
        self.show_unlock_dialog(reason)

    def _idle_timed_out(self) -> None:
        minutes = self._auto_lock.minutes
        reason = (
            f"Locked after {minutes} idle minute{'s' if minutes != 1 else ''}."
            if minutes
            else ("Locked after a period without activity.")
        )
        self.lock_workspace(reason)

    def show_unlock_dialog(self, reason: str = "") -> None:
        """Show the unlock dialog (window-modal, non-blocking); a second call just raises it."""
        if self.unlock_dialog is not None:
            if self.unlock_dialog.isVisible():
                self.unlock_dialog.raise_()
                return
            self.unlock_dialog.deleteLater()
        dialog = UnlockDialog(self.workspace, self._pool, reason=reason, parent=self)
        dialog.accepted.connect(lambda: self._unlocked_by(dialog))
        self.unlock_dialog = dialog
        dialog.open()

    def _unlocked_by(self, dialog: UnlockDialog) -> None:
        if dialog.verification is not None:
            self.status_panel.show_verification(dialog.verification, datetime.now(UTC))
        self._show_unlocked()
        self.workspace_unlocked.emit()

    def _show_unlocked(self) -> None:
        self.pages.setCurrentIndex(_LOG_PAGE)
        self._set_actions_enabled(True)
        self._auto_lock.start()
        self.refresh()

    def _show_locked(self) -> None:
        # Other dialogs (settings, change passphrase) have no business over a locked window.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self.unlock_dialog:
                dialog.reject()
        self._generation += 1
        self._auto_lock.stop()
        self.log_model.clear()
        self.log_view.show_read_problem(None)
        self.snapshot = None
        self.status_panel.show_locked()
        self.pages.setCurrentIndex(_LOCKED_PAGE)
        self._set_actions_enabled(False)

    def _set_actions_enabled(self, unlocked: bool) -> None:
        for action in (self.lock_action, self.change_passphrase_action, self.export_action):
            action.setEnabled(unlocked)
        self.log_view.verify_button.setEnabled(unlocked)

    def change_passphrase(self) -> None:
        """Open the change-passphrase dialog."""
        dialog = ChangePassphraseDialog(self.workspace, self._pool, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("Passphrase changed.", STATUS_MESSAGE_MS))
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def open_settings(self) -> SettingsDialog:
        """Open Settings; saved changes take effect at once."""
        dialog = SettingsDialog(self.settings, self._settings_path, self.workspace, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self, settings: AppSettings) -> None:
        self.settings = settings
        self._auto_lock.set_minutes(settings.auto_lock_minutes)
        self.refresh()

    def export_checkpoint(self, path: Path | None = None) -> None:
        """Write the latest signed checkpoint and the verifier key to ``path`` (asks when None)."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                "Export checkpoint",
                str(Path.home() / default_file_name(self.workspace)),
                "Checkpoint (*.txt);;All files (*)",
            )
            if not chosen:
                return
            path = Path(chosen)
        worker = self._pool.run(export_checkpoint, self.workspace, path)
        worker.result.connect(self._exported)
        worker.error.connect(self._export_failed)
        worker.finished.connect(self.refresh)

    def _exported(self, export: CheckpointExport) -> None:
        self.statusBar().showMessage(f"Checkpoint exported to {export.path}", STATUS_MESSAGE_MS)

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            QMessageBox.warning(self, "Export checkpoint", exc.message)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<p>Preserve evidence, keep a tamper-evident custody log and "
            "report child sexual exploitation to NCMEC's CyberTipline.</p>"
            f"<p>Verifier key of this workspace:<br><code>{self.workspace.verifier_key()}</code></p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the idle timer; the composition root closes (and seals) the workspace after the loop."""
        self._auto_lock.stop()
        if self.unlock_dialog is not None:
            self.unlock_dialog.close()
        super().closeEvent(event)
