"""The report editor: sections to navigate, the form, the findings panel, the preview, autosave.

``ReportEditorWidget(report_service, pool, report_id)`` loads the report through the worker pool
and shows it. Every edit changes the in-memory record at once; the findings panel is recomputed a
moment later (``check_record``: the model, NCMEC's schema once fetched, and the NCMEC report ids the
workspace recorded, so a cited earlier report nobody recorded is flagged) and autosave stores the
record off the GUI thread a moment after that, where each stored change becomes a custody event.
The header records NCMEC's report id for this report once the reviewer filed it.

Keyboard: the section list is a list (arrow keys); Ctrl+PgDown / Ctrl+PgUp move between sections;
F6 cycles the focus between the section list, the page and the findings; Enter on a finding
lands on its field.
"""

from collections.abc import Callable
from dataclasses import dataclass
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
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.report_building import check_record
from desktop_app.core.services.reports import PriorReport, ReportService, SaveResult
from desktop_app.core.storage.reports import ReportRecord
from desktop_app.ui.report.autosave import AutosaveController
from desktop_app.ui.report.context import FormContext
from desktop_app.ui.report.delegates import BADGE_ROLE, SectionDelegate
from desktop_app.ui.report.editor_actions import EditorActions
from desktop_app.ui.report.extras import NcmecReportIdBar, PriorReportsBox, ProfileBar
from desktop_app.ui.report.files_page import FilesPage
from desktop_app.ui.report.findings_panel import FindingsPanel
from desktop_app.ui.report.preview import PreviewPage
from desktop_app.ui.report.sections import FILES_KEY, PREVIEW_KEY, SECTIONS, SectionPage, section_of
from desktop_app.ui.theme import set_invalid, set_role
from desktop_app.ui.widgets.form_parts import BusyWidget
from desktop_app.ui.worker import WorkerPool

FINDINGS_DELAY_MS = 250  # recheck the whole report once typing pauses


@dataclass(frozen=True)
class LoadedReport:
    """What the editor needs to show a report (read in a worker)."""

    record: ReportRecord
    logged: dict[str, bool]
    prior: list[PriorReport]
    known_ids: frozenset[int] = frozenset()  # NCMEC report ids the workspace recorded


def load_report(service: ReportService, report_id: str) -> LoadedReport:
    """Runs in the worker: the report, the log's viewed state of its files, earlier reports to cite."""
    record = service.load(report_id)
    return LoadedReport(
        record, service.logged_viewed(record), service.prior_reports(record), service.known_ncmec_report_ids()
    )


def save_report(service: ReportService, record: ReportRecord) -> tuple[SaveResult, list[PriorReport]]:
    """Runs in the worker: save, then what can be cited now (the accounts may have changed)."""
    result = service.save(record)
    return result, service.prior_reports(result.record)


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
        self.record: ReportRecord | None = None
        self.logged: dict[str, bool] = {}
        self.known_ids: frozenset[int] = frozenset()
        self.findings: list[Finding] = []
        self._outlined: set[str] = set()  # paths of the fields outlined as wrong
        self.ctx = FormContext(now or (lambda: datetime.now(UTC)), self)
        self.ctx.value_changed.connect(lambda _: self.changed())
        self.ctx.structure_changed.connect(lambda _: self.changed())
        self.autosave = AutosaveController(pool, lambda r: save_report(self.service, r), self._snapshot, parent=self)
        self.autosave.saved.connect(self._saved)
        self.autosave.failed.connect(self._save_failed)
        self.autosave.state_changed.connect(self._save_state)
        self.findings_timer = QTimer(self)
        self.findings_timer.setSingleShot(True)
        self.findings_timer.setInterval(FINDINGS_DELAY_MS)
        self.findings_timer.timeout.connect(self.refresh_findings)
        self._build()
        self.editor_actions = EditorActions(self)
        self.busy.start("Opening the report…")
        worker = pool.run(load_report, report_service, report_id, context=self)
        worker.result.connect(self._loaded)
        worker.error.connect(self._load_failed)
        worker.finished.connect(self.busy.stop)

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

    def _loaded(self, loaded: LoadedReport) -> None:
        self.record = loaded.record
        self.logged = dict(loaded.logged)
        self.known_ids = loaded.known_ids
        self.rebuild()
        self.prior_box.show_offers(loaded.prior)
        self.ncmec_bar.show_recorded(loaded.record.ncmec_report_id)
        self.ncmec_bar.setEnabled(True)
        self.splitter.setEnabled(True)
        self.section_list.setCurrentRow(0)
        self.save_status.setText(f"Saved {loaded.record.updated_at.astimezone():%H:%M:%S}")
        self.refresh_findings()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, EvidenceDeskError) else "The report could not be opened."
        self.save_status.setText(text)
        set_role(self.save_status, "error")

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

    # -- changes, findings, saving ------------------------------------------------------------------

    def changed(self) -> None:
        """The record changed: recheck soon, save a moment later."""
        self.findings_timer.start()
        self.autosave.schedule()

    def refresh_findings(self) -> None:
        """Recheck the whole report now."""
        if self.record is None:
            return
        self.findings = check_record(
            self.record, now=self.ctx.now(), xsd=self.service.ncmec_xsd(), known_ncmec_ids=self.known_ids
        )
        self.findings_panel.set_findings(self.findings)
        self._outline_errors()
        errors: dict[str, int] = {}
        for finding in self.findings:
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
        self.findings_updated.emit(self.findings)

    def _outline_errors(self) -> None:
        """Outline every field an error names (a required one left empty too), not only caption it."""
        wrong = {f.path for f in self.findings if f.severity is Severity.ERROR and self.ctx.index.exact(f.path)}
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

    def _snapshot(self) -> ReportRecord:
        assert self.record is not None
        return self.record.copy()

    def _saved(self, outcome: tuple[SaveResult, list[PriorReport]]) -> None:
        result, prior = outcome
        self.editor_actions.apply_synced(result)
        self.prior_box.show_offers(prior)
        self.saved.emit(result)

    def _save_failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, EvidenceDeskError) else "an unexpected error (see the crash report)"
        self.save_status.setText(f"Not saved: {text}")
        set_role(self.save_status, "error")

    def _save_state(self, state: str) -> None:
        if state == "failed":
            return
        text = {"pending": "Unsaved changes", "saving": "Saving…"}.get(state, f"Saved {datetime.now():%H:%M:%S}")
        self.save_status.setText(text)
        set_role(self.save_status, "hint")

    def flush(self) -> bool:
        """Save pending changes now (before locking or closing); True if nothing is left unsaved."""
        self.findings_timer.stop()
        return self.record is None or self.autosave.flush()

    # -- what the reviewer does (EditorActions holds the steps) --------------------------------------

    def add_items(self, item_ids: list[str]) -> None:
        """Add queue items as files, pre-filled (read in a worker)."""
        self.editor_actions.add_items(item_ids)

    def set_file_viewed(self, index: int, viewed: bool, reason: str = "") -> None:
        """Set a file's viewed flag (a reason is needed against the custody log)."""
        self.editor_actions.set_file_viewed(index, viewed, reason)

    def remove_file(self, index: int) -> None:
        """Take a file out of the report."""
        self.editor_actions.remove_file(index)

    def record_ncmec_report_id(self, text: str) -> None:
        """Record the report id NCMEC gave this report (checked here, stored in a worker)."""
        self.editor_actions.record_ncmec_report_id(text)
