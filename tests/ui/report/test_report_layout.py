"""The report form fits a 1366 px screen: no section scrolls sideways, at 1366x768 or 1920x1080.

The whole main window is rendered offscreen at each size with a complete report open (every
repeatable part has a member, so the widest rows are on screen) and each section is shown in turn;
a horizontal scroll bar on any page fails the test. The renderings are the screenshots in docs/.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from desktop_app.ui.report.sections import SECTIONS
from desktop_app.ui.widgets.hash_label import HashLabel
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads, reveal
from tests.ui.helpers import stop_report_editor
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SIZES = ((1366, 768), (1920, 1080))


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def window(make_window, workspace, items, reports, qtbot):
    window = make_window(workspace, items=items, reports=reports)
    yield window
    stop_report_editor(window)


def sideways(page) -> list[str]:
    """The scroll areas in ``page`` (itself included) that show a horizontal scroll bar."""
    areas = [page, *page.findChildren(QAbstractScrollArea)] if isinstance(page, QAbstractScrollArea) else []
    areas += [a for a in page.findChildren(QAbstractScrollArea) if a not in areas]
    return [
        f"{type(area).__name__} {area.accessibleName() or area.objectName()}".strip()
        for area in areas
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_section_of_the_report_form_scrolls_sideways(qtbot, window, reports, items, tmp_path, shots, size):
    uploads = import_uploads(items, tmp_path)
    ids = [item_id for item_id, _ in uploads.values()]
    reveal(items, ids[0])
    record = reports.create_draft(ids)
    record.draft.report = good_draft().report
    for name in ("victim", "intendedRecipient", "lawEnforcement"):
        record.draft.report.add(name)  # every part on screen, so the widest rows are there
    reports.save(record)
    window.resize(*size)
    window.tabs.setCurrentWidget(window.reports_page)
    with qtbot.waitSignal(window.reports_page.model.modelReset, timeout=10_000):
        window.reports_page.reload()
    with qtbot.waitSignal(window.reports_page.report_opened, timeout=10_000):
        window.reports_page.open_report(record.report_id)
    editor = window.reports_page.editor
    if editor.record is None:
        qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    found = {}
    for key in [s.key for s in SECTIONS] + ["files", "preview"]:
        editor.show_section(key)
        editor.refresh_findings()
        qtbot.wait(30)
        QApplication.processEvents()
        path = grab(window, shots / f"report-{key}-{size[0]}x{size[1]}.png")
        assert distinct_colours(path) > 3
        bars = sideways(editor.pages.currentWidget())
        if bars:
            found[key] = bars
    assert not found, f"sections that scroll sideways at {size[0]}x{size[1]}: {found}"
    # The files' digests are whole where they fit, elided in the middle where not, and copied whole.
    editor.show_section("files")
    digests = editor.files_page.findChildren(HashLabel)
    assert len(digests) == 6 and all(len(d.text()) in (32, 40, 64) and "\n" not in d.label.text() for d in digests)
    assert all(d.label.value.startswith(d.label.text()[:8]) for d in digests)
    assert any(d.label.elided for d in digests) == (size[0] < 1600)
