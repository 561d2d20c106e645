"""A report's submission state in words, wherever a report appears (the list, the editor header).

``describe(status, now)`` turns a ``SubmissionStatus`` into a short line, a longer explanation and
a tone (the theme's ok / notice / problem / neutral). An open report always says how long NCMEC
keeps it: NCMEC discards an unfinished report 24 h after it was opened or 1 h after its last
change, so "open" without a clock would hide the one fact the reviewer must act on.
``SubmissionStateWidget`` shows that line beside the environment's badge.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import EXPIRY_WARNING, SubmissionState, SubmissionStatus
from desktop_app.ui.submission.environment import badge_style, look_of
from desktop_app.ui.theme import (
    BORDER,
    NOTICE_BACKGROUND,
    NOTICE_BORDER,
    NOTICE_TEXT,
    OK_BACKGROUND,
    OK_BORDER,
    OK_TEXT,
    PROBLEM_BACKGROUND,
    PROBLEM_BORDER,
    PROBLEM_TEXT,
    SECONDARY_TEXT,
    WINDOW,
)

TONES = {
    "ok": (OK_TEXT, OK_BACKGROUND, OK_BORDER),
    "notice": (NOTICE_TEXT, NOTICE_BACKGROUND, NOTICE_BORDER),
    "problem": (PROBLEM_TEXT, PROBLEM_BACKGROUND, PROBLEM_BORDER),
    "neutral": (SECONDARY_TEXT, WINDOW, BORDER),
}


@dataclass(frozen=True)
class StateText:
    """A state in words, in parts so each place can lay it out: a list cell on two lines, a badge, a panel.

    ``state`` ("Open #1000003"), ``clock`` (an open report's time left, else empty), ``where`` (the
    environment's short name, empty for a draft), ``headline`` (a sentence for the top of a panel),
    ``long`` (the explanation and the advice) and ``tone`` (a key of ``TONES``).
    """

    state: str
    clock: str
    where: str
    headline: str
    long: str
    tone: str

    @property
    def short(self) -> str:
        """One line: state, clock, environment."""
        return " · ".join(part for part in (self.state, self.clock, self.where) if part)

    @property
    def two_lines(self) -> str:
        """For a list cell: the state, then where (and the clock)."""
        second = " · ".join(part for part in (self.where, self.clock) if part)
        return f"{self.state}\n{second}" if second else self.state


def time_left(expires_at: datetime | None, now: datetime) -> timedelta | None:
    """How long NCMEC keeps an open report (never negative); None when unknown."""
    if expires_at is None:
        return None
    return max(expires_at - now, timedelta(0))


def duration_words(span: timedelta) -> str:
    """``23 h 5 min``, ``47 min``, ``under a minute``."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def describe(status: SubmissionStatus | None, now: datetime) -> StateText:
    """The state of a report's submission, for people. None means it was never submitted."""
    if status is None or status.state is SubmissionState.DRAFT:
        advice = f" {status.advice}" if status is not None and status.advice else ""
        return StateText("Draft", "", "", "Not sent", f"Not sent to NCMEC.{advice}", "notice" if advice else "neutral")
    look = look_of(status.environment)
    where = look.short if look is not None else "NCMEC"
    number = f" #{status.ncmec_report_id}" if status.ncmec_report_id else ""
    advice = f" What to do: {status.advice}" if status.advice else ""
    state = status.state
    if state is SubmissionState.SUBMITTING and status.interrupted:
        return StateText("Interrupted", "", where, f"Interrupted while sent to {where}", status.advice or "", "problem")
    if state is SubmissionState.SUBMITTING:
        return StateText("Submitting…", "", where, f"Being sent to {where}", f"Being sent to {where} now.", "notice")
    if state is SubmissionState.OPEN:
        left = time_left(status.expires_at, now)
        headline = f"Open at {where}{number}, not finished"
        if left is None:
            return StateText(f"Open{number}", "", where, headline, f"Open at {where}, not finished.{advice}", "notice")
        if left <= timedelta(0):
            return StateText(
                f"Open{number}",
                "expired",
                where,
                headline,
                f"NCMEC has discarded this unfinished report by now: submit it again.{advice}",
                "problem",
            )
        words = duration_words(left)
        return StateText(
            f"Open{number}",
            f"{words} left",
            where,
            headline,
            f"Open at {where}{number} but not finished. NCMEC discards it in {words} unless you resume (finish) "
            f"or retract it.{advice}",
            "problem" if left < EXPIRY_WARNING else "notice",
        )
    if state is SubmissionState.FINISHED:
        when = f" on {status.finished_at.astimezone():%d %b %Y %H:%M}" if status.finished_at else ""
        files = len(status.file_ids)
        return StateText(
            f"Filed{number}",
            "",
            where,
            f"Filed with {where}: CyberTipline report{number}",
            f"Filed with {where}{when}: CyberTipline report{number}, {plural(files, 'file')}. "
            "NCMEC's receipt is kept in the vault, and the report's contents are preserved for at least one year "
            "from then.",
            "ok",
        )
    if state is SubmissionState.RETRACTED:
        # A retraction with advice is a refusal the reviewer must fix; one without is the reviewer's own choice.
        return StateText(
            "Retracted",
            "",
            where,
            f"Retracted at {where}: nothing was filed",
            f"Retracted at {where}: nothing was filed.{advice}",
            "notice" if advice else "neutral",
        )
    return StateText(
        "Needs a decision",
        "",
        where,
        f"Needs your decision ({where}{number})",
        f"The submission to {where} stopped where Evidence Desk cannot decide alone."
        f"{advice or ' Resume or retract it.'}",
        "problem",
    )


def text_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it as written, escaped inside a paragraph.

    Tooltips render anything that looks like markup as rich text, and a state's long text quotes
    NCMEC's descriptions (the server's words).
    """
    return f"<p>{escape(text)}</p>" if text else ""


def tone_style(tone: str) -> str:
    """A stylesheet for a small label in a tone's colours."""
    text, background, border = TONES[tone]
    return f"color: {text}; background: {background}; border: 1px solid {border};border-radius: 4px; padding: 2px 8px;"


class SubmissionStateWidget(QWidget):
    """The environment's badge (once sent somewhere) and the state in words, with the long text as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.environment_badge = QLabel()
        self.environment_badge.hide()
        self.state_label = QLabel()
        self.state_label.setAccessibleName("Submission state")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.environment_badge)
        layout.addWidget(self.state_label)
        self.text = describe(None, datetime.now().astimezone())
        self._apply()

    def show_status(self, status: SubmissionStatus | None, now: datetime) -> None:
        """Show ``status`` as of ``now``."""
        self.text = describe(status, now)
        environment = status.environment if status is not None and status.state is not SubmissionState.DRAFT else None
        look = look_of(environment)
        if environment is not None and look is not None:
            self.environment_badge.setText(look.short)
            self.environment_badge.setStyleSheet(badge_style(environment))
            self.environment_badge.setToolTip(look.meaning)
        self.environment_badge.setVisible(look is not None)
        self._apply()

    def _apply(self) -> None:
        # The badge beside it names the environment; the label gives the state and the clock.
        self.state_label.setText(" · ".join(part for part in (self.text.state, self.text.clock) if part))
        self.state_label.setToolTip(text_tooltip(self.text.long))
        self.state_label.setAccessibleDescription(self.text.long)
        self.state_label.setStyleSheet(tone_style(self.text.tone))
