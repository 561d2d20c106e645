"""Lifecycle fixtures: a real workspace with imported items, and a clock the test moves."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService


class Clock:
    """A clock the test sets and advances; every service in the test reads it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(datetime(2024, 2, 29, 15, 30, tzinfo=UTC))


@pytest.fixture
def items(workspace):
    return ItemService(workspace)


@pytest.fixture
def reports(workspace, items):
    # Reports are written at the real time (their incident must be in the past); holds run on the clock.
    return ReportService(workspace, items)


@pytest.fixture
def holds(workspace, clock):
    return HoldService(workspace, now=clock)
