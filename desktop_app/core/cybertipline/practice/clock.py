"""The practice server's sense of time, injectable so tests can let a day pass in a microsecond.

NCMEC discards an unfinished report 24 hours after it was opened or one hour after its last change,
whichever is later; the server asks its clock, never the system, so a test can walk a report to the
edge of that window and past it with ``ManualClock.advance``.
"""

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that says what time it is (timezone-aware UTC)."""

    def now(self) -> datetime:
        """The current time."""
        ...


class SystemClock:
    """The computer's clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to; safe to advance from a test while the server reads it."""

    def __init__(self, start: datetime | None = None) -> None:
        moment = start if start is not None else datetime.now(UTC)
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start (e.g. datetime(..., tzinfo=UTC))")
        self._now = moment.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The clock's current time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the clock forward (never back) and return the new time."""
        step = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (not earlier than now)."""
        if moment.tzinfo is None:
            raise ValueError("a timezone-aware time is needed")
        with self._lock:
            if moment < self._now:
                raise ValueError("a clock only moves forward")
            self._now = moment.astimezone(UTC)
