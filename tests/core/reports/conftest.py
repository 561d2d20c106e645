"""Report service fixtures on a real workspace."""

from datetime import UTC, datetime

import pytest

from desktop_app.core.services.reports import ReportService
from tests import service_fixtures

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items


@pytest.fixture
def reports(workspace, items):
    return ReportService(workspace, items, now=lambda: NOW)
