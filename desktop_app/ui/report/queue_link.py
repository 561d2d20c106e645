"""From the queue to a report in one motion, and back from an item to its reports.

``QueueReportLink`` joins the queue tab (``ReviewController``) and the Reports tab
(``ReportsPage``), which know nothing of each other:
- *New report from selected* (Ctrl+N) and *New report from To report* (Ctrl+Shift+N) start a draft
  with those items as files and open it; *Add to report…* (Ctrl+Shift+A) adds them to a draft
  chosen in ``AddToReportDialog`` through the draft's open editor, so the editor's autosave stays
  the one writer of the draft;
- the report editor's *Add files from queue…* opens ``QueueTablePickerDialog`` (the queue's own
  table) instead of the plain list: the link swaps it in whenever an editor opens;
- the current queue item's reports are listed under its details (``ItemReportsWidget``), each a
  link that opens the report.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.report_building import ReportSummary
from desktop_app.core.services.report_membership import OPEN_FOR_FILES, ReportMembership, reports_by_item
from desktop_app.core.services.reports import SaveResult
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.report.editor import ReportEditorWidget
from desktop_app.ui.report.queue_picker import PickerSource, QueueTablePickerDialog
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.review import ReviewController
from desktop_app.ui.worker import WorkerPool

NEW_FROM_SELECTED = "Ctrl+N"
NEW_FROM_TO_REPORT = "Ctrl+Shift+N"
ADD_TO_REPORT = "Ctrl+Shift+A"


class ItemReportsWidget(QLabel):
    """'In reports: Report 4aaed480 (…)' for the current item, each report a link (``report_activated``)."""

    report_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setProperty("role", "hint")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.linkActivated.connect(lambda link: self.report_activated.emit(link.removeprefix("report:")))
        self.memberships: list[ReportMembership] = []
        self.hide()

    def show_reports(self, memberships: list[ReportMembership] | None) -> None:
        """List these reports (None: no item selected, nothing shown)."""
        self.memberships = list(memberships or [])
        if memberships is None:
            self.clear()
            self.hide()
            return
        if not memberships:
            self.setText("In no report yet.")
        else:
            links = ", ".join(f'<a href="report:{m.report_id}">{_escape(m.label)}</a>' for m in memberships)
            self.setText(f"In {'a report' if len(memberships) == 1 else 'reports'}: {links}")
        self.show()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AddToReportDialog(QDialog):
    """Choose the draft to add items to (drafts and withdrawn reports: the others are with NCMEC)."""

    def __init__(self, summaries: list[ReportSummary], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to report")
        self.resize(560, 360)
        open_reports = [s for s in summaries if s.status in OPEN_FOR_FILES]
        hint = QLabel(
            f"Add {plural(count, 'item')} to which report? Only drafts are listed: a report sent to NCMEC "
            "cannot take more files."
            if open_reports
            else "There is no draft to add to. Start a new report from the selection instead (Ctrl+N)."
        )
        hint.setWordWrap(True)
        self.list = QListWidget()
        for summary in open_reports:
            who = summary.reported_user or "no reported user yet"
            files = plural(summary.files, "file") if summary.files else "no files yet"
            text = f"{summary.incident_type or '(no incident type yet)'} — {who} · {files} · {summary.report_id[:8]}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, summary.report_id)
            self.list.addItem(entry)
        if open_reports:
            self.list.setCurrentRow(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add to report")
        ok.setEnabled(bool(open_reports))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)

    @property
    def report_id(self) -> str | None:
        """The chosen report's id."""
        entry = self.list.currentItem()
        return str(entry.data(Qt.ItemDataRole.UserRole)) if entry is not None else None


class QueueReportLink(QObject):
    """Wires the queue and the Reports tab together (see the module docstring).

    Args:
        review: The queue's controller (its widget, model and thumbnails).
        reports_page: The Reports tab.
        workspace: The workspace (which reports hold an item is read from it, in a worker).
        pool: The database pool.
        show_reports: Brings the Reports tab to the front.
        parent: The owning QObject.
    """

    message = Signal(str)

    def __init__(
        self,
        review: ReviewController,
        reports_page: ReportsPage,
        workspace: Workspace,
        pool: WorkerPool,
        show_reports: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.review = review
        self.queue = review.queue
        self.reports_page = reports_page
        self.workspace = workspace
        self.pool = pool
        self.show_reports = show_reports
        self.picker: QueueTablePickerDialog | None = None
        self.add_dialog: AddToReportDialog | None = None
        self.source = PickerSource(
            reports_page.service.queue_items, review.thumbnails, lambda: review.settings.thumbnail_size
        )
        self.actions: list[QAction] = []
        self.buttons: list[QPushButton] = []
        for text, shortcut, tip, slot in (
            ("New report", NEW_FROM_SELECTED, "Start a report with the selected items", self.new_from_selected),
            ("From To report", NEW_FROM_TO_REPORT, "Start a report with every item To report", self.new_from_to_report),
            ("Add to report…", ADD_TO_REPORT, "Add the selected items to a draft report", self.add_selected_to_report),
        ):
            action = QAction(text, self.queue, shortcut=QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{tip} ({shortcut})")
            action.triggered.connect(slot)
            self.queue.addAction(action)
            self.actions.append(action)
            button = QPushButton(text)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            self.buttons.append(button)
        self.new_action, self.to_report_action, self.add_action = self.actions
        self.item_reports = ItemReportsWidget()
        self.item_reports.report_activated.connect(self.open_report)
        review.page.add_report_controls(self.buttons, self.item_reports)
        self.queue.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.queue.current_item_changed.connect(self._current_item_changed)
        reports_page.report_opened.connect(self._editor_opened)
        self._asked = 0  # the latest membership read asked for; older answers are dropped
        self._selection_changed()

    # -- from the queue --------------------------------------------------------------------------

    def _selection_changed(self, *_: object) -> None:
        has = bool(self.queue.table.selectionModel().selectedRows())
        self.new_action.setEnabled(has)
        self.add_action.setEnabled(has)
        for button, action in zip(self.buttons, self.actions, strict=True):
            button.setEnabled(action.isEnabled())

    def _with_content(self, item_ids: list[str]) -> list[str]:
        usable = []
        for item_id in item_ids:
            item = self.queue.model.item(item_id)
            if item is not None and item.blob_id is not None and item.digests is not None:
                usable.append(item_id)
        left_out = len(item_ids) - len(usable)
        if left_out:
            self.message.emit(
                f"{plural(left_out, 'item')} without preserved content left out: only files can go to NCMEC."
            )
        return usable

    def to_report_ids(self) -> list[str]:
        """Items marked To report, in the order they were added."""
        rows = [row for row in self.queue.model.listing().values() if row.item.state is ReviewState.TO_REPORT]
        return [row.item_id for row in sorted(rows, key=lambda row: row.added_ts)]

    def new_from_selected(self) -> None:
        """A new report with the selected items as its files, opened on the Reports tab."""
        self._new_report(self._with_content(self.queue.selected_ids()))

    def new_from_to_report(self) -> None:
        """A new report with every item marked To report."""
        ids = self._with_content(self.to_report_ids())
        if not ids:
            self.message.emit("No item is marked To report. Mark items To report (Ctrl+2) first.")
            return
        self._new_report(ids)

    def _new_report(self, item_ids: list[str]) -> None:
        if not item_ids:
            return
        self.reports_page.new_report(item_ids)
        self.show_reports()
        self.message.emit(f"New report with {plural(len(item_ids), 'file')}.")

    def add_selected_to_report(self) -> AddToReportDialog | None:
        """Ask which draft, then add the selected items to it."""
        ids = self._with_content(self.queue.selected_ids())
        if not ids:
            return None
        dialog = AddToReportDialog(self.reports_page.model.summaries, len(ids), self.queue.window())
        dialog.accepted.connect(lambda: dialog.report_id and self.add_to_report(dialog.report_id, ids))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def add_to_report(self, report_id: str, item_ids: list[str]) -> ReportEditorWidget:
        """Open ``report_id`` on the Reports tab and add the items through its editor."""
        self.show_reports()
        editor = self.reports_page.open_report(report_id)
        if editor.record is not None:
            editor.add_items(item_ids)
        else:

            def add_once() -> None:
                editor.loaded.disconnect(add_once)
                editor.add_items(item_ids)

            editor.loaded.connect(add_once)
        return editor

    def open_report(self, report_id: str) -> None:
        """Show a report on the Reports tab."""
        self.show_reports()
        self.reports_page.open_report(report_id)

    # -- the item's reports ------------------------------------------------------------------------

    def _current_item_changed(self, item: Item | None) -> None:
        self._asked += 1
        if item is None:
            self.item_reports.show_reports(None)
            return
        asked, item_id = self._asked, item.item_id
        worker = self.pool.run(reports_by_item, self.workspace, context=self)
        worker.result.connect(lambda found: self._memberships_read(found.get(item_id, []), asked))
        worker.error.connect(self._failed)

    def _memberships_read(self, memberships: list[ReportMembership], asked: int) -> None:
        if asked == self._asked:
            self.item_reports.show_reports(memberships)

    def refresh_current(self) -> None:
        """Re-read the current item's reports (after a report changed)."""
        self._current_item_changed(self.queue.current_item())

    # -- the report editor's picker ------------------------------------------------------------------

    def _editor_opened(self, _report_id: str) -> None:
        editor = self.reports_page.editor
        if editor is None:
            return
        files_page = editor.files_page
        files_page.add_requested.disconnect()  # the editor's plain list gives way to the queue's table
        files_page.add_requested.connect(lambda: self.open_picker(editor))
        editor.saved.connect(self._report_saved)
        self.refresh_current()  # a new report may hold the current item
        editor.ncmec_id_recorded.connect(lambda _: self.report_filed())

    def _report_saved(self, result: SaveResult) -> None:
        if result.changed:
            self.refresh_current()

    def open_picker(self, editor: ReportEditorWidget) -> QueueTablePickerDialog | None:
        """The queue's table, to add files to ``editor``'s report."""
        if editor.record is None:
            return None
        present = {entry.item_id for entry in editor.record.draft.files if entry.item_id}
        self.picker = QueueTablePickerDialog(self.source, self.pool, present, editor)
        self.picker.chosen.connect(editor.add_items)
        self.picker.open()
        return self.picker

    def report_filed(self) -> None:
        """A report was filed (or its submission moved on): its items may be Reported now."""
        self.review.reload()
        self.refresh_current()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.message.emit(exc.message)
