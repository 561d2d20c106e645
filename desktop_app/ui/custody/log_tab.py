"""The custody log's tab and the locked page, with the workspace facts beside whichever is shown.

The workspace facts (``WorkspaceStatusWidget``) sit inside the log's tab while unlocked and beside
the locked page while locked, not beside the tab strip: there they pushed the tabs 300 px right
each time the log was shown. An import adds thousands of log entries; re-reading them (and
re-sorting the table) is only worth it when the log is looked at, so a change made while another
tab is shown only marks the log ``stale`` and the re-read waits until the log's tab is chosen.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QWidget

from desktop_app.core.services.workspace_snapshot import WorkspaceSnapshot
from desktop_app.ui.models.custody_log import CustodyLogModel, LogRow
from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget
from desktop_app.ui.widgets.locked_page import locked_page
from desktop_app.ui.widgets.workspace_status import WorkspaceStatusWidget


class CustodyLogTab(QObject):
    """Adds the "Custody log" tab to ``tabs`` and makes the locked page around ``unlock_button``.

    Args:
        workspace_id: The workspace's id in hex, shown among the facts even while locked.
        tabs: The window's tabs; the log's tab is appended.
        unlock_button: The locked page's Unlock button (the window wires it).
        refresh: Re-reads the log and the status in a worker.
        parent: The owner (the window).
    """

    def __init__(
        self,
        workspace_id: str,
        tabs: QTabWidget,
        unlock_button: QPushButton,
        refresh: Callable[[], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._tabs, self._refresh = tabs, refresh
        self.model = CustodyLogModel(parent)
        self.status_panel = WorkspaceStatusWidget(workspace_id)
        self.view = CustodyLogWidget(self.model)
        self.locked = False
        self.stale = False  # something was logged while another tab was shown
        self.log_tab, self.locked_tab = QWidget(), QWidget()
        for holder, page in ((self.log_tab, self.view), (self.locked_tab, locked_page(unlock_button))):
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(0)
            row.addWidget(page, 1)
        tabs.addTab(self.log_tab, "Custody log")
        tabs.currentChanged.connect(self._tab_changed)

    def is_shown(self) -> bool:
        """Whether the log's tab is the one chosen."""
        return self._tabs.currentWidget() is self.log_tab

    def refresh_when_seen(self) -> None:
        """Re-read now if the log is shown, else when its tab is next chosen."""
        if self.is_shown():
            self._refresh()
        else:
            self.stale = True

    def _tab_changed(self, _index: int) -> None:
        self.place_status_panel()
        if self.is_shown() and self.stale:
            self.stale = False
            self._refresh()

    def place_status_panel(self) -> None:
        """Put the workspace facts beside the locked page or inside the log's tab; hide them elsewhere."""
        holder = self.locked_tab if self.locked else self.log_tab
        row = holder.layout()
        if self.status_panel.parent() is not holder and isinstance(row, QHBoxLayout):
            row.insertWidget(0, self.status_panel)
        self.status_panel.setVisible(self.locked or self.is_shown())

    def show_loaded(self, snapshot: WorkspaceSnapshot, rows: list[LogRow]) -> None:
        """Show what a re-read found."""
        self.model.set_rows(rows)
        self.view.show_read_problem(snapshot.read_problem)
        self.status_panel.show_snapshot(snapshot)

    def set_locked(self, locked: bool) -> None:
        """Drop the decrypted rows when locked; move the facts to the page now shown."""
        self.locked = locked
        if locked:
            self.model.clear()
            self.view.show_read_problem(None)
            self.status_panel.show_locked()
        self.place_status_panel()
        self.view.verify_button.setEnabled(not locked)
