"""The retention view's query: every held item and report by deadline, with what holds it and why.

Nothing here deletes: an item whose holds have all ended is *retention review due* and waits for a
person (``DestructionService``). ``reminders`` is what the app shows right after unlocking.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.holds import Hold, HoldSource, Retention, retention_of
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.holds import HoldStore

REMINDER_WINDOW = timedelta(days=14)
"""How far ahead an unlock reminds of 2703(f) holds about to lapse (time to ask for a renewal)."""


@dataclass(frozen=True)
class RetentionRow:
    """One item or report in the retention view."""

    kind: str  # 'item' | 'report'
    subject_id: str
    until: datetime | None  # latest end of the active holds; None when indefinite or nothing holds it
    indefinite: bool
    review_due: bool
    held_by_request: bool
    holds: tuple[Hold, ...]  # the active holds (the ended ones when review is due)
    destroyed_at: datetime | None = None

    @property
    def status(self) -> str:
        """One phrase: what the reviewer needs to know first."""
        if self.destroyed_at is not None:
            return f"destroyed on {self.destroyed_at:%Y-%m-%d}"
        if self.review_due:
            return "retention review due"
        if self.indefinite:
            return "held until released"
        return f"held until {self.until:%Y-%m-%d}" if self.until else "not held"

    @property
    def why(self) -> list[str]:
        """What holds it, one line per hold (what held it, once nothing does)."""
        ended = self.review_due or self.destroyed_at is not None
        return [f"ended: {hold.why}" if ended else hold.why for hold in self.holds]


@dataclass(frozen=True)
class RetentionFilter:
    """The view's filters; all set ones must match."""

    due_within: timedelta | None = None  # deadline within this time from now (review due included)
    review_due: bool = False
    held_by_request: bool = False
    include_destroyed: bool = True


@dataclass(frozen=True)
class Reminder:
    """Something to tell the reviewer at unlock."""

    code: str  # 'review-due' | 'request-lapsing'
    message: str
    subject_ids: tuple[str, ...]


def _row(kind: str, subject: str, retention: Retention, destroyed: datetime | None) -> RetentionRow:
    shown = retention.active if retention.active else retention.ended
    return RetentionRow(
        kind,
        subject,
        retention.until,
        retention.indefinite,
        retention.review_due and destroyed is None,
        retention.held_by_request,
        shown,
        destroyed,
    )


class RetentionService:
    """Reads deadlines; the clock is injected so tests can stand anywhere in a hold's life."""

    def __init__(self, workspace: Workspace, holds: HoldService, now: Callable[[], datetime] | None = None) -> None:
        self._workspace = workspace
        self._holds = holds
        self._now = now or (lambda: datetime.now(UTC))

    def rows(self, wanted: RetentionFilter = RetentionFilter()) -> list[RetentionRow]:
        """Items, then reports, each soonest deadline first (review due before anything else)."""
        now = self._now()
        holds = self._holds.holds()
        with self._workspace.db.read() as reader:
            destroyed = {k: v[0] for k, v in HoldStore(self._workspace.fields()).destructions(reader.conn).items()}
        item_ids = sorted({item_id for hold in holds for item_id in hold.items})
        rows = [_row("item", i, retention_of(i, holds, now), destroyed.get(i)) for i in item_ids]
        for report_id in sorted({h.report_id for h in holds if h.report_id is not None}):
            mine = [h for h in holds if h.report_id == report_id or set(h.items) & self._report_items(holds, report_id)]
            retention = Retention(
                report_id, tuple(h for h in mine if h.is_active(now)), tuple(h for h in mine if not h.is_active(now))
            )
            rows.append(_row("report", report_id, retention, None))
        return sorted((r for r in rows if self._matches(r, wanted, now)), key=self._order)

    @staticmethod
    def _report_items(holds: list[Hold], report_id: str) -> set[str]:
        return {i for h in holds if h.report_id == report_id for i in h.items}

    @staticmethod
    def _matches(row: RetentionRow, wanted: RetentionFilter, now: datetime) -> bool:
        if row.destroyed_at is not None and not wanted.include_destroyed:
            return False
        if wanted.review_due and not row.review_due:
            return False
        if wanted.held_by_request and not row.held_by_request:
            return False
        if wanted.due_within is not None:
            soon = row.until is not None and row.until <= now + wanted.due_within
            return row.review_due or soon
        return True

    @staticmethod
    def _order(row: RetentionRow) -> tuple[int, int, datetime, str]:
        far = datetime.max.replace(tzinfo=UTC)
        return (0 if row.kind == "item" else 1, 0 if row.review_due else 1, row.until or far, row.subject_id)

    def reminders(self, window: timedelta = REMINDER_WINDOW) -> list[Reminder]:
        """What to tell the reviewer at unlock: reviews due, and 2703(f) holds lapsing within ``window``."""
        now = self._now()
        found = []
        due = [r.subject_id for r in self.rows(RetentionFilter(review_due=True)) if r.kind == "item"]
        if due:
            verb = "is" if len(due) == 1 else "are"
            message = f"{plural(len(due), 'item')} {verb} no longer held: retention review due."
            found.append(Reminder("review-due", message, tuple(due)))
        lapsing = [
            h
            for h in self._holds.holds()
            if h.source is HoldSource.REQUEST_2703F
            and h.is_active(now)
            and h.ends_at is not None
            and h.ends_at <= now + window
        ]
        for hold in lapsing:
            assert hold.ends_at is not None
            found.append(
                Reminder(
                    "request-lapsing",
                    f"The 2703(f) hold {hold.details.reference or hold.hold_id[:8]} lapses on {hold.ends_at:%Y-%m-%d} "
                    "unless the requester renews it.",
                    (hold.hold_id,),
                )
            )
        return found
