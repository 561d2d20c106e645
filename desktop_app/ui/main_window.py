"""The main window: the workspace status on the left; the intake queue and the custody log as tabs.

The window owns no services: the composition root passes in the workspace, the item service, the
preview fetcher (the sandboxed decoders), the settings and their file, the worker pool and the
auto-lock controller. Every read and every slow action goes through a pool; decoding has a pool of
its own so pictures never wait behind an import. Files and folders dropped anywhere on the window
are imported.

Locking, unlocking, auto-lock and closing belong to ``SessionController`` (``session.py``): a new
page joins them in ``_wire_session`` (save on ``locking``, clear on ``locked``, reload on
``unlocked``, stop on ``closing``). The log and vault checks belong to ``VerificationController``;
the Workspace and Help menus and the dialogs they open to ``WindowMenus`` (``window_menus.py``); the
custody log's tab, the locked page and the workspace facts beside them to ``CustodyLogTab``.
"""

import logging
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
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
from desktop_app.ui.custody.log_tab import CustodyLogTab
from desktop_app.ui.custody.names import item_names
from desktop_app.ui.custody.verification import VerificationController
from desktop_app.ui.dialogs.about import keyring_notice
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.intake import DropImporter, IntakeController, IntakePort
from desktop_app.ui.lists.lists_page import ListsPage
from desktop_app.ui.lists.queue_link import ListsQueueLink
from desktop_app.ui.models.custody_log import LogRow, rows_from_events
from desktop_app.ui.report.queue_link import QueueReportLink
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.review import ItemsPort, ReviewController
from desktop_app.ui.session import SessionController
from desktop_app.ui.submission.controller import SubmissionController, environment_for
from desktop_app.ui.thumbnails import PreviewFetcher
from desktop_app.ui.widgets.page_tabs import PageTabsWidget
from desktop_app.ui.widgets.workspace_status import sweep_text
from desktop_app.ui.window_menus import WindowMenus
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
        self.drops = DropImporter(lambda: workspace.is_unlocked, self._import_dropped, self)
        self.installEventFilter(self.drops)

        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setProperty("role", "primary")
        self.unlock_button.clicked.connect(lambda: self.session.show_unlock_dialog())
        self.tabs = PageTabsWidget()  # see widgets/page_tabs.py: no whole-page repaint per re-layout
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.queue_page, "Queue")
        # The log re-reads only when looked at (an import adds thousands of entries); the facts move with it.
        self.log = CustodyLogTab(workspace.workspace_id.hex(), self.tabs, self.unlock_button, self.refresh, self)
        self.log_model, self.log_view, self.status_panel = self.log.model, self.log.view, self.log.status_panel
        self.log_view.verify_requested.connect(self.verify_log)
        self.intake.import_finished.connect(lambda _: self.log.refresh_when_seen())
        self.reports_page: ReportsPage | None = None
        self.submissions: SubmissionController | None = None
        if reports is not None and submissions is not None:
            self.submissions = SubmissionController(submissions, pool, self, self._submission_environment, reports)
            self.submissions.status_changed.connect(self.log.refresh_when_seen)  # each step is a custody event
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
        self.custody.exported.connect(lambda _: self.log.refresh_when_seen())  # the export is an event
        self.lists_page: ListsPage | None = None
        if hashlists is not None:
            self.lists_page = ListsPage(hashlists, pool)
            self.lists_page.message.connect(self._show_message)
            self.tabs.addTab(self.lists_page, "Hash lists")
            # Matches in the queue rows and filter, the item's match list, suppressing (ui/lists/queue_link.py).
            self.lists_link = ListsQueueLink(hashlists, self.review, self.lists_page, pool, self)
            self.lists_link.message.connect(self._show_message)
            self.intake.import_finished.connect(lambda _: self.lists_link.match_new())  # matched on import
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.log.locked_tab)
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
        practice = self.submissions.service.practice if self.submissions is not None else None
        self.menus = WindowMenus(  # the Workspace and Help menus and the dialogs they open
            self, workspace, pool, self.session, self.intake, lambda: self.settings, settings_path,
            cybertipline, practice, keyring_available,
        )  # fmt: skip
        self.menus.message.connect(self._show_message)
        self.menus.changed.connect(self.refresh)
        self.menus.settings_saved.connect(self._settings_saved)
        if self.reports_page is not None:
            self.menus.credentials_saved.connect(self.reports_page.schema_status.fetch)
        # Made now, not by the first message: making it later re-lays out and repaints the window.
        self.statusBar()
        if not keyring_available:
            self.statusBar().addPermanentWidget(keyring_notice(self.menus.about))
        self.bundle_actions: BundleActions | None = None  # the Bundles menu, a report's "Export bundle…", backups
        if bundles is not None and recipients is not None:
            self.bundle_actions = BundleActions(
                self, workspace, bundles, recipients, pool, lambda: self.settings, self.reports_page
            )
            self.bundle_actions.message.connect(self._show_message)
            self.bundle_actions.install(self.menuBar(), self.workspace_unlocked, self.workspace_locked)
        for button, action in zip(self.queue_page.intake_buttons(), self.menus.intake_actions, strict=True):
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
        self.log.show_loaded(snapshot, rows)
        self.checks.show_sweep(sweep_text(snapshot.sweep))
        self.custody_alerts.update()
        self.snapshot_loaded.emit(snapshot)

    # -- actions -------------------------------------------------------------------------------

    def verify_log(self) -> None:
        """Verify the custody log in a worker, show the outcome, then refresh."""
        self.checks.verify_log()

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

    @property
    def unlock_dialog(self) -> UnlockDialog | None:
        """The unlock dialog last shown, if any."""
        return self.session.unlock_dialog

    def _show_unlocked(self, verification: Verification | None) -> None:
        if verification is not None:
            self.checks.show_verification(verification)
        self.pages.setCurrentIndex(_UNLOCKED_PAGE)
        self.log.set_locked(False)
        self.menus.set_unlocked(True)
        self.custody_alerts.update()
        self.refresh()

    def _submission_environment(self) -> Environment:
        credentials = self.cybertipline.credentials if self.cybertipline is not None else None
        return environment_for(self.settings.cybertipline_endpoint, credentials)

    def _show_locked(self) -> None:
        self.snapshot = None
        self.pages.setCurrentIndex(_LOCKED_PAGE)
        self.log.set_locked(True)
        self.menus.set_unlocked(False)
        self.custody_alerts.update()

    def _settings_saved(self, settings: AppSettings) -> None:
        self.settings = settings
        self._auto_lock.set_minutes(settings.auto_lock_minutes)
        self.review.apply_settings(settings)
        self.refresh()

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
