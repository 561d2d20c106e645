"""The report editor: sections to navigate, the form, the findings panel, the preview.

``ReportEditorWidget(report_service, pool, report_id)`` shows one report; its
``ReportEditorController`` (``editor_controller.py``) holds the record, loads it through the worker
pool, rechecks it and autosaves it, and carries out what the reviewer does beyond typing. Every edit
changes the in-memory record at once; the findings panel is recomputed a moment later
(``check_record``: the model, NCMEC's schema once fetched, and the NCMEC report ids the workspace
recorded, so a cited earlier report nobody recorded is flagged) and autosave stores the record off
the GUI thread a moment after that, where each stored change becomes a custody event. The header
records NCMEC's report id for this report once the reviewer filed it.

Keyboard: the section list is a list (arrow keys); Ctrl+PgDown / Ctrl+PgUp move between sections;
F6 cycles the focus between the section list, the page and the findings; Enter on a finding
lands on its field.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.services.reports import ReportRecord, ReportService
from desktop_app.ui.report.autosave import AutosaveController
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.delegates import BADGE_ROLE, SectionDelegate
from desktop_app.ui.report.editor_controller import LoadedReport, ReportEditorController
from desktop_app.ui.report.extras import NcmecReportIdBar, PriorReportsBox, ProfileBar
from desktop_app.ui.report.files_page import FilesPage
from desktop_app.ui.report.findings_panel import FindingsPanel
from desktop_app.ui.report.preview import PreviewPage
from desktop_app.ui.report.sections import FILES_KEY, PREVIEW_KEY, SECTIONS, SectionPage, section_of
from desktop_app.ui.theme import set_invalid
from desktop_app.ui.widgets.form_parts import BusyWidget
from desktop_app.ui.worker import WorkerPool


class ReportEditorWidget(QWidget):
    """One report's form. See the module docstring.

    Signals:
        loaded(): the report is on screen.
        saved(object): a ``SaveResult`` after each autosave.
        findings_updated(list): the findings after each recheck.
        ncmec_id_recorded(object): the stored ``ReportRecord`` after NCMEC's report id was recorded.
    """

    loaded = Signal()
    saved = Signal(object)
    findings_updated = Signal(list)
    ncmec_id_recorded = Signal(object)

    def __init__(
        self,
        report_service: ReportService,
        pool: WorkerPool,
        report_id: str,
        parent: QWidget | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = report_service
        self.pool = pool
        self.report_id = report_id
        self._outlined: set[str] = set()  # paths of the fields outlined as wrong
        self.ctx = FormContext(now or (lambda: datetime.now(UTC)), self)
        self._build()
        self.controller = ReportEditorController(report_service, pool, report_id, self, self, self.ctx.now)
        for source, target in (
            (self.controller.loaded, self.loaded),
            (self.controller.saved, self.saved),
            (self.controller.findings_updated, self.findings_updated),
            (self.controller.ncmec_id_recorded, self.ncmec_id_recorded),
        ):
            source.connect(target.emit)
        self.ctx.value_changed.connect(lambda _: self.changed())
        self.ctx.structure_changed.connect(lambda _: self.changed())
        self.busy.start("Opening the report…")
        self.controller.load().finished.connect(self.busy.stop)

    # -- the controller's state, as the rest of the UI reads it ---------------------------------

    @property
    def record(self) -> ReportRecord | None:
        """The report being edited (None until loaded)."""
        return self.controller.record

    @property
    def logged(self) -> dict[str, bool]:
        """Per item id, whether the custody log says the reviewer viewed it."""
        return self.controller.logged

    @property
    def known_ids(self) -> frozenset[int]:
        """NCMEC report ids the workspace recorded."""
        return self.controller.known_ids

    @property
    def findings(self) -> list[Finding]:
        """The findings of the last recheck."""
        return self.controller.findings

    @property
    def autosave(self) -> AutosaveController:
        """Stores the record off the GUI thread a moment after each change."""
        return self.controller.autosave

    @property
    def findings_timer(self) -> QTimer:
        """Rechecks the report once typing pauses."""
        return self.controller.findings_timer

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel(f"Report {self.report_id[:8]}")
        self.title.setProperty("role", "title")
        self.save_status = QLabel()
        self.save_status.setProperty("role", "hint")
        self.busy = BusyWidget()
        self.ncmec_bar = NcmecReportIdBar()
        self.ncmec_bar.setEnabled(False)
        header = QHBoxLayout()
        header.setContentsMargins(16, 10, 16, 6)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.save_status)
        header.addSpacing(18)
        header.addWidget(self.ncmec_bar)
        self.ncmec_bar.message.setContentsMargins(16, 0, 16, 6)
        self.section_list = QListWidget()
        self.section_list.setAccessibleName("Report sections")
        self.section_list.setProperty("role", "panel")
        self.section_list.setItemDelegate(SectionDelegate(self.section_list))
        self.section_list.setMouseTracking(True)
        self.section_list.setMinimumWidth(190)
        self.section_list.setMaximumWidth(240)
        self.pages = QStackedWidget()
        self.section_pages = {section.key: SectionPage(self.ctx, section) for section in SECTIONS}
        self.files_page = FilesPage(self.ctx)
        self.preview_page = PreviewPage()
        self.page_by_key: dict[str, QWidget] = {
            **self.section_pages,
            FILES_KEY: self.files_page,
            PREVIEW_KEY: self.preview_page,
        }
        self.titles = {section.key: section.title for section in SECTIONS}
        self.titles.update({FILES_KEY: "Files", PREVIEW_KEY: "Preview"})
        for key, page in self.page_by_key.items():
            self.pages.addWidget(page)
            self.section_list.addItem(self.titles[key])
        self.keys = list(self.page_by_key)
        self.section_list.currentRowChanged.connect(self._section_changed)
        self.profile_bar = ProfileBar()
        self.section_pages["reporter"].extras.addWidget(self.profile_bar)
        self.prior_box = PriorReportsBox()
        self.section_pages["reported"].extras.addWidget(self.prior_box)
        self.findings_panel = FindingsPanel()
        self.findings_panel.setMinimumWidth(240)
        self.findings_panel.path_activated.connect(self.focus_path)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.section_list)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.findings_panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 800, 300])
        self.splitter.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.ncmec_bar.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.splitter, 1)
        # Only while the focus is in this editor: elsewhere in the window these keys mean other things.
        within = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self, lambda s=step: self._step_section(s))
            shortcut.setContext(within)
        QShortcut(QKeySequence("F6"), self, self._cycle_focus).setContext(within)

    # -- loading and showing ---------------------------------------------------------------------

    def show_loaded(self, loaded: LoadedReport) -> None:
        """Show a report the controller has just read."""
        self.rebuild()
        self.prior_box.show_offers(loaded.prior)
        self.ncmec_bar.show_recorded(loaded.record.ncmec_report_id)
        self.ncmec_bar.setEnabled(True)
        self.splitter.setEnabled(True)
        self.section_list.setCurrentRow(0)
        self.save_status.setText(f"Saved {loaded.record.updated_at.astimezone():%H:%M:%S}")

    def rebuild(self, keys: list[str] | None = None) -> None:
        """Rebuild pages from the record (all of them, or those named)."""
        if self.record is None:
            return
        for key in keys or self.keys:
            if key in self.section_pages:
                self.section_pages[key].rebuild(self.record.draft.report)
            elif key == FILES_KEY:
                self.files_page.rebuild(self.record, self.logged)

    def show_section(self, key: str) -> None:
        """Switch to a section by key (``incident``, ``files``, ``preview``...)."""
        self.section_list.setCurrentRow(self.keys.index(key))

    @property
    def current_section(self) -> str:
        """The key of the section on screen."""
        return self.keys[max(self.pages.currentIndex(), 0)]

    def _section_changed(self, row: int) -> None:
        if 0 <= row < len(self.keys):
            self.pages.setCurrentIndex(row)
            if self.keys[row] == PREVIEW_KEY:
                self.refresh_preview()

    def _step_section(self, step: int) -> None:
        self.section_list.setCurrentRow((self.section_list.currentRow() + step) % len(self.keys))

    def _cycle_focus(self) -> None:
        order = [w for w in (self.section_list, self.pages.currentWidget(), self.findings_panel.view) if w is not None]
        focused = self.focusWidget()
        current = next((i for i, w in enumerate(order) if w is focused or w.isAncestorOf(focused)), -1)
        order[(current + 1) % len(order)].setFocus(Qt.FocusReason.TabFocusReason)

    def focus_path(self, path: str) -> QWidget | None:
        """Show the field a finding names (or the nearest place to add it) and give it the focus."""
        self.show_section(section_of(path))
        widget = self.ctx.index.lookup(path)
        if widget is None:
            return None
        page = self.pages.currentWidget()
        if isinstance(page, QScrollArea):
            page.ensureWidgetVisible(widget, 40, 80)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return widget

    # -- changes, findings, saving (the controller does them) -----------------------------------

    def changed(self) -> None:
        """The record changed: recheck soon, save a moment later."""
        self.controller.changed()

    def refresh_findings(self) -> None:
        """Recheck the whole report now."""
        self.controller.refresh_findings()

    def show_findings(self, findings: list[Finding]) -> None:
        """Show the findings of a recheck: the panel, and error counts on the section list."""
        self.findings_panel.set_findings(findings)
        self._outline_errors(findings)
        errors: dict[str, int] = {}
        for finding in findings:
            if finding.severity is Severity.ERROR:
                key = section_of(finding.path)
                errors[key] = errors.get(key, 0) + 1
        for row, key in enumerate(self.keys):
            count = errors.get(key, 0)
            item = self.section_list.item(row)
            item.setData(BADGE_ROLE, count)
            item.setToolTip(f"{plural(count, 'error')} on this page" if count else "")
        if self.current_section == PREVIEW_KEY:
            self.refresh_preview()

    def _outline_errors(self, findings: list[Finding]) -> None:
        """Outline every field an error names (a required one left empty too), not only caption it."""
        wrong = {f.path for f in findings if f.severity is Severity.ERROR and self.ctx.index.exact(f.path)}
        for path in self._outlined - wrong:
            widget = self.ctx.index.exact(path)  # gone with a rebuilt page: nothing to take off
            if widget is not None:
                set_invalid(widget, False)
        for path in wrong:
            widget = self.ctx.index.exact(path)
            if widget is not None:
                set_invalid(widget, True)
        self._outlined = wrong

    def refresh_preview(self) -> None:
        """Render the preview from the record as it stands."""
        if self.record is not None:
            self.preview_page.preview.show_record(self.record, self.findings)

    def flush(self) -> bool:
        """Save pending changes now (before locking or closing); True if nothing is left unsaved."""
        return self.controller.flush()

    # -- what the reviewer does (the controller holds the steps) --------------------------------------

    def add_items(self, item_ids: list[str]) -> None:
        """Add queue items as files, pre-filled (read in a worker)."""
        self.controller.files.add_items(item_ids)

    def set_file_viewed(self, index: int, viewed: bool, reason: str = "") -> None:
        """Set a file's viewed flag (a reason is needed against the custody log)."""
        self.controller.files.set_file_viewed(index, viewed, reason)

    def remove_file(self, index: int) -> None:
        """Take a file out of the report."""
        self.controller.files.remove_file(index)

    def record_ncmec_report_id(self, text: str) -> None:
        """Record the report id NCMEC gave this report (checked here, stored in a worker)."""
        self.controller.reporter.record_ncmec_report_id(text)
