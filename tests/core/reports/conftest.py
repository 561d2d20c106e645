"""Report service fixtures on a real workspace."""

from datetime import UTC, datetime

import pytest

from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def items(workspace):
    return ItemService(workspace)


@pytest.fixture
def reports(workspace, items):
    return ReportService(workspace, items, now=lambda: NOW)
