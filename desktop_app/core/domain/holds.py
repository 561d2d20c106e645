"""Preservation holds: why an item or report must be kept, and until when.

A hold has a *source* (the legal or business reason), a *scope* (the items it covers, each with
the role it plays for the report) and a period. Holds compose: an item must be kept until the
latest end of its active holds, and a hold without an end (litigation, usually) keeps it until
someone releases that hold with a reason. Nothing here deletes anything; when every hold on an
item has ended, the item is *due for retention review* and a person decides.

Pure rules, no I/O: the clock is always passed in.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from desktop_app.core.domain.submission import preservation_until
from desktop_app.core.errors import EvidenceDeskError

REQUEST_PERIOD = timedelta(days=90)
"""What a 2703(f) request asks for, and what each renewed request adds."""


class HoldSource(StrEnum):
    """Why a hold exists. The values are stable: they are stored and logged."""

    REPORT_FINISHED = "2258A(h)(1)"  # a finished CyberTipline report: one year, automatic
    VOLUNTARY = "2258A(h)(5)"  # the provider keeps longer, for a stated purpose
    REQUEST_2703F = "2703(f)"  # a governmental preservation request: 90 days, renewable by 90
    LITIGATION = "litigation"
    OTHER = "other"

    @property
    def label(self) -> str:
        """What the reviewer reads."""
        return _LABELS[self]


_LABELS = {
    HoldSource.REPORT_FINISHED: "Finished CyberTipline report (18 U.S.C. 2258A(h)(1))",
    HoldSource.VOLUNTARY: "Voluntary extension (18 U.S.C. 2258A(h)(5))",
    HoldSource.REQUEST_2703F: "Preservation request (18 U.S.C. 2703(f))",
    HoldSource.LITIGATION: "Litigation hold",
    HoldSource.OTHER: "Other hold",
}


class ItemRole(StrEnum):
    """What an item is to the hold: a file of the report, its (h)(2) context, or chosen by hand."""

    REPORTED = "reported"
    CONTEXT = "context"
    CHOSEN = "chosen"


class HoldState(StrEnum):
    """Where a hold stands at a given moment."""

    ACTIVE = "active"
    ENDED = "ended"  # its period ran out
    RELEASED = "released"  # a person released it, with a reason


@dataclass(frozen=True)
class Renewal:
    """One extension of a hold's end."""

    at: datetime
    previous_end: datetime | None
    new_end: datetime | None
    reference: str = ""


@dataclass(frozen=True)
class HoldDetails:
    """What a hold says about itself beyond its dates (stored sealed: it names people and cases)."""

    purpose: str = ""
    requester: str = ""
    reference: str = ""
    note: str = ""
    renewals: tuple[Renewal, ...] = ()
    release_reason: str = ""


@dataclass(frozen=True)
class Hold:
    """One hold. ``ends_at`` None means "until released"."""

    hold_id: str
    source: HoldSource
    report_id: str | None
    started_at: datetime
    ends_at: datetime | None
    items: dict[str, ItemRole] = field(default_factory=dict)
    details: HoldDetails = HoldDetails()
    released_at: datetime | None = None
    derived_from: str | None = None  # set for automatic holds: what they were derived from

    def state(self, now: datetime) -> HoldState:
        """Released, ended or active at ``now``."""
        if self.released_at is not None:
            return HoldState.RELEASED
        if self.ends_at is not None and self.ends_at <= now:
            return HoldState.ENDED
        return HoldState.ACTIVE

    def is_active(self, now: datetime) -> bool:
        """Whether the hold still binds at ``now``."""
        return self.state(now) is HoldState.ACTIVE

    @property
    def why(self) -> str:
        """One line: the source and the detail that matters for it."""
        detail = {
            HoldSource.VOLUNTARY: self.details.purpose,
            HoldSource.REQUEST_2703F: " ".join(p for p in (self.details.requester, self.details.reference) if p),
        }.get(self.source, self.details.note or self.details.reference)
        return f"{self.source.label}: {detail}" if detail else self.source.label


def automatic_end(finished_at: datetime) -> datetime:
    """The end of the preservation a finished report asks for.

    At least a calendar year; the submission code's 366 days is never shorter than one (a report
    finished on 29 February is kept until 1 March at the earliest), so the two agree.
    """
    return preservation_until(finished_at)


@dataclass(frozen=True)
class Retention:
    """How long an item must be kept, and what says so."""

    item_id: str
    active: tuple[Hold, ...]
    ended: tuple[Hold, ...]

    @property
    def indefinite(self) -> bool:
        """Held until someone releases a hold without an end."""
        return any(h.ends_at is None for h in self.active)

    @property
    def until(self) -> datetime | None:
        """The latest end of the active holds (None when indefinite or when nothing holds it)."""
        if not self.active or self.indefinite:
            return None
        return max(h.ends_at for h in self.active if h.ends_at is not None)

    @property
    def review_due(self) -> bool:
        """Once held, now held by nothing: a person decides whether to keep or destroy it."""
        return not self.active and bool(self.ended)

    @property
    def held_by_request(self) -> bool:
        """An active 2703(f) request holds it."""
        return any(h.source is HoldSource.REQUEST_2703F for h in self.active)


def retention_of(item_id: str, holds: list[Hold], now: datetime) -> Retention:
    """Compose every hold covering ``item_id`` at ``now``."""
    mine = [h for h in holds if item_id in h.items]
    active = tuple(h for h in mine if h.is_active(now))
    ended = tuple(h for h in mine if not h.is_active(now))
    return Retention(item_id, active, ended)


class HoldRejected(EvidenceDeskError):
    """A hold that cannot be placed, renewed or released as asked; the message says what is missing."""

    code = "hold-rejected"


class HoldNotFound(EvidenceDeskError):
    """No hold, or more than one, matches the id given."""

    code = "hold-not-found"
