"""The custody record from where the reviewer is: an item's or a report's history, and custody reports.

``CustodyController`` adds *History…* (Ctrl+H) and *Custody report…* to the queue (the current
item; the selected items) and, when there is a Reports tab, under its list (the chosen report).
History is read in a worker and shown in ``HistoryDialog``; a custody report is written by
``export_custody_report`` in a worker (HTML and PDF side by side, the export logged).
"""

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from desktop_app.core.domain.custody_words import plural, short
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.custody.export import CustodyExport, export_custody_report
from desktop_app.ui.custody.history import HistoryDialog, read_history
from desktop_app.ui.models.custody_log import LogRow
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.widgets.queue_view import QueueWidget
from desktop_app.ui.worker import WorkerPool

HISTORY_SHORTCUT = "Ctrl+H"


class ItemReader(Protocol):
    """What the custody views read items through (``ItemService``)."""

    def get(self, item_id: str) -> Item: ...  # noqa: D102 - documented by the service

    def list_items(self) -> list[Item]: ...  # noqa: D102


class CustodyController(QObject):
    """History and custody reports from the queue and the Reports tab (see the module docstring).

    Signals:
        message(str): something for the status bar.
        exported(object): a ``CustodyExport`` was written (and logged).
    """

    message = Signal(str)
    exported = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        items: ItemReader,
        pool: WorkerPool,
        queue: QueueWidget,
        reports_page: ReportsPage | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.items = items
        self.pool = pool
        self.queue = queue
        self.reports_page = reports_page
        self.history: HistoryDialog | None = None
        self.history_action = QAction("History…", queue, shortcut=QKeySequence(HISTORY_SHORTCUT))
        self.history_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.history_action.setToolTip(
            f"Everything the custody log records about the current item ({HISTORY_SHORTCUT})"
        )
        self.history_action.triggered.connect(self.item_history)
        self.report_action = QAction("Custody report…", queue)
        self.report_action.setToolTip("Export the custody record of the selected items as HTML and PDF")
        self.report_action.triggered.connect(self.export_selected)
        for action in (self.history_action, self.report_action):
            queue.addAction(action)
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            queue.add_bulk_button(button)
        queue.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.report_buttons: list[QPushButton] = []
        if reports_page is not None:
            for text, slot in (("History…", self.report_history), ("Custody report…", self.export_report)):
                button = QPushButton(text)
                button.clicked.connect(slot)
                button.setEnabled(False)
                reports_page.list_tools.addWidget(button)
                self.report_buttons.append(button)
            reports_page.list_tools.addStretch(1)
            reports_page.report_opened.connect(lambda _: self._report_chosen())
        self._selection_changed()

    def _selection_changed(self, *_: object) -> None:
        selected = bool(self.queue.table.selectionModel().selectedRows())
        self.history_action.setEnabled(selected)
        self.report_action.setEnabled(selected)

    def _report_chosen(self) -> None:
        for button in self.report_buttons:
            button.setEnabled(self._report_id() is not None)

    def _report_id(self) -> str | None:
        editor = self.reports_page.editor if self.reports_page is not None else None
        return editor.report_id if editor is not None else None

    # -- history -------------------------------------------------------------------------------------

    def item_history(self) -> None:
        """The current item's history."""
        item = self.queue.current_item()
        if item is not None:
            self.show_history(item.display_name, [item.item_id], None)

    def report_history(self) -> None:
        """The chosen report's history (its own events and its files')."""
        report_id = self._report_id()
        if report_id is not None:
            self.show_history(f"report {short(report_id)} and its files", [], report_id)

    def show_history(self, title: str, item_ids: list[str], report_id: str | None) -> None:
        """Read the history in a worker, then show it."""
        worker = self.pool.run(
            read_history, self.workspace, self.items.get, self.items, item_ids, report_id, context=self
        )
        worker.result.connect(lambda rows: self._history_read(title, rows, item_ids, report_id))
        worker.error.connect(self._failed)

    def _history_read(self, title: str, rows: list[LogRow], item_ids: list[str], report_id: str | None) -> None:
        if self.history is not None:
            self.history.close()
            self.history.deleteLater()
        dialog = HistoryDialog(title, rows, self.queue.window())
        dialog.export_requested.connect(lambda: self.export(item_ids, report_id, parent=dialog))
        self.history = dialog
        dialog.open()

    # -- custody reports -------------------------------------------------------------------------------

    def export_selected(self) -> None:
        """The custody report of the selected queue items."""
        ids = self.queue.selected_ids()
        if ids:
            self.export(ids, None)

    def export_report(self) -> None:
        """The custody report of the chosen report."""
        report_id = self._report_id()
        if report_id is not None:
            self.export([], report_id)

    def export(
        self, item_ids: list[str], report_id: str | None, path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        """Ask where (unless ``path``), then write the custody report in a worker."""
        if path is None:
            name = (
                f"custody-report-{short(report_id) if report_id else plural(len(item_ids), 'item').replace(' ', '-')}"
            )
            chosen, _ = QFileDialog.getSaveFileName(
                parent or self.queue.window(),
                "Export custody report",
                str(Path.home() / f"{name}.pdf"),
                "Custody report, PDF and HTML (*.pdf);;All files (*)",
            )
            if not chosen:
                return
            path = Path(chosen)
        worker = self.pool.run(
            export_custody_report,
            self.workspace,
            self.items.get,
            self.items.list_items,
            path,
            item_ids,
            report_id,
            context=self,
        )
        worker.result.connect(self._exported)
        worker.error.connect(self._failed)

    def _exported(self, export: CustodyExport) -> None:
        self.message.emit(
            f"Custody report written: {export.pdf_path.name} and {export.html_path.name} "
            f"({plural(len(export.report.entries), 'event')}); the export is entry {export.seq} of the log."
        )
        self.exported.emit(export)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):  # anything else went to the crash dialog
            QMessageBox.warning(self.queue.window(), "Custody record", exc.message)
