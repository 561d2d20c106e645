"""Submission actions for the whole window: open the dialog, read states, offer unfinished work.

``SubmissionController`` is built by the main window with the core's ``SubmissionService``; the
Reports page asks it to submit, resume or retract a report and to read the states of the reports it
lists, and the window asks it, after every unlock, to offer the submissions left unfinished.
``status_changed(str)`` tells the page to re-read a report's state.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.core.cybertipline.endpoint import PRODUCTION_URL, TEST_URL, CredentialStore
from desktop_app.core.domain.submission import Environment, SubmissionStatus
from desktop_app.ui.submission.dialog import SubmissionDialog
from desktop_app.ui.submission.resume_offer import ResumeOfferDialog
from desktop_app.ui.submission.texts import SubmissionMode
from desktop_app.ui.worker import WorkerPool


def environment_for(endpoint: str, credentials: CredentialStore | None = None) -> Environment:
    """Where "Submit" points first: the configured NCMEC service once its credentials are saved, else Practice.

    Practice sends nothing anywhere, so it is the safe first choice for a reviewer who has not set up
    NCMEC yet; the dialog lets the reviewer choose another before anything is sent.
    """
    environment = {TEST_URL: Environment.TEST, PRODUCTION_URL: Environment.PRODUCTION}.get(endpoint)
    if environment is None or credentials is None or credentials.load(endpoint) is None:
        return Environment.PRACTICE
    return environment


def read_statuses(service: Any, report_ids: list[str]) -> dict[str, SubmissionStatus]:
    """Runs in a worker: the submission state of each listed report that was ever sent."""
    wanted = set(report_ids)
    return {status.report_id: status for status in service.all_statuses() if status.report_id in wanted}


def read_unfinished(service: Any, reports: Any) -> tuple[list[SubmissionStatus], dict[str, str]]:
    """Runs in a worker: the unfinished submissions and a title for each of their reports."""
    unfinished = list(service.unfinished())
    titles: dict[str, str] = {}
    if unfinished and reports is not None:
        for summary in reports.list_reports():
            titles[summary.report_id] = f"{summary.incident_type or 'Report'} ({summary.report_id[:8]})"
    return unfinished, titles


class SubmissionController(QObject):
    """See the module docstring.

    Args:
        service: The core's ``SubmissionService``.
        pool: The worker pool every read and submission runs on.
        window: The parent of the dialogs.
        default_environment: Where "Submit" points first (the connection's environment).
        reports: The report service, for titles in the resume offer (optional).
        now: The clock for "time left".
    """

    status_changed = Signal(str)

    def __init__(
        self,
        service: Any,
        pool: WorkerPool,
        window: QWidget,
        default_environment: Callable[[], Environment] = lambda: Environment.PRACTICE,
        reports: Any = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(window)
        self.service = service
        self.pool = pool
        self.window = window
        self.default_environment = default_environment
        self.reports = reports
        self.now = now or (lambda: datetime.now(UTC))
        self.dialog: SubmissionDialog | None = None
        self.offer: ResumeOfferDialog | None = None

    def submit(self, report_id: str) -> SubmissionDialog:
        """Open the submission dialog for a report (it plans first; nothing is sent before "Send")."""
        return self._open(report_id, SubmissionMode.SUBMIT)

    def resume(self, report_id: str) -> SubmissionDialog:
        """Open the dialog to finish an open report."""
        return self._open(report_id, SubmissionMode.RESUME)

    def retract(self, report_id: str) -> SubmissionDialog:
        """Open the dialog to retract an open report (it asks before doing it)."""
        return self._open(report_id, SubmissionMode.RETRACT)

    def _open(self, report_id: str, mode: SubmissionMode) -> SubmissionDialog:
        if self.dialog is not None and self.dialog.isVisible() and self.dialog.running:
            self.dialog.raise_()  # one submission at a time: the reviewer watches one clock
            return self.dialog
        dialog = SubmissionDialog(
            self.service, self.pool, report_id, mode, self.default_environment(), self.window, now=self.now
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.status_changed.connect(self.status_changed)
        dialog.destroyed.connect(self._dialog_gone)
        self.dialog = dialog
        dialog.resize(900, 560)
        dialog.open()
        return dialog

    def _dialog_gone(self) -> None:
        self.dialog = None

    def shutdown(self) -> None:
        """The window is closing: stop a running submission at its next step (it stays resumable)."""
        if self.dialog is not None and self.dialog.running:
            self.dialog.reject()

    # -- after unlocking -------------------------------------------------------------------------

    def offer_resume(self) -> None:
        """Read the unfinished submissions in a worker and, if there are any, offer them."""
        worker = self.pool.run(read_unfinished, self.service, self.reports, context=self)
        worker.result.connect(self._unfinished_read)

    def _unfinished_read(self, found: tuple[list[SubmissionStatus], dict[str, str]]) -> None:
        unfinished, titles = found
        if not unfinished:
            return
        if self.offer is not None:
            self.offer.close()
        offer = ResumeOfferDialog(unfinished, titles, self.now, self.window)
        offer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        offer.resume_requested.connect(self.resume)
        offer.retract_requested.connect(self.retract)
        offer.destroyed.connect(self._offer_gone)
        self.offer = offer
        offer.open()

    def _offer_gone(self) -> None:
        self.offer = None
