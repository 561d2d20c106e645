"""Lifecycle fixtures: a real workspace with imported items, and a clock the test moves."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.services.holds import HoldService
from tests import service_fixtures


class Clock:
    """A clock the test sets and advances; every service in the test reads it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items
reports = service_fixtures.reports


@pytest.fixture
def clock():
    return Clock(datetime(2024, 2, 29, 15, 30, tzinfo=UTC))


@pytest.fixture
def holds(workspace, clock):
    return HoldService(workspace, now=clock)
