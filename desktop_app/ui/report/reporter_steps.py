"""The report editor's steps about who reports and what came before: the profile, citations, NCMEC's id.

Saving the reporter profile and recording NCMEC's report id are not draft edits: the service
stores them, and logs them, at once. Using the profile and citing an earlier report are draft edits,
so the usual recheck and autosave follow. ``ReporterSteps`` works on the editor's state through
``EditorState``, which ``ReportEditorController`` satisfies; it never imports the controller.
"""

from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.cybertipline.model import Node
from desktop_app.core.errors import EvidenceDeskError, NcmecReportIdInvalid
from desktop_app.core.services.report_building import ncmec_report_id_from_text
from desktop_app.core.services.reports import PriorReport, ReportRecord, ReportService
from desktop_app.ui.report.extras import NcmecReportIdBar, PriorReportsBox, ProfileBar
from desktop_app.ui.worker import WorkerPool


class ReporterView(Protocol):
    """The parts of the editor these steps update."""

    profile_bar: ProfileBar
    prior_box: PriorReportsBox
    ncmec_bar: NcmecReportIdBar

    def rebuild(self, keys: list[str] | None = None) -> None: ...  # noqa: D102 - the widget documents it


class EditorState(Protocol):
    """What the steps need of the editor's controller."""

    known_ids: frozenset[int]

    @property
    def record(self) -> ReportRecord | None: ...  # noqa: D102

    def changed(self) -> None: ...  # noqa: D102
    def refresh_findings(self) -> None: ...  # noqa: D102


class ReporterSteps(QObject):
    """Profile, citations and NCMEC's report id for one report being edited.

    Signals:
        ncmec_id_recorded(object): the stored ``ReportRecord`` after NCMEC's report id was recorded.
    """

    ncmec_id_recorded = Signal(object)

    def __init__(
        self,
        state: EditorState,
        view: ReporterView,
        service: ReportService,
        pool: WorkerPool,
        report_id: str,
        widget: QWidget,
    ) -> None:
        super().__init__(widget)
        self._state = state
        self._view = view
        self._service = service
        self._pool = pool
        self._report_id = report_id
        self._widget = widget
        view.profile_bar.use_requested.connect(self.use_profile)
        view.profile_bar.save_requested.connect(self.save_profile)
        view.prior_box.cite_requested.connect(self.cite)
        view.ncmec_bar.record_requested.connect(self.record_ncmec_report_id)

    def _draft_report(self) -> Node | None:
        record = self._state.record
        return record.draft.report if record is not None else None

    # -- profile and citations ---------------------------------------------------------------------

    def use_profile(self) -> None:
        """Replace the reporter part with the saved profile."""
        worker = self._pool.run(self._service.reporter_profile, context=self)
        worker.result.connect(self._profile_arrived)
        worker.error.connect(self._failed)

    def _profile_arrived(self, profile: Node | None) -> None:
        if profile is None:
            self._view.profile_bar.show_status("No profile saved yet: fill in this section and save it.")
            return
        report = self._draft_report()
        if report is None:
            return
        report.remove("reporter")
        report.append(profile)
        self._view.rebuild(["reporter"])
        self._view.profile_bar.show_status("Filled from your saved profile.")
        self._state.changed()

    def save_profile(self) -> None:
        """Keep the reporter part as the profile for new reports."""
        report = self._draft_report()
        reporter = report.get("reporter") if report is not None else None
        if reporter is None:
            return
        worker = self._pool.run(self._service.save_reporter_profile, reporter.copy(), context=self)
        worker.result.connect(self._profile_saved)
        worker.error.connect(self._failed)

    def _profile_saved(self, _: object) -> None:
        self._view.profile_bar.show_status("Saved as your reporter profile.")

    def cite(self, offer: PriorReport) -> None:
        """Add an earlier report's NCMEC id to the reported user's prior reports."""
        report = self._draft_report()
        persons = report.all("personOrUserReported") if report is not None else []
        if offer.person_index >= len(persons):
            return
        persons[offer.person_index].add("priorCTReports", offer.ncmec_report_id)
        self._view.rebuild(["reported"])
        self._view.prior_box.show_offers([])
        self._state.changed()

    # -- NCMEC's report id ------------------------------------------------------------------------------

    def record_ncmec_report_id(self, text: str) -> None:
        """Check the typed id now; record it in a worker (a custody event), then show it."""
        try:
            number = ncmec_report_id_from_text(text)
        except NcmecReportIdInvalid as problem:
            self._view.ncmec_bar.show_problem(problem.message)
            return
        worker = self._pool.run(self._service.record_ncmec_report_id, self._report_id, number, context=self)
        worker.result.connect(self._ncmec_id_recorded)
        worker.error.connect(self._ncmec_id_failed)

    def _ncmec_id_failed(self, exc: BaseException) -> None:
        # Anything but an expected error already went to the crash handler; the button comes back either way.
        self._view.ncmec_bar.show_problem(exc.message if isinstance(exc, EvidenceDeskError) else "")

    def _ncmec_id_recorded(self, stored: ReportRecord) -> None:
        record, number = self._state.record, stored.ncmec_report_id
        if record is None or number is None:
            return
        previous = record.ncmec_report_id
        record.ncmec_report_id = number  # the draft's own copy: later autosaves keep the stored one anyway
        known = self._state.known_ids - ({previous} if previous is not None else set())
        self._state.known_ids = known | {number}
        self._view.ncmec_bar.show_recorded(
            number, "Recorded. Later reports about the same account will offer to cite it."
        )
        self._state.refresh_findings()  # the file details now carry NCMEC's id
        self.ncmec_id_recorded.emit(stored)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):  # anything else already went to the crash handler
            QMessageBox.warning(self._widget, "Report", exc.message)
