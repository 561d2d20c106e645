"""The submission strip of a report's editor header: its state, and what can be done about it now.

``SubmissionBarWidget`` shows ``SubmissionStateWidget`` and the one or two actions that fit the
state: "Submit to NCMEC…" for a draft with no errors (or a retracted report, which may be sent
again), Resume and Retract for a report open at NCMEC or waiting for a decision, nothing while it
is being sent or once it is filed. It only asks; the controller does the work.
"""

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.domain.submission import SubmissionState, SubmissionStatus
from desktop_app.ui.submission.state import SubmissionStateWidget

_SENDABLE = (SubmissionState.DRAFT, SubmissionState.RETRACTED)
_UNDECIDED = (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION)


class SubmissionBarWidget(QWidget):
    """State plus actions. Signals carry nothing: the bar belongs to one report."""

    submit_requested = Signal()
    resume_requested = Signal()
    retract_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status: SubmissionStatus | None = None
        self.ready = False
        self.state = SubmissionStateWidget()
        self.submit_button = QPushButton("Submit to NCMEC…")
        self.submit_button.clicked.connect(self.submit_requested)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Upload what NCMEC does not have yet and finish the report.")
        self.resume_button.clicked.connect(self.resume_requested)
        self.retract_button = QPushButton("Retract…")
        self.retract_button.setToolTip("Ask NCMEC to discard the open report. Nothing is filed.")
        self.retract_button.clicked.connect(self.retract_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.state)
        for button in (self.submit_button, self.resume_button, self.retract_button):
            layout.addWidget(button)
        layout.addStretch(1)
        self._update_actions()

    def show_status(self, status: SubmissionStatus | None, now: datetime) -> None:
        """Show the report's submission state as of ``now``."""
        self.status = status
        self.state.show_status(status, now)
        self._update_actions()

    def set_ready(self, ready: bool) -> None:
        """Whether the report has no errors left (only then can it be submitted)."""
        self.ready = ready
        self._update_actions()

    def set_ready_from(self, findings: list[Finding]) -> None:
        """Ready when none of the editor's findings is an error."""
        self.set_ready(not any(finding.severity is Severity.ERROR for finding in findings))

    def _update_actions(self) -> None:
        state = self.status.state if self.status is not None else SubmissionState.DRAFT
        sendable = state in _SENDABLE
        self.submit_button.setVisible(sendable)
        self.submit_button.setEnabled(sendable and self.ready)
        self.submit_button.setToolTip(
            "Check the report, choose where it goes, and send it."
            if self.ready
            else "The report still has errors: fix them (see the findings on the right) before submitting."
        )
        known = self.status is not None and bool(self.status.ncmec_report_id)
        self.resume_button.setVisible(state in _UNDECIDED)
        # Without NCMEC's number (a submit whose answer never came) there is nothing to resume or retract:
        # the dialog explains and offers to send the report again.
        self.resume_button.setText("Resume" if known else "Decide…")
        self.retract_button.setVisible(state in _UNDECIDED and known)
