"""The Reports page: the workspace's report drafts, and the editor of the one chosen.

``ReportsPage(report_service, pool)`` is what the main window mounts as a tab. It lists drafts
(``DraftListModel``, read through the worker pool), creates new ones (text-only, or from queue
item ids: ``new_report(item_ids)``), and shows a ``ReportEditorWidget`` for the selected draft.
Given a ``SubmissionController``, the list has a Submission column (state, environment, NCMEC's
clock for an open report) and the editor's header a ``SubmissionBarWidget`` with the actions the
state allows: submit a report with no errors, resume or retract an open one.
The window calls ``flush()`` before locking, ``clear()`` once locked (nothing decrypted stays on
screen) and ``reload()`` after unlocking.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.submission import SubmissionState, SubmissionStatus
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.report_building import ReportSummary
from desktop_app.core.services.reports import ReportRecord, ReportService, SaveResult
from desktop_app.ui.report.drafts_model import CHANGED_COLUMN, DraftListModel, list_reports
from desktop_app.ui.report.editor import ReportEditorWidget
from desktop_app.ui.report.schema_status import NcmecSchemaWidget
from desktop_app.ui.submission.bar import SubmissionBarWidget
from desktop_app.ui.submission.controller import SubmissionController
from desktop_app.ui.submission.menu import submission_menu
from desktop_app.ui.widgets.form_parts import InlineMessageLabel
from desktop_app.ui.worker import WorkerPool

CLOCK_TICK_MS = 30_000  # an open report's "time left" is shown to the minute
NARROW_LIST = 420  # below this the Changed column gives its room to the report (its tooltip keeps the time)


class ReportsPage(QWidget):
    """Drafts on the left, the chosen one's editor on the right.

    Signals:
        report_opened(str): an editor for this report id is on screen.
        message(str): something for the status bar.
    """

    report_opened = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        report_service: ReportService,
        pool: WorkerPool,
        parent: QWidget | None = None,
        cybertipline: CyberTiplineService | None = None,
        submissions: SubmissionController | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = report_service
        self.pool = pool
        self.submissions = submissions
        self.submission_bar: SubmissionBarWidget | None = None
        if submissions is not None:
            submissions.status_changed.connect(self._submission_changed)
        self.schema_status = NcmecSchemaWidget(cybertipline, pool)
        self.schema_status.message.connect(self.message)
        self.schema_status.schema_changed.connect(self._schema_changed)
        self.editor: ReportEditorWidget | None = None
        self._open_after_reload: str | None = None
        self.model = DraftListModel(self, now=submissions.now if submissions is not None else None)
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_TICK_MS)
        self.clock.timeout.connect(self._tick)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Reports")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.table.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._list_menu)
        self.report_menu_extensions: list[Callable[[QMenu, str], None]] = []
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self._row_chosen(current.row()))
        self.new_button = QPushButton("New report")
        self.new_button.setProperty("role", "primary")
        self.new_button.setToolTip("Start a report from your reporter profile; add files from the queue in it.")
        self.new_button.clicked.connect(lambda: self.new_report())
        self.problem = InlineMessageLabel()
        left = QFrame()
        left.setProperty("role", "panel")
        column = QVBoxLayout(left)
        column.setContentsMargins(12, 12, 12, 12)
        title = QLabel("Reports")
        title.setProperty("role", "title")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.new_button)
        column.addLayout(top)
        column.addWidget(self.problem)
        column.addWidget(self.table, 1)
        self.list_tools = QHBoxLayout()  # actions on the chosen report that others add (its custody record)
        column.addLayout(self.list_tools)
        column.addWidget(self.schema_status)
        self.placeholder = QLabel("Choose a report on the left, or start a new one.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setProperty("role", "hint")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        # The list grows with the window too (a quarter of any extra width): its State column needs room
        # beside the report's title on a large screen.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 1220])  # at 1366 px the form beside it needs the room more than the list
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- the list --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """On a narrow list, hide the Changed column so the report's title stays readable."""
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self.table.setColumnHidden(CHANGED_COLUMN, self.table.width() < NARROW_LIST)
        return super().eventFilter(watched, event)

    def reload(self) -> None:
        """Re-read the drafts list (and which schema is in force) in a worker."""
        self.schema_status.reload()
        submissions = self.submissions.service if self.submissions is not None else None
        worker = self.pool.run(list_reports, self.service, submissions, context=self)
        worker.result.connect(self._listed)
        worker.error.connect(self._failed)

    def _listed(self, listed: tuple[list[ReportSummary], dict[str, SubmissionStatus]]) -> None:
        summaries, statuses = listed
        current = self._open_after_reload or (self.editor.report_id if self.editor is not None else None)
        self.table.selectionModel().blockSignals(True)
        self.model.set_summaries(summaries, statuses)
        self._show_submission()
        if any(status.expires_at is not None for status in statuses.values()):
            self.clock.start()
        else:
            self.clock.stop()
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            self.table.selectRow(row)
        self.table.selectionModel().blockSignals(False)
        if self._open_after_reload is not None and row >= 0:
            self._open_after_reload = None
            self.open_report(current or "")

    def _schema_changed(self) -> None:
        self.reload()
        if self.editor is not None:
            self.editor.refresh_findings()

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(self.model.summaries):
            self.open_report(self.model.summaries[row].report_id)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.problem.show_message(exc.message)
            self.message.emit(exc.message)

    # -- reports ---------------------------------------------------------------------------------

    def new_report(self, item_ids: list[str] | None = None) -> None:
        """Create a draft (text-only, or with these queue items as files) and open it."""
        worker = self.pool.run(self.service.create_draft, list(item_ids or []), context=self)
        worker.result.connect(self._created)
        worker.error.connect(self._failed)

    def _created(self, record: ReportRecord) -> None:
        self._open_after_reload = record.report_id
        self.message.emit(f"Report {record.report_id[:8]} created.")
        self.reload()

    def open_report(self, report_id: str) -> ReportEditorWidget:
        """Show the editor of ``report_id`` (saving the one on screen first)."""
        if self.editor is not None and self.editor.report_id == report_id:
            return self.editor
        self.close_editor()
        editor = ReportEditorWidget(self.service, self.pool, report_id)
        editor.saved.connect(self._editor_saved)
        self.editor = editor
        if self.submissions is not None:
            self._add_submission_bar(editor)
        self.stack.addWidget(editor)
        self.stack.setCurrentWidget(editor)
        self.report_opened.emit(report_id)
        return editor

    def _editor_saved(self, result: SaveResult) -> None:
        if result.changed:
            self.reload()

    def close_editor(self) -> None:
        """Save and close the editor on screen."""
        if self.editor is None:
            return
        self.editor.flush()
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.editor = None
        self.submission_bar = None
        self.stack.setCurrentWidget(self.placeholder)

    # -- submission (only with a SubmissionController) ---------------------------------------------

    def _add_submission_bar(self, editor: ReportEditorWidget) -> None:
        bar = SubmissionBarWidget()
        bar_layout, editor_layout = bar.layout(), editor.layout()
        assert bar_layout is not None and isinstance(editor_layout, QVBoxLayout)  # both built in __init__
        bar_layout.setContentsMargins(16, 0, 16, 8)
        editor_layout.insertWidget(1, bar)  # a row of its own under the title: the header row is full
        report_id = editor.report_id
        controller = self.submissions
        assert controller is not None
        # The controller outlives the bar; the bar's own signals die with it.
        bar.submit_requested.connect(lambda: controller.submit(report_id))
        bar.resume_requested.connect(lambda: controller.resume(report_id))
        bar.retract_requested.connect(lambda: controller.retract(report_id))
        editor.findings_updated.connect(bar.set_ready_from)
        self.submission_bar = bar
        self._show_submission()

    def _show_submission(self) -> None:
        if self.submission_bar is None or self.editor is None:
            return
        now = self.submissions.now() if self.submissions is not None else datetime.now(UTC)
        status = self.model.statuses.get(self.editor.report_id)
        self.submission_bar.show_status(status, now)
        # Once sent, the form is what NCMEC was given: it can be read (and previewed) but not changed,
        # unless the report was retracted and may be sent again.
        sent = status is not None and status.state not in (SubmissionState.DRAFT, SubmissionState.RETRACTED)
        for page in (*self.editor.section_pages.values(), self.editor.files_page):
            page.setEnabled(not sent)

    def _list_menu(self, point: QPoint) -> None:
        row = self.table.indexAt(point).row()
        if not 0 <= row < len(self.model.summaries):
            return
        summary = self.model.summaries[row]
        if self.submissions is not None:
            status = self.model.statuses.get(summary.report_id)
            menu = submission_menu(self.table, summary.report_id, status, summary.errors == 0, self.submissions)
        else:
            menu = QMenu(self.table)
        for extend in self.report_menu_extensions:  # other features' actions on a report (its bundle)
            extend(menu, summary.report_id)
        if not menu.isEmpty():
            menu.popup(self.table.viewport().mapToGlobal(point))

    def _submission_changed(self, _report_id: str) -> None:
        self.reload()

    def _tick(self) -> None:
        self.model.tick()
        self._show_submission()

    # -- the window's lock cycle --------------------------------------------------------------------

    def flush(self) -> bool:
        """Save what the editor has pending (call before locking); True if nothing is left unsaved."""
        return self.editor.flush() if self.editor is not None else True

    def clear(self) -> None:
        """Drop everything decrypted: the editor and the list (after locking)."""
        if self.editor is not None:
            self.editor.autosave.stop()
            self.stack.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None
            self.submission_bar = None
        self.clock.stop()
        self.stack.setCurrentWidget(self.placeholder)
        self.model.set_summaries([])
        self.problem.clear_message()
        self.schema_status.clear()
