"""Service fixtures more than one test folder shares, on the ``workspace`` of ``tests/conftest.py``.

A folder's ``conftest.py`` imports the ones it wants (``from tests.service_fixtures import items``):
pytest then offers them to that folder's tests as if they were defined there. A folder that needs a
different flavour (reports on a fixed clock, items with decoders) defines its own instead.
"""

import pytest

from desktop_app.core.cybertipline.practice import PracticeServer
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission_calls import RetryPolicy

# Retries that cost little in a test: three tries, waits of hundredths of a second.
QUICK_RETRIES = RetryPolicy(attempts=3, first_delay=0.01, max_delay=0.05, longest_wait=2.0)


@pytest.fixture
def items(workspace):
    return ItemService(workspace)


@pytest.fixture
def reports(workspace, items):
    """Reports at the real time (a report's incident must be in the past when it is sent)."""
    return ReportService(workspace, items)


@pytest.fixture
def server():
    """The practice CyberTipline server on 127.0.0.1, stopped after the test."""
    with PracticeServer() as running:
        yield running
