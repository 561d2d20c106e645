"""The main window: the workspace status on the left; the intake queue and the custody log as tabs.

The window owns no services: the composition root passes in the workspace, the item service, the
preview fetcher (the sandboxed decoders), the settings and their file, the worker pool and the
auto-lock controller. Every read and every slow action goes through a pool; decoding has a pool of
its own so pictures never wait behind an import. Files and folders dropped anywhere on the window
are imported.

Locking, unlocking, auto-lock and closing belong to ``SessionController`` (``session.py``): a new
page joins them in ``_wire_session`` (save on ``locking``, clear on ``locked``, reload on
``unlocked``, stop on ``closing``). The log and vault checks belong to ``VerificationController``.
"""

import logging
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
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
from desktop_app.core.domain.verification import Verification
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.checkpoint_export import CheckpointExport, default_file_name, export_checkpoint
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.recipients import RecipientBook
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.services.workspace_snapshot import WorkspaceSnapshot, load_snapshot
from desktop_app.core.settings import AppSettings
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.bundles.controller import BundleActions
from desktop_app.ui.custody.alerts import CustodyAlertController
from desktop_app.ui.custody.controller import CustodyController
from desktop_app.ui.custody.names import item_names
from desktop_app.ui.custody.verification import VerificationController
from desktop_app.ui.dialogs.about import AboutDialog, keyring_notice, shipped_components
from desktop_app.ui.dialogs.change_passphrase import ChangePassphraseDialog
from desktop_app.ui.dialogs.cybertipline_dialog import CyberTiplineDialog
from desktop_app.ui.dialogs.settings_dialog import SettingsDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.intake import DropImporter, IntakeController, IntakePort
from desktop_app.ui.lists.lists_page import ListsPage
from desktop_app.ui.lists.queue_link import ListsQueueLink
from desktop_app.ui.models.custody_log import CustodyLogModel, LogRow, rows_from_events
from desktop_app.ui.report.queue_link import QueueReportLink
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.review import ItemsPort, ReviewController
from desktop_app.ui.reviewers.dialog import ReviewersDialog
from desktop_app.ui.session import SessionController
from desktop_app.ui.submission.controller import SubmissionController, environment_for
from desktop_app.ui.thumbnails import PreviewFetcher
from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget
from desktop_app.ui.widgets.locked_page import locked_page
from desktop_app.ui.widgets.page_tabs import PageTabsWidget
from desktop_app.ui.widgets.workspace_status import WorkspaceStatusWidget, sweep_text
from desktop_app.ui.worker import WorkerPool

_UNLOCKED_PAGE, _LOCKED_PAGE = 0, 1
QUEUE_TAB, LOG_TAB = 0, 1
log = logging.getLogger(__name__)

STATUS_MESSAGE_MS = 8000


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
        # Unlock, lock, auto-lock, the daily checkpoint and closing; pages join in ``_wire_session``.
        self.session = SessionController(workspace, pool, auto_lock, self)
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
        self.unlock_button.clicked.connect(lambda: self.session.show_unlock_dialog())
        self.tabs = PageTabsWidget()  # see widgets/page_tabs.py: no whole-page repaint per re-layout
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.queue_page, "Queue")
        # The workspace facts sit inside the log's tab (and beside the locked page), not beside the
        # tabs: there they pushed the tab strip 300 px right each time the log was shown.
        self.log_tab, self.locked_tab = QWidget(), QWidget()
        for holder, page in ((self.log_tab, self.log_view), (self.locked_tab, locked_page(self.unlock_button))):
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(0)
            row.addWidget(page, 1)
        self.tabs.addTab(self.log_tab, "Custody log")
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
            # Matches in the queue rows and filter, the item's match list, suppressing (ui/lists/queue_link.py).
            self.lists_link = ListsQueueLink(hashlists, self.review, self.lists_page, pool, self)
            self.lists_link.message.connect(self._show_message)
            self.intake.import_finished.connect(lambda _: self.lists_link.match_new())  # matched on import
        # The workspace facts belong with the log; the queue gets the whole width.
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.locked_tab)
        # Detected tampering and a damaged recovery slot stand above every page until resolved.
        self.custody_alerts = CustodyAlertController(workspace, pool, self)
        self.custody_alerts.message.connect(self._show_message)
        self.custody_alerts.acknowledged.connect(self.verify_log)
        self.checks = VerificationController(
            workspace, pool, self.status_panel, self.log_view, self.queue_page, self.custody_alerts, self
        )
        self.checks.message.connect(self._show_message)
        self.checks.ended.connect(self.refresh)
        self.checks.verification_finished.connect(self.verification_finished)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.custody_alerts.widget)
        column.addWidget(self.pages, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
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

        if verification is not None:
            self.checks.show_verification(verification)
        self._wire_session()
        self.session.start()

    def _wire_session(self) -> None:
        """Who does what when the workspace locks, unlocks or the window closes, in this order."""
        session = self.session
        session.failed.connect(self._action_failed)
        session.checkpoint_signed.connect(lambda _: self.refresh())
        # An import stops at its next file; what it finished stays, consistent (one transaction each).
        session.locking.connect(self.intake.cancel)
        session.locking.connect(self.checks.cancel_vault_check)
        session.locked.connect(self.review.clear)  # rows, thumbnails, decoded previews, any revealed picture
        session.locked.connect(self._show_locked)
        session.locked.connect(self.workspace_locked)
        session.unlocked.connect(self._show_unlocked)
        session.unlocked.connect(self.review.start)
        session.unlocked.connect(self.intake.retry_analysis)
        session.closing.connect(self._closing)
        session.closing.connect(self.intake.shutdown)
        if self.reports_page is not None:
            # The draft being typed is saved (encrypted) before the keys go.
            session.locking.connect(self.reports_page.flush)
            session.locked.connect(self.reports_page.clear)
            session.unlocked.connect(self.reports_page.reload)
        if self.lists_page is not None:
            session.locked.connect(self.lists_page.clear)
            session.unlocked.connect(self.lists_page.reload)
        session.unlocked.connect(self.checks.verify_vault)
        if self.submissions is not None:
            # Reports left open at NCMEC, with the time NCMEC keeps them.
            session.unlocked.connect(self.submissions.offer_resume)
            # Quitting must not wait for a long upload; the report stays resumable.
            session.closing.connect(self.submissions.shutdown)
        session.closing.connect(self.review.shutdown)
        session.closing.connect(self.media_pool.wait_for_done)
        session.unlocked.connect(lambda _: self.workspace_unlocked.emit())

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&Workspace")
        self.lock_action = QAction("&Lock", self, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.lock_workspace())
        self.change_passphrase_action = QAction("Change &passphrase…", self)
        self.change_passphrase_action.triggered.connect(self.change_passphrase)
        self.reviewers_action = QAction("&Reviewers…", self)
        self.reviewers_action.triggered.connect(lambda: self.open_reviewers())
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
        for action in (self.lock_action, self.change_passphrase_action, self.reviewers_action, self.export_action):
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
        generation = self.session.generation
        worker = self._pool.run(_load_for_view, self.workspace, self.review.items, context=self)
        worker.result.connect(partial(self._snapshot_loaded, generation))
        worker.error.connect(self._action_failed)

    def _snapshot_loaded(self, generation: int, loaded: tuple[WorkspaceSnapshot, list[LogRow]]) -> None:
        snapshot, rows = loaded
        if generation != self.session.generation or not snapshot.unlocked:
            return  # the workspace locked while this was read: show nothing decrypted
        self.snapshot = snapshot
        self.log_model.set_rows(rows)
        self.log_view.show_read_problem(snapshot.read_problem)
        self.status_panel.show_snapshot(snapshot)
        self.checks.show_sweep(sweep_text(snapshot.sweep))
        self.custody_alerts.update()
        self.snapshot_loaded.emit(snapshot)

    # -- actions -------------------------------------------------------------------------------

    def verify_log(self) -> None:
        """Verify the custody log in a worker, show the outcome, then refresh."""
        self.checks.verify_log()

    def checkpoint_if_due(self) -> None:
        """Sign the daily checkpoint in a worker if it is due (the session's timer calls this hourly)."""
        self.session.checkpoint_if_due()

    @property
    def checkpoint_timer(self) -> QTimer:
        """The hourly timer that checks whether the daily checkpoint is due."""
        return self.session.checkpoint_timer

    def _action_failed(self, exc: BaseException) -> None:
        # Unexpected errors already went to the crash dialog through the worker bridge.
        if isinstance(exc, EvidenceDeskError):
            self.statusBar().showMessage(exc.message, STATUS_MESSAGE_MS)

    def _show_message(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def lock_workspace(self, reason: str = "") -> None:
        """Lock now: drop the keys, clear decrypted rows, hide the views, ask for the passphrase."""
        self.session.lock(reason)

    def show_unlock_dialog(self, reason: str = "") -> None:
        """Show the unlock dialog (window-modal, non-blocking); a second call just raises it."""
        self.session.show_unlock_dialog(reason)

    @property
    def unlock_dialog(self) -> UnlockDialog | None:
        """The unlock dialog last shown, if any."""
        return self.session.unlock_dialog

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
        holder = self.locked_tab if locked else self.log_tab
        row = holder.layout()
        if self.status_panel.parent() is not holder and isinstance(row, QHBoxLayout):
            row.insertWidget(0, self.status_panel)
        self.status_panel.setVisible(locked or self.tabs.currentIndex() == LOG_TAB)

    def _show_unlocked(self, verification: Verification | None) -> None:
        if verification is not None:
            self.checks.show_verification(verification)
        self.pages.setCurrentIndex(_UNLOCKED_PAGE)
        self._update_status_panel()
        self._set_actions_enabled(True)
        self.custody_alerts.update()
        self.refresh()

    def _submission_environment(self) -> Environment:
        credentials = self.cybertipline.credentials if self.cybertipline is not None else None
        return environment_for(self.settings.cybertipline_endpoint, credentials)

    def _show_locked(self) -> None:
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
        self.reviewers_action.setEnabled(unlocked)
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

    def open_reviewers(self) -> ReviewersDialog:
        """Open the Reviewers dialog (list, add, remove); the log view follows what it records."""
        dialog = ReviewersDialog(self.workspace, self._pool, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self.refresh)
        dialog.open()
        return dialog

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
        self.session.close()
        super().closeEvent(event)

    def _closing(self) -> None:
        if self.reports_page is not None and self.workspace.is_unlocked:
            self.reports_page.flush()  # the draft being typed is saved before the workspace closes
