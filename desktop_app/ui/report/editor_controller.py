"""The report editor's controller: the report being edited, and everything done to it beyond typing.

``ReportEditorController`` holds the record, the custody log's view of its files and the NCMEC
ids the workspace recorded; it loads them in a worker, rechecks the report as it changes,
autosaves it off the GUI thread (each stored change becomes a custody event), and carries out
the reviewer's steps through ``FileSteps`` (``file_steps.py``: the files and their viewed flags)
and ``ReporterSteps`` (``reporter_steps.py``: the reporter profile, citations, NCMEC's report id).

It drives the editor widget through ``EditorView`` (pages to rebuild, bars to update) and never
imports it: the widget makes its controller, not the other way round.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.cybertipline.findings import Finding
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.report_building import (
    check_record,
)
from desktop_app.core.services.reports import PriorReport, ReportRecord, ReportService, SaveResult
from desktop_app.ui.report.autosave import AutosaveController
from desktop_app.ui.report.extras import NcmecReportIdBar, PriorReportsBox, ProfileBar
from desktop_app.ui.report.file_steps import FileSteps
from desktop_app.ui.report.files_page import FilesPage
from desktop_app.ui.report.reporter_steps import ReporterSteps
from desktop_app.ui.theme import set_role
from desktop_app.ui.worker import Worker, WorkerPool

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


class EditorView(Protocol):
    """What the controller needs of the editor widget."""

    files_page: FilesPage
    profile_bar: ProfileBar
    prior_box: PriorReportsBox
    ncmec_bar: NcmecReportIdBar
    save_status: QLabel

    def rebuild(self, keys: list[str] | None = None) -> None: ...  # noqa: D102 - the widget documents it
    def show_section(self, key: str) -> None: ...  # noqa: D102
    def show_loaded(self, loaded: LoadedReport) -> None: ...  # noqa: D102
    def show_findings(self, findings: list[Finding]) -> None: ...  # noqa: D102


class ReportEditorController(QObject):
    """One report being edited (see the module docstring).

    Args:
        service: The report service.
        pool: Runs loading, saving and every read.
        report_id: The report to edit.
        view: The editor widget it drives.
        widget: The same widget as a QWidget: the controller's parent and its dialogs' parent.
        now: The clock the checks use.
    """

    loaded = Signal()
    saved = Signal(object)  # SaveResult
    findings_updated = Signal(list)
    ncmec_id_recorded = Signal(object)  # the stored ReportRecord

    def __init__(
        self,
        service: ReportService,
        pool: WorkerPool,
        report_id: str,
        view: EditorView,
        widget: QWidget,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__(widget)
        self.service = service
        self.pool = pool
        self.report_id = report_id
        self.view = view
        self._widget = widget
        self._now = now
        self.record: ReportRecord | None = None
        self.logged: dict[str, bool] = {}
        self.known_ids: frozenset[int] = frozenset()
        self.findings: list[Finding] = []
        self.autosave = AutosaveController(pool, lambda r: save_report(self.service, r), self._snapshot, parent=self)
        self.autosave.saved.connect(self._saved)
        self.autosave.failed.connect(self._save_failed)
        self.autosave.state_changed.connect(self._save_state)
        self.findings_timer = QTimer(self)
        self.findings_timer.setSingleShot(True)
        self.findings_timer.setInterval(FINDINGS_DELAY_MS)
        self.findings_timer.timeout.connect(self.refresh_findings)
        # The files, and the reporter profile, citations and NCMEC's report id, have steps of their own.
        self.files = FileSteps(self, view, service, pool, widget)
        self.reporter = ReporterSteps(self, view, service, pool, report_id, widget)
        self.reporter.ncmec_id_recorded.connect(self.ncmec_id_recorded.emit)

    # -- loading, checking, saving ---------------------------------------------------------------

    def load(self) -> Worker:
        """Read the report in a worker, then show it."""
        worker = self.pool.run(load_report, self.service, self.report_id, context=self)
        worker.result.connect(self._loaded)
        worker.error.connect(self._load_failed)
        return worker

    def _loaded(self, loaded: LoadedReport) -> None:
        self.record = loaded.record
        self.logged = dict(loaded.logged)
        self.known_ids = loaded.known_ids
        self.view.show_loaded(loaded)
        self.refresh_findings()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, EvidenceDeskError) else "The report could not be opened."
        self.view.save_status.setText(text)
        set_role(self.view.save_status, "error")

    def changed(self) -> None:
        """The record changed: recheck soon, save a moment later."""
        self.findings_timer.start()
        self.autosave.schedule()

    def refresh_findings(self) -> None:
        """Recheck the whole report now."""
        if self.record is None:
            return
        self.findings = check_record(
            self.record, now=self._now(), xsd=self.service.ncmec_xsd(), known_ncmec_ids=self.known_ids
        )
        self.view.show_findings(self.findings)
        self.findings_updated.emit(self.findings)

    def _snapshot(self) -> ReportRecord:
        assert self.record is not None
        return self.record.copy()

    def _saved(self, outcome: tuple[SaveResult, list[PriorReport]]) -> None:
        result, prior = outcome
        self.files.apply_synced(result)
        self.view.prior_box.show_offers(prior)
        self.saved.emit(result)

    def _save_failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, EvidenceDeskError) else "an unexpected error (see the crash report)"
        self.view.save_status.setText(f"Not saved: {text}")
        set_role(self.view.save_status, "error")

    def _save_state(self, state: str) -> None:
        if state == "failed":
            return
        text = {"pending": "Unsaved changes", "saving": "Saving…"}.get(state, f"Saved {datetime.now():%H:%M:%S}")
        self.view.save_status.setText(text)
        set_role(self.view.save_status, "hint")

    def flush(self) -> bool:
        """Save pending changes now (before locking or closing); True if nothing is left unsaved."""
        self.findings_timer.stop()
        return self.record is None or self.autosave.flush()
