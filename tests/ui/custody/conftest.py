"""Custody view fixtures: a window with a report of two revealed-or-not uploads."""

import pytest

from desktop_app.core.domain.items import RevealMode
from tests import service_fixtures
from tests.core.reports import conftest as report_fixtures
from tests.core.reports.helpers import import_uploads

# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items

reports = report_fixtures.reports  # on the fixed clock ``NOW``


@pytest.fixture
def uploads(items, reports, tmp_path):
    """The two uploads (the first revealed in full) and a report carrying both: (item ids, report id)."""
    ids = [item_id for item_id, _ in import_uploads(items, tmp_path).values()]
    items.record_reveal(ids[0], RevealMode.FULL)
    return ids, reports.create_draft(ids).report_id


@pytest.fixture
def window(make_window, workspace, items, reports, uploads, qtbot):
    window = make_window(workspace, items=items, reports=reports)
    qtbot.waitUntil(lambda: window.review.model.total == 2, timeout=10_000)
    return window
