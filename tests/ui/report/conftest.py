"""Report editor fixtures: a real workspace with its item and report services, and editors on it."""

import pytest

from desktop_app.ui.report.editor import ReportEditorWidget
from desktop_app.ui.report.reports_page import ReportsPage
from tests import service_fixtures
from tests.core.reports import conftest as report_fixtures

# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items

reports = report_fixtures.reports  # on the fixed clock ``NOW``


@pytest.fixture
def page(qtbot, reports, pool):
    """The Reports page (drafts list + editor) over ``reports``."""
    widget = ReportsPage(reports, pool)
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    yield widget
    if widget.editor is not None:
        widget.editor.autosave.stop()
        widget.editor.autosave.wait()
    pool.wait_for_done(10_000)


@pytest.fixture
def open_editor(qtbot, pool, reports):
    """Open an editor on a report and wait until it shows it; flushed and closed at the end."""
    editors = []

    def open_(report_id: str, service=None) -> ReportEditorWidget:
        editor = ReportEditorWidget(service or reports, pool, report_id, now=lambda: report_fixtures.NOW)
        qtbot.addWidget(editor)
        editor.resize(1400, 900)
        with qtbot.waitSignal(editor.loaded, timeout=10_000):
            editor.show()
        editors.append(editor)
        return editor

    yield open_
    for editor in editors:
        editor.autosave.stop()
        editor.autosave.wait()
    pool.wait_for_done(10_000)
