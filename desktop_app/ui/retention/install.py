"""Mounting the Preservation page in the main window: a tab, a menu, and a button beside each report.

Kept outside ``main_window.py`` so the window only gains one call in ``app.py``: the page follows
the window's lock and unlock signals, the menu reaches every dialog, and the Reports page's tools
row gets a Preservation button for the report open in it.
"""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton

from desktop_app.core.services.lifecycle import Lifecycle
from desktop_app.core.services.second_person import ConfirmationCheck, SecondReviewerCheck
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.retention.page import FIGURES_TAB, RETENTION_TAB, PreservationPage
from desktop_app.ui.worker import WorkerPool


def install_preservation(window: MainWindow, lifecycle: Lifecycle, pool: WorkerPool) -> PreservationPage:
    """Add the Preservation tab, its menu and the report button to ``window``; the page."""
    workspace = lifecycle.holds.workspace

    def second_person() -> ConfirmationCheck | None:
        # Read at each use: the setting can change while the app runs.
        return SecondReviewerCheck(workspace) if window.settings.second_person_confirmation else None

    page = PreservationPage(lifecycle, pool, second_person)
    page.message.connect(window.statusBar().showMessage)
    window.tabs.addTab(page, "Preservation")
    window.workspace_unlocked.connect(page.reload)
    window.workspace_locked.connect(page.clear)

    def show(tab: int) -> None:
        window.tabs.setCurrentWidget(page)
        page.tabs.setCurrentIndex(tab)

    menu = window.menuBar().addMenu("&Preservation")
    entries = (
        ("Retention view", lambda: show(RETENTION_TAB)),
        ("Transparency figures", lambda: show(FIGURES_TAB)),
        ("Place a hold…", lambda: page.place_hold()),
        ("Destroy evidence…", lambda: page.destroy_evidence()),
        ("Follow-ups of a report…", lambda: page.followups()),
        ("Follow-ups of a reported account…", lambda: page.account_timeline()),
    )
    for text, slot in entries:
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.addAction(action)
    if window.reports_page is not None:
        _add_report_button(window, page)
    if workspace.is_unlocked:
        page.reload()
    return page


def _add_report_button(window: MainWindow, page: PreservationPage) -> None:
    """A Preservation button under the reports list, acting on the report open in the editor."""
    reports = window.reports_page
    assert reports is not None

    def open_report() -> str:
        return reports.editor.report_id if reports.editor is not None else ""

    menu = QMenu(reports)
    menu.addAction("Follow-ups of this report…", lambda: page.followups(open_report()))
    menu.addAction("Place a hold on this report…", lambda: page.place_hold(open_report()))
    menu.addAction("Destroy this report's evidence…", lambda: page.destroy_evidence(open_report()))
    button = QPushButton("Preservation")
    button.setToolTip("Follow-ups, holds and destruction for the report open on the right.")
    button.setMenu(menu)
    button.setEnabled(False)
    reports.report_opened.connect(lambda _: button.setEnabled(True))
    reports.list_tools.addWidget(button)
