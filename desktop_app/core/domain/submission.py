"""Submissions: a report's journey through NCMEC's CyberTipline API, as pure types.

A submission opens a report at NCMEC (``/submit``), adds its files (``/upload``, ``/fileinfo``)
and files it (``/finish``), or withdraws it (``/retract``). These types are what the service
yields while it works and what a report shows wherever it appears; they hold no I/O. The rules that
are pure arithmetic (NCMEC's discard time, the preservation period) live here too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from desktop_app.core.progress import Progress

PRODUCTION_URL = "https://report.cybertip.org/ispws"
TEST_URL = "https://exttest.cybertip.org/ispws"
# NCMEC discards an unfinished report at max(opened + 24 h, last change + 1 h).
OPEN_LIFETIME = timedelta(hours=24)
IDLE_LIFETIME = timedelta(hours=1)
# A finished report is a request to preserve its contents for one year (18 U.S.C. 2258A(h)(1)).
# 366 days: a year that contains 29 February is never cut short.
PRESERVATION_PERIOD = timedelta(days=366)
# How long before NCMEC's discard time a report that is still open is flagged as urgent.
EXPIRY_WARNING = timedelta(hours=2)


class Environment(StrEnum):
    """Where a report is sent. Each is unmistakable wherever a report or a connection is shown."""

    PRACTICE = "practice"
    TEST = "test"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        """What the reviewer reads."""
        return _LABELS[self]

    @property
    def base_url(self) -> str | None:
        """NCMEC's address for the environment; None for practice (its server is started locally)."""
        return _URLS[self]


_LABELS = {
    Environment.PRACTICE: "Practice (built-in server)",
    Environment.TEST: "NCMEC test (exttest)",
    Environment.PRODUCTION: "NCMEC PRODUCTION",
}
_URLS: dict[Environment, str | None] = {
    Environment.PRACTICE: None,
    Environment.TEST: TEST_URL,
    Environment.PRODUCTION: PRODUCTION_URL,
}


class SubmissionState(StrEnum):
    """Where a report stands with NCMEC.

    ``SUBMITTING``: ``/submit`` was sent and its answer is not yet recorded. ``OPEN``: NCMEC gave the
    report an id and it is not finished. ``NEEDS_DECISION``: something only the reviewer can settle
    (a ``/submit`` whose outcome is unknown, an open report that could neither be finished nor
    withdrawn). ``RETRACTED`` covers a report NCMEC discarded as well as one we withdrew.
    """

    DRAFT = "draft"
    SUBMITTING = "submitting"
    OPEN = "open"
    FINISHED = "finished"
    RETRACTED = "retracted"
    NEEDS_DECISION = "needs-decision"

    @property
    def label(self) -> str:
        """What the reviewer reads."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    SubmissionState.DRAFT: "Draft",
    SubmissionState.SUBMITTING: "Submitting",
    SubmissionState.OPEN: "Open at NCMEC",
    SubmissionState.FINISHED: "Finished",
    SubmissionState.RETRACTED: "Retracted",
    SubmissionState.NEEDS_DECISION: "Needs a decision",
}


@dataclass(frozen=True)
class StepProgress:
    """One row of the submission: a call to NCMEC and how it is going.

    ``key`` is ``submit``, ``upload:N``, ``fileinfo:N``, ``finish`` or ``retract`` (N counts files
    from 1); ``status`` is ``pending``, ``running``, ``retrying``, ``done``, ``failed`` or ``skipped``.
    """

    key: str
    label: str
    status: str
    bytes_done: int = 0
    bytes_total: int = 0
    detail: str = ""


@dataclass(frozen=True)
class SubmissionProgress(Progress):
    """What the submission generators yield: every step, the one running now, the upload speed.

    ``done``/``total`` (from ``Progress``) count bytes over the whole submission, so a generic
    progress bar works too.
    """

    steps: tuple[StepProgress, ...] = ()
    current: str = ""
    bytes_per_second: float | None = None


@dataclass(frozen=True)
class SubmissionStatus:
    """What a report shows wherever it appears: its state, NCMEC's ids, and what to do next."""

    report_id: str
    state: SubmissionState
    environment: Environment | None
    ncmec_report_id: str | None
    file_ids: tuple[str, ...]
    opened_at: datetime | None
    expires_at: datetime | None  # NCMEC's discard time for an open report
    finished_at: datetime | None
    last_code: int | None
    advice: str | None  # what the reviewer should do
    files_total: int = 0
    files_uploaded: int = 0
    receipt_blob_id: str | None = None
    interrupted: bool = False  # a step was under way when the process that ran it stopped

    def expiring(self, now: datetime) -> bool:
        """Whether NCMEC will discard this open report within ``EXPIRY_WARNING`` (or already has)."""
        return self.expires_at is not None and self.expires_at - now <= EXPIRY_WARNING

    @property
    def unfinished(self) -> bool:
        """Whether the reviewer still has something to settle with NCMEC."""
        return self.state in (SubmissionState.SUBMITTING, SubmissionState.OPEN, SubmissionState.NEEDS_DECISION)


@dataclass(frozen=True)
class SubmissionPlan:
    """What is about to be sent, shown before sending (production asks to confirm it)."""

    report_id: str
    title: str
    environment: Environment
    endpoint: str
    file_count: int
    total_bytes: int


def ncmec_expiry(opened_at: datetime, last_modified: datetime | None) -> datetime:
    """When NCMEC discards an unfinished report: 24 h after opening or 1 h after the last change."""
    latest = opened_at + OPEN_LIFETIME
    if last_modified is not None:
        latest = max(latest, last_modified + IDLE_LIFETIME)
    return latest


def preservation_until(finished_at: datetime) -> datetime:
    """The end of the preservation a finished report asks for (at least one year)."""
    return finished_at + PRESERVATION_PERIOD
