"""The main window: the workspace status on the left; the intake queue and the custody log as tabs.

The window owns no services: the composition root passes in the workspace, the item service, the
preview fetcher (the sandboxed decoders), the settings and their file, the worker pool and the
auto-lock controller. Every read and every slow action goes through a pool; decoding has a pool of
its own so pictures never wait behind an import. Files and folders dropped anywhere on the window
are imported.
"""

import logging
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.submission import Environment
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.recipients import RecipientBook
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.core.storage.custody_log import Verification
from desktop_app.core.storage.vault import VaultVerification
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.bundles.controller import BundleActions
from desktop_app.ui.checkpoint_export import CheckpointExport, default_file_name, export_checkpoint
from desktop_app.ui.custody.alerts import CustodyAlertController
from desktop_app.ui.custody.controller import CustodyController
from desktop_app.ui.custody.names import item_names
from desktop_app.ui.dialogs.about import AboutDialog, keyring_notice, shipped_components
from desktop_app.ui.dialogs.change_passphrase import ChangePassphraseDialog
from desktop_app.ui.dialogs.cybertipline_dialog import CyberTiplineDialog
from desktop_app.ui.dialogs.settings_dialog import SettingsDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.intake import DropImporter, IntakeController, IntakePort
from desktop_app.ui.lists.lists_page import ListsPage
from desktop_app.ui.models.custody_log import CustodyLogModel, LogRow, rows_from_events
from desktop_app.ui.report.queue_link import QueueReportLink
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.review import ItemsPort, ReviewController
from desktop_app.ui.submission.controller import SubmissionController, environment_for
from desktop_app.ui.thumbnails import PreviewFetcher
from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget
from desktop_app.ui.widgets.locked_page import locked_page
from desktop_app.ui.widgets.page_tabs import PageTabsWidget
from desktop_app.ui.widgets.workspace_status import WorkspaceStatusWidget, sweep_text
from desktop_app.ui.worker import Worker, WorkerPool
from desktop_app.ui.workspace_snapshot import WorkspaceSnapshot, load_snapshot

_UNLOCKED_PAGE, _LOCKED_PAGE = 0, 1
QUEUE_TAB, LOG_TAB = 0, 1
log = logging.getLogger(__name__)

STATUS_MESSAGE_MS = 8000
# The custody log must be checkpointed at least daily (issue 2, security.md §3.4) even when the app
# stays open for days; checking hourly keeps the worst-case age at 25 hours of activity.
CHECKPOINT_CHECK_MS = 60 * 60 * 1000


def _load_for_view(workspace: Workspace, items: ItemsPort) -> tuple[WorkspaceSnapshot, list[LogRow]]:
    """Runs in the worker: read the workspace and format the table rows there too (items by name)."""
    snapshot = load_snapshot(workspace)
    return snapshot, rows_from_events(
        snapshot.events, item_names(items) if snapshot.unlocked and not snapshot.read_problem else None
    )


class ItemServicePort(ItemsPort, IntakePort, Protocol):
    """Everything the window drives through the item service."""


class MainWindow(QMainWindow):
    """Where the reviewer lives: status, the queue, the custody log, verification, lock, settings.

    Args:
        workspace: The open (normally unlocked) workspace.
        settings: The current app settings.
        settings_path: Where settings are saved.
        pool: Runs every slow or database-reading action.
        auto_lock: Emits ``idle_timed_out`` when the reviewer has been away; the window locks then.
        items: The item service (intake, listing, states, reveals).
        fetch: Decodes an item's previews in the sandbox; None shows no pictures at all.
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
        items: ItemServicePort,
        fetch: PreviewFetcher | None,
        verification: Verification | None = None,
        parent: QWidget | None = None,
        reports: ReportService | None = None,
        cybertipline: CyberTiplineService | None = None,
        submissions: SubmissionService | None = None,
        keyring_available: bool = True,
        hashlists: HashListService | None = None,
        bundles: BundleService | None = None,
        recipients: RecipientBook | None = None,
    ) -> None:
        super().__init__(parent)
        self.keyring_available = keyring_available
        self.workspace = workspace
        self.settings = settings
        self._settings_path = settings_path
        self._pool = pool
        self._auto_lock = auto_lock
        self.cybertipline = cybertipline
        # Bumped on every lock: a read that started before the lock must not repaint decrypted rows.
        self._generation = 0
        self.unlock_dialog: UnlockDialog | None = None
        self.snapshot: WorkspaceSnapshot | None = None
        self.setWindowTitle(f"{APP_NAME} — workspace {workspace.workspace_id.hex()[:8]}")
        self.resize(1560, 920)
        self.setAcceptDrops(True)  # what is dropped anywhere is imported (``DropImporter``)
        # Decoding previews gets its own threads: one for thumbnails, one for the viewer.
        self.media_pool = WorkerPool(2, self)
        self.review = ReviewController(items, fetch, pool, self.media_pool, settings, self)
        self.review.message.connect(self._show_message)
        self.queue_page = self.review.page
        self.intake = IntakeController(items, pool, self.review, self.queue_page.progress, self)
        self.intake.message.connect(self._show_message)
        # An import adds thousands of log entries; re-reading them (and re-sorting the log table)
        # is only worth it when the log is looked at.
        self._log_stale = False
        self.intake.import_finished.connect(lambda _: self._refresh_log_when_seen())
        self.drops = DropImporter(lambda: workspace.is_unlocked, self._import_dropped, self)
        self.installEventFilter(self.drops)

        self.log_model = CustodyLogModel(self)
        self.status_panel = WorkspaceStatusWidget(workspace.workspace_id.hex())
        self.log_view = CustodyLogWidget(self.log_model)
        self.log_view.verify_requested.connect(self.verify_log)
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setProperty("role", "primary")
        self.unlock_button.clicked.connect(lambda: self.show_unlock_dialog())
        self.tabs = PageTabsWidget()  # see widgets/page_tabs.py: no whole-page repaint per re-layout
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.queue_page, "Queue")
        self.tabs.addTab(self.log_view, "Custody log")
        self.reports_page: ReportsPage | None = None
        self.submissions: SubmissionController | None = None
        if reports is not None and submissions is not None:
            self.submissions = SubmissionController(submissions, pool, self, self._submission_environment, reports)
            self.submissions.status_changed.connect(self._refresh_log_when_seen)  # each step is a custody event
        if reports is not None:
            self.reports_page = ReportsPage(reports, pool, cybertipline=cybertipline, submissions=self.submissions)
            self.reports_page.message.connect(self._show_message)
            self.tabs.addTab(self.reports_page, "Reports")
            page = self.reports_page
            self.report_link = QueueReportLink(
                self.review, page, workspace, pool, lambda: self.tabs.setCurrentWidget(page), self
            )
            self.report_link.message.connect(self._show_message)
            if self.submissions is not None:  # a finished submission moves its items to Reported
                self.submissions.status_changed.connect(lambda _: self.report_link.report_filed())
        self.custody = CustodyController(workspace, items, pool, self.review.queue, self.reports_page, self)
        self.custody.message.connect(self._show_message)
        self.custody.exported.connect(lambda _: self._refresh_log_when_seen())  # the export is an event
        self.lists_page: ListsPage | None = None
        if hashlists is not None:
            self.lists_page = ListsPage(hashlists, pool)
            self.lists_page.message.connect(self._show_message)
            self.tabs.addTab(self.lists_page, "Hash lists")
        # The workspace facts belong with the log; the queue gets the whole width.
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(locked_page(self.unlock_button))
        # Detected tampering and a damaged recovery slot stand above every page until resolved.
        self.custody_alerts = CustodyAlertController(workspace, pool, self)
        self.custody_alerts.message.connect(self._show_message)
        self.custody_alerts.acknowledged.connect(self.verify_log)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.custody_alerts.widget)
        column.addWidget(self.pages, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status_panel)
        layout.addLayout(column, 1)
        self.setCentralWidget(central)
        # Made now, not by the first message: making it later re-lays out and repaints the window.
        self.statusBar()
        if not keyring_available:
            self.statusBar().addPermanentWidget(keyring_notice(self._about))
        self._build_menus()
        self.bundle_actions: BundleActions | None = None  # the Bundles menu, a report's "Export bundle…", backups
        if bundles is not None and recipients is not None:
            self.bundle_actions = BundleActions(
                self, workspace, bundles, recipients, pool, lambda: self.settings, self.reports_page
            )
            self.bundle_actions.message.connect(self._show_message)
            self.bundle_actions.install(self.menuBar(), self.workspace_unlocked, self.workspace_locked)
        for button, action in zip(self.queue_page.intake_buttons(), self.intake_actions, strict=True):
            button.clicked.connect(action.trigger)

        auto_lock.idle_timed_out.connect(self._idle_timed_out)
        self.checkpoint_timer = QTimer(self)
        self.checkpoint_timer.setInterval(CHECKPOINT_CHECK_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint_if_due)
        self.checkpoint_timer.start()
        self._log_alert = ""
        self._sweep_alert = ""
        self._vault_alert = ""
        self._vault_worker: Worker | None = None
        if verification is not None:
            self._show_verification(verification)
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
        self.settings_action = QAction("&Settings…", self, shortcut=QKeySequence(QKeySequence.StandardKey.Preferences))
        self.settings_action.triggered.connect(self.open_settings)
        self.cybertipline_action = QAction("&CyberTipline connection…", self)
        self.cybertipline_action.triggered.connect(lambda: self.open_cybertipline_connection())
        self.cybertipline_action.setEnabled(self.cybertipline is not None)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        self.intake_actions = []
        for text, shortcut, slot in (
            ("Add &files…", "Ctrl+O", lambda: self.intake.add_files(self)),
            ("Add f&older…", "Ctrl+Shift+O", lambda: self.intake.add_folder(self)),
            ("Import &manifest…", "", lambda: self.intake.import_manifest(self)),
            ("Add &text item…", "Ctrl+T", lambda: self.intake.add_text(self)),
        ):
            action = QAction(text, self, shortcut=QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.intake_actions.append(action)
        menu.addSeparator()
        for action in (self.lock_action, self.change_passphrase_action, self.export_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addAction(self.cybertipline_action)
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
        worker = self._pool.run(_load_for_view, self.workspace, self.review.items, context=self)
        worker.result.connect(partial(self._snapshot_loaded, generation))
        worker.error.connect(self._action_failed)

    def _snapshot_loaded(self, generation: int, loaded: tuple[WorkspaceSnapshot, list[LogRow]]) -> None:
        snapshot, rows = loaded
        if generation != self._generation or not snapshot.unlocked:
            return  # the workspace locked while this was read: show nothing decrypted
        self.snapshot = snapshot
        self.log_model.set_rows(rows)
        self.log_view.show_read_problem(snapshot.read_problem)
        self.status_panel.show_snapshot(snapshot)
        self._sweep_alert = sweep_text(snapshot.sweep)
        self._update_alert()
        self.custody_alerts.update()
        self.snapshot_loaded.emit(snapshot)

    # -- actions -------------------------------------------------------------------------------

    def verify_log(self) -> None:
        """Verify the custody log in a worker, show the outcome, then refresh."""
        self.log_view.verify_button.setEnabled(False)
        self.status_panel.show_verifying()
        worker = self._pool.run(self.workspace.verify_log, context=self)
        worker.result.connect(self._verified)
        worker.error.connect(self._verification_failed)
        worker.finished.connect(self._verification_ended)

    def _verification_ended(self) -> None:
        self.log_view.verify_button.setEnabled(self.workspace.is_unlocked)
        self.refresh()

    def verify_vault(self) -> None:
        """Authenticate every evidence blob in the background, with progress in the status panel."""
        if self._vault_worker is not None or not self.workspace.is_unlocked:
            return
        token = CancelToken()  # checked between blobs; locking cancels it
        worker = Worker(self.workspace.verify_vault, token, cancel=token, context=self)
        worker.progress.connect(self.status_panel.show_vault_progress)
        worker.result.connect(self._vault_verified)
        worker.error.connect(
            lambda exc: self.status_panel.show_vault_error(
                exc.message if isinstance(exc, EvidenceDeskError) else "An unexpected error stopped it."
            )
        )
        worker.finished.connect(self._vault_finished)
        self._vault_worker = self._pool.start(worker)

    def _vault_verified(self, result: VaultVerification) -> None:
        self.status_panel.show_vault(result, datetime.now(UTC))
        self._vault_alert = "" if result.ok else "Evidence files failed verification."
        self._update_alert()

    def _vault_finished(self) -> None:
        self._vault_worker = None

    def checkpoint_if_due(self) -> None:
        """Sign the daily checkpoint in a worker if it is due (the timer calls this hourly)."""
        if self.workspace.is_unlocked:
            worker = self._pool.run(self.workspace.checkpoint_if_due, context=self)
            worker.error.connect(self._action_failed)
            worker.result.connect(self._checkpoint_signed)

    def _checkpoint_signed(self, note: object) -> None:
        if note:
            self.refresh()

    def _show_verification(self, verification: Verification) -> None:
        self.status_panel.show_verification(verification, datetime.now(UTC))
        self._log_alert = "" if verification.ok else "The custody log failed verification."
        self._update_alert()
        self.custody_alerts.update()

    def _update_alert(self) -> None:
        # What the status panel warns about must not go unseen while the queue hides the panel.
        alerts = [text for text in (self._log_alert, self._sweep_alert, self._vault_alert) if text]
        self.queue_page.show_alert(" ".join(alerts) + " See the Custody log tab." if alerts else "")

    def _verified(self, verification: Verification) -> None:
        if verification.ok:
            log.info("custody log verified: %d entries, %d checkpoints", verification.entries, verification.checkpoints)
        else:
            log.warning("custody log verification failed at entry %s", verification.first_bad_seq)
        self._show_verification(verification)
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

    def _show_message(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def lock_workspace(self, reason: str = "") -> None:
        """Lock now: drop the keys, clear decrypted rows, hide the views, ask for the passphrase."""
        # An import stops at its next file; what it finished stays, consistent (one transaction each).
        self.intake.cancel()
        if self._vault_worker is not None:
            self._vault_worker.cancel()  # the pass stops at its next blob; keys go with the lock
        if self.reports_page is not None:
            self.reports_page.flush()  # the draft being typed is saved (encrypted) before the keys go
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
        log.info("workspace unlocked")
        if dialog.verification is not None:
            self._show_verification(dialog.verification)
        self._show_unlocked()
        self.workspace_unlocked.emit()

    def _refresh_log_when_seen(self) -> None:
        if self.tabs.currentIndex() == LOG_TAB:
            self.refresh()
        else:
            self._log_stale = True

    def _tab_changed(self, index: int) -> None:
        self._update_status_panel()
        if index == LOG_TAB and self._log_stale:
            self._log_stale = False
            self.refresh()

    def _update_status_panel(self) -> None:
        locked = self.pages.currentIndex() == _LOCKED_PAGE
        self.status_panel.setVisible(locked or self.tabs.currentIndex() == LOG_TAB)

    def _show_unlocked(self) -> None:
        self.pages.setCurrentIndex(_UNLOCKED_PAGE)
        self._update_status_panel()
        self._set_actions_enabled(True)
        self.custody_alerts.update()
        self._auto_lock.start()
        self.refresh()
        self.review.start()
        self.intake.retry_analysis()
        if self.reports_page is not None:
            self.reports_page.reload()
        if self.lists_page is not None:
            self.lists_page.reload()
        self.verify_vault()
        if self.submissions is not None:
            self.submissions.offer_resume()  # reports left open at NCMEC, with the time NCMEC keeps them

    def _submission_environment(self) -> Environment:
        credentials = self.cybertipline.credentials if self.cybertipline is not None else None
        return environment_for(self.settings.cybertipline_endpoint, credentials)

    def _show_locked(self) -> None:
        log.info("workspace locked")
        # Other dialogs (settings, change passphrase) have no business over a locked window.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self.unlock_dialog:
                dialog.reject()
        self._generation += 1
        self._auto_lock.stop()
        self.review.clear()  # rows, thumbnails, decoded previews and any revealed picture
        if self.reports_page is not None:
            self.reports_page.clear()
        if self.lists_page is not None:
            self.lists_page.clear()
        self.log_model.clear()
        self.log_view.show_read_problem(None)
        self.snapshot = None
        self.status_panel.show_locked()
        self.pages.setCurrentIndex(_LOCKED_PAGE)
        self._update_status_panel()
        self._set_actions_enabled(False)
        self.custody_alerts.update()

    def _set_actions_enabled(self, unlocked: bool) -> None:
        for action in (self.lock_action, self.change_passphrase_action, self.export_action, *self.intake_actions):
            action.setEnabled(unlocked)
        # Checking and switching the connection are custody events: nothing to write them into while locked.
        self.cybertipline_action.setEnabled(unlocked and self.cybertipline is not None)
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

    def open_cybertipline_connection(self) -> CyberTiplineDialog | None:
        """Open the CyberTipline connection dialog (NCMEC address and credentials)."""
        if self.cybertipline is None:
            return None
        practice = self.submissions.service.practice if self.submissions is not None else None
        dialog = CyberTiplineDialog(
            self.cybertipline, self.settings, self._settings_path, self._pool, self, practice=practice
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setModal(True)
        dialog.settings_saved.connect(self._settings_saved)
        if self.reports_page is not None:
            dialog.credentials_saved.connect(self.reports_page.schema_status.fetch)
        dialog.show()
        return dialog

    def _settings_saved(self, settings: AppSettings) -> None:
        self.settings = settings
        self._auto_lock.set_minutes(settings.auto_lock_minutes)
        self.review.apply_settings(settings)
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
        worker = self._pool.run(export_checkpoint, self.workspace, path, context=self)
        worker.result.connect(self._exported)
        worker.error.connect(self._export_failed)
        worker.finished.connect(self.refresh)

    def _exported(self, export: CheckpointExport) -> None:
        self.statusBar().showMessage(f"Checkpoint exported to {export.path}", STATUS_MESSAGE_MS)

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            QMessageBox.warning(self, "Export checkpoint", exc.message)

    def _about(self) -> AboutDialog:
        dialog = AboutDialog(
            self.workspace.paths,
            shipped_components(),
            self.keyring_available,
            self.workspace.verifier_key(),
            self.windowIcon(),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _import_dropped(self, paths: list[Path]) -> None:
        self.tabs.setCurrentIndex(QUEUE_TAB)
        self.intake.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the idle timer and any import; the composition root closes (and seals) the workspace."""
        self._auto_lock.stop()
        if self.reports_page is not None and self.workspace.is_unlocked:
            self.reports_page.flush()  # the draft being typed is saved before the workspace closes
        self._generation += 1  # reads still in flight must not repaint a closed window
        self.intake.shutdown()
        if self.submissions is not None:
            self.submissions.shutdown()  # quitting must not wait for a long upload; the report stays resumable
        if self.unlock_dialog is not None:
            self.unlock_dialog.close()
        self.review.shutdown()
        self.media_pool.wait_for_done()
        super().closeEvent(event)
