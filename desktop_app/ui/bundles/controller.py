"""The Bundles menu, the report list's "Export bundle…" and the backup reminder, in one place.

The main window only hands over what this needs and calls ``install``: the menu entries, the
context action on a report and the reminder at unlock all live here, so the window's own code
stays a few lines of wiring. Everything that reads the workspace runs on the pool.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QMessageBox, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.services.backup import backup_overdue, last_backup_at
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.recipients import RecipientBook
from desktop_app.core.services.second_person import SecondReviewerCheck
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui.bundles.address_book import AddressBookDialog
from desktop_app.ui.bundles.backup_dialogs import BackupDialog, RestoreDialog
from desktop_app.ui.bundles.export_dialog import BundleExportDialog
from desktop_app.ui.bundles.verify_dialog import BundleVerifyDialog
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.worker import WorkerPool

_D = TypeVar("_D", bound=QWidget)


def _backup_age(workspace: Workspace) -> datetime | None:
    """Runs in the worker: when the last backup was taken (None: never)."""
    return last_backup_at(workspace)


class BundleActions(QObject):
    """Owns the bundle and backup actions of one main window.

    Signals:
        message(str): something for the status bar.
    """

    message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        workspace: Workspace,
        bundles: BundleService,
        book: RecipientBook,
        pool: WorkerPool,
        settings: Callable[[], AppSettings],
        reports_page: ReportsPage | None,
    ) -> None:
        super().__init__(window)
        self._window, self._workspace, self._bundles, self._book = window, workspace, bundles, book
        self._pool, self._settings, self._reports_page = pool, settings, reports_page
        self.reminder: QMessageBox | None = None
        self.export_action = QAction("&Export chosen report as bundle…", self)
        self.export_action.triggered.connect(lambda: self.export_report())
        self.verify_action = QAction("&Check a bundle…", self)
        self.verify_action.triggered.connect(lambda: self.verify_bundle())
        self.address_book_action = QAction("&Recipients address book…", self)
        self.address_book_action.triggered.connect(lambda: self.address_book())
        self.backup_action = QAction("&Back up workspace…", self)
        self.backup_action.triggered.connect(lambda: self.back_up())
        self.restore_action = QAction("Re&store a backup…", self)
        self.restore_action.triggered.connect(lambda: self.restore())
        # Checking a received bundle and restoring into another folder need no unlocked workspace.
        self._needs_unlock = (self.export_action, self.address_book_action, self.backup_action)

    def install(self, menu_bar: QMenuBar, unlocked: SignalInstance, locked: SignalInstance) -> QMenu:
        """Add the Bundles menu before Help, the report context action, and the unlock reminder."""
        menu = QMenu("&Bundles", menu_bar)
        for action in (self.export_action, self.verify_action, self.address_book_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.backup_action)
        menu.addAction(self.restore_action)
        last = menu_bar.actions()[-1] if menu_bar.actions() else None
        menu_bar.insertMenu(last, menu) if last is not None else menu_bar.addMenu(menu)
        if self._reports_page is not None:
            self._reports_page.report_menu_extensions.append(self.add_report_actions)
        unlocked.connect(lambda: self.set_unlocked(True))
        unlocked.connect(self.remind_if_due)
        locked.connect(lambda: self.set_unlocked(False))
        self.set_unlocked(self._workspace.is_unlocked)
        if self._workspace.is_unlocked:
            self.remind_if_due()
        return menu

    def set_unlocked(self, unlocked: bool) -> None:
        """Enable what needs the workspace's keys only while it is unlocked."""
        for action in self._needs_unlock:
            action.setEnabled(unlocked)

    # -- the actions -------------------------------------------------------------------------------

    def chosen_report(self) -> str | None:
        """The report chosen in the Reports list, if any."""
        page = self._reports_page
        if page is None:
            return None
        row = page.table.currentIndex().row()
        return page.model.summaries[row].report_id if 0 <= row < len(page.model.summaries) else None

    def export_report(self, report_id: str | None = None) -> BundleExportDialog | None:
        """Open the export dialog for ``report_id`` (else the chosen report)."""
        report_id = report_id or self.chosen_report()
        if report_id is None:
            self.message.emit("Choose a report in the Reports tab first, then export it as a bundle.")
            return None
        # When the settings ask for it, a full-evidence export needs another reviewer's confirmation.
        second = SecondReviewerCheck(self._workspace) if self._settings().second_person_confirmation else None
        dialog = BundleExportDialog(
            self._pool, self._bundles, report_id, self._window, book=self._book, second_person=second
        )
        return self._show(dialog)

    def verify_bundle(self) -> BundleVerifyDialog:
        """Open the check dialog."""
        return self._show(BundleVerifyDialog(self._pool, self._window))

    def address_book(self) -> AddressBookDialog:
        """Open the address book."""
        return self._show(AddressBookDialog(self._pool, self._book, self._window))

    def back_up(self) -> BackupDialog:
        """Open the backup dialog."""
        name = f"evidence-desk-backup-{datetime.now(UTC):%Y-%m-%d}.age"
        return self._show(BackupDialog(self._pool, self._workspace, self._window, default_name=name))

    def restore(self) -> RestoreDialog:
        """Open the restore dialog."""
        return self._show(RestoreDialog(self._pool, self._window))

    def _show(self, dialog: _D) -> _D:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def add_report_actions(self, menu: QMenu, report_id: str) -> None:
        """The report list's context menu: "Export bundle…" for the report under the pointer."""
        if self._workspace.is_unlocked:
            if not menu.isEmpty():
                menu.addSeparator()
            menu.addAction("Export bundle…", lambda: self.export_report(report_id))

    # -- the reminder ------------------------------------------------------------------------------

    def remind_if_due(self) -> None:
        """At unlock: read when the last backup was taken, and remind if it is older than the setting."""
        if self._settings().backup_reminder_days <= 0:
            return
        worker = self._pool.run(_backup_age, self._workspace, context=self)
        worker.result.connect(self._remind)

    def _remind(self, last: datetime | None) -> None:
        if not self._window.isVisible() or not self._workspace.is_unlocked:
            # Closed or locked while the log was read: a reminder now would be a window of its own,
            # and the app, which quits when its last window closes, would keep running for it.
            return
        days = self._settings().backup_reminder_days
        if not backup_overdue(last, days, datetime.now(UTC)):
            return
        when = "has never been backed up" if last is None else f"was last backed up on {last:%Y-%m-%d}"
        if self.reminder is not None:
            self.reminder.close()
        box = QMessageBox(QMessageBox.Icon.Information, "Time for a backup", "", parent=self._window)
        box.setText(f"This workspace {when}. You asked to be reminded after {plural(days, 'day')}.")
        box.setInformativeText("A backup is the only copy that survives this computer's loss.")
        back_up = box.addButton("Back up now…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        back_up.clicked.connect(lambda: self.back_up())
        box.setModal(False)  # the reviewer may carry on working; the reminder waits
        box.show()
        self.reminder = box
