"""The parts of the submission dialog that are not its state machine: what goes, the outcome, the buttons.

``plan_and_check`` reads, in the worker, what a submit would send and whether it can be sent yet;
``plan_words`` says it in one line. ``OutcomeLabel`` says what the reviewer should do once the work
ended. The bottom row (``SubmissionButtons``) says what is happening now, then offers the buttons.

Which buttons show depends on where the work is: Go before it starts; Cancel while it runs; Close
once it ended, with Resume and Retract beside it while the report is open at NCMEC, or Send again
when a submit's outcome is unknown (``decision``). The dialog says when the work starts and ends;
this module knows what that means for the row.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import Environment, SubmissionPlan, SubmissionState, SubmissionStatus
from desktop_app.core.errors import CredentialsMissing
from desktop_app.ui.submission.environment import LOOKS
from desktop_app.ui.submission.steps import size_words
from desktop_app.ui.submission.texts import GO, SubmissionMode, escape
from desktop_app.ui.theme import set_role

_OUTCOME_ROLES = {"ok": "ok", "notice": "notice", "problem": "problem", "neutral": "neutral"}


def plan_and_check(service: Any, report_id: str, environment: Environment) -> tuple[SubmissionPlan, str]:
    """Runs in the worker: what would be sent, and why it cannot be yet (no credentials saved), if so."""
    plan = service.plan(report_id, environment)
    if environment is Environment.PRACTICE:
        return plan, ""
    try:
        service.credentials.require(service.endpoint(environment))
    except CredentialsMissing as missing:
        return plan, missing.message
    return plan, ""


def plan_words(plan: SubmissionPlan) -> str:
    """What a submit sends, in one line of markup: the title, the report, its files and where it goes."""
    files = (
        "text only, no files"
        if plan.file_count == 0
        else f"{plural(plan.file_count, 'file')}, {size_words(plan.total_bytes)}"
    )
    return f"<b>{escape(plan.title)}</b> · report {plan.report_id[:8]} · {files} · {escape(plan.endpoint)}"


class OutcomeLabel(QLabel):
    """What the reviewer should do now, in the tone's colours (hidden until there is something to say)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("Outcome")
        self.hide()

    def show_outcome(self, text: str, tone: str, headline: str = "") -> None:
        """Plain ``text`` (escaped here) under an optional bold ``headline``, in the tone's colours."""
        set_role(self, _OUTCOME_ROLES.get(tone, "problem"))
        body = escape(text)
        self.setText(f"<b>{escape(headline)}</b><br>{body}" if headline else body)
        self.setVisible(bool(text or headline))


class SubmissionButtons:
    """The bottom row of the submission dialog; ``row`` is the layout to add.

    Args:
        mode: What the dialog does first (the Go button's words).
        go, resume, retract, send_again, cancel, close: What each button does.
    """

    def __init__(
        self,
        mode: SubmissionMode,
        go: Callable[[], None],
        resume: Callable[[], None],
        retract: Callable[[], None],
        send_again: Callable[[], None],
        cancel: Callable[[], None],
        close: Callable[[], None],
    ) -> None:
        self.now_label = QLabel()
        # It quotes NCMEC's descriptions while a step waits to try again: never read as markup.
        self.now_label.setTextFormat(Qt.TextFormat.PlainText)
        self.now_label.setProperty("role", "hint")
        self.now_label.setAccessibleName("What is happening now")
        self.go_button = _button(GO[mode], "", go, shown=True)
        self.go_button.setProperty("role", "primary")
        self.go_button.setEnabled(False)
        self.resume_button = _button("Resume", "Upload what is missing and finish the report at NCMEC.", resume)
        self.retract_button = _button("Retract at NCMEC", "NCMEC discards the open report; nothing is filed.", retract)
        self.send_again_button = _button(
            "Send again…", "Record that the earlier attempt is set aside, then submit afresh.", send_again
        )
        self.cancel_button = _button("Cancel", "", cancel, shown=True)
        self.close_button = _button("Close", "", close)
        self.row = QHBoxLayout()
        self.row.addWidget(self.now_label, 1)
        decisions = (self.retract_button, self.resume_button, self.send_again_button, self.cancel_button)
        for button in (*decisions, self.close_button, self.go_button):
            self.row.addWidget(button)

    def show_running(self) -> None:
        """The work started: only Cancel, and the first words of what is happening."""
        self.go_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        for button in (self.resume_button, self.retract_button, self.send_again_button, self.close_button):
            button.hide()
        self.now_label.setText("Starting…")

    def show_ended(self) -> None:
        """The work ended: Close (the decisions follow with ``offer``)."""
        self.cancel_button.hide()
        self.go_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.now_label.setText("")

    def offer(self, status: SubmissionStatus) -> None:
        """Resume and Retract for a report open at NCMEC; Send again for a submit never heard back from."""
        choice = decision(status)
        self.resume_button.setVisible(choice == "open")
        self.retract_button.setVisible(choice == "open")
        self.send_again_button.setVisible(choice == "unknown")


def go_text(mode: SubmissionMode, environment: Environment) -> str:
    """The Go button's words: where a submit goes (production asks once more, hence the dots)."""
    if mode is not SubmissionMode.SUBMIT:
        return GO[mode]
    look = LOOKS[environment]
    return f"Send to {look.short}" + ("…" if environment is Environment.PRODUCTION else "")


def decision(status: SubmissionStatus) -> str:
    """What the reviewer can decide: "open" (resume or retract), "unknown" (send again), or "" (nothing)."""
    if status.state not in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION):
        return ""
    # NCMEC may hold a report from a submit we never heard back from; without its id it can be neither
    # finished nor withdrawn.
    return "open" if status.ncmec_report_id else "unknown"


def _button(text: str, tip: str, slot: Callable[[], None], shown: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    if not shown:
        button.hide()  # (showing a button that has no parent yet would open it as a window)
    return button
