"""After unlocking: the submissions that were left unfinished, each with NCMEC's clock.

An unfinished report is open at NCMEC (or waiting for a decision) because the app was closed, the
workspace locked, the network failed or the process died mid-submission. NCMEC discards an open
report 24 h after opening it or 1 h after its last change, so this dialog lists each one with the
time left and offers Resume or Retract for it; "Later" leaves them, and the Reports page keeps
showing their state and clock.
"""

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.submission import SubmissionStatus
from desktop_app.ui.submission.environment import badge_style, look_of
from desktop_app.ui.submission.state import describe, text_tooltip, tone_style


class ResumeOfferDialog(QDialog):
    """Lists unfinished submissions; ``resume_requested(str)`` / ``retract_requested(str)`` carry a report id."""

    resume_requested = Signal(str)
    retract_requested = Signal(str)

    def __init__(
        self,
        unfinished: list[SubmissionStatus],
        titles: dict[str, str],
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unfinished submissions")
        self.setMinimumWidth(640)
        title = QLabel("Reports still open at NCMEC")
        title.setProperty("role", "title")
        hint = QLabel(
            "These submissions did not finish. NCMEC discards an unfinished report 24 hours after opening it, or "
            "1 hour after its last change: resume one to upload what is missing and finish it, or retract it."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        rows = QVBoxLayout()
        rows.setSpacing(8)
        self.resume_buttons: dict[str, QPushButton] = {}
        self.retract_buttons: dict[str, QPushButton] = {}
        moment = now()
        for status in unfinished:
            rows.addWidget(self._card(status, titles, moment))
        buttons = QDialogButtonBox()
        later = buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        later.setToolTip("Keep them open; the Reports page shows each one's state and time left.")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(rows)
        layout.addWidget(buttons)

    def _card(self, status: SubmissionStatus, titles: dict[str, str], moment: datetime) -> QFrame:
        """One unfinished submission: environment and report on top, its clock and the two choices below."""
        card = QFrame()
        card.setProperty("role", "card")
        look = look_of(status.environment)
        environment = QLabel(look.short if look is not None else "?")
        if status.environment is not None:
            environment.setStyleSheet(badge_style(status.environment))
        name = QLabel(titles.get(status.report_id) or f"Report {status.report_id[:8]}")
        name.setProperty("role", "strong")
        name.setWordWrap(True)
        text = describe(status, moment)
        state = QLabel(" · ".join(part for part in (text.state, text.clock) if part))  # the badge names where
        state.setStyleSheet(tone_style(text.tone))
        state.setToolTip(text_tooltip(text.long))
        known = bool(status.ncmec_report_id)  # without NCMEC's number there is nothing to resume or retract
        resume = QPushButton("Resume" if known else "Decide…")
        resume.clicked.connect(lambda _=False, rid=status.report_id: self._chosen(self.resume_requested, rid))
        retract = QPushButton("Retract…")
        if not known:
            retract.hide()  # (never show() a widget before it has a parent: it would open as a window)
        retract.clicked.connect(lambda _=False, rid=status.report_id: self._chosen(self.retract_requested, rid))
        self.resume_buttons[status.report_id] = resume
        self.retract_buttons[status.report_id] = retract
        top = QHBoxLayout()
        top.addWidget(environment)
        top.addWidget(name, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(state)
        bottom.addStretch(1)
        bottom.addWidget(resume)
        bottom.addWidget(retract)
        column = QVBoxLayout(card)
        column.setContentsMargins(12, 10, 12, 10)
        column.addLayout(top)
        column.addLayout(bottom)
        return card

    def _chosen(self, signal: SignalInstance, report_id: str) -> None:
        self.accept()
        signal.emit(report_id)
