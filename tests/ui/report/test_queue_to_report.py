"""Queue to report in one motion: new report from the selection, the queue's table as picker, filing.

Real workspace, real item and report services, the real main window offscreen; the reviewer's
clicks and keys go through pytest-qt.
"""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop_app.core.domain.items import RevealMode, ReviewState
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.report_building import file_viewed
from desktop_app.core.services.report_membership import reports_by_item
from desktop_app.ui.models.queue import Column, Role
from desktop_app.ui.report.queue_link import AddToReportDialog
from tests import synthetic_media


@pytest.fixture
def five_items(items, tmp_path):
    """Five pictures in the queue, in its order (oldest first), the second revealed in full."""
    folder = tmp_path / "flagged"
    folder.mkdir()
    for n in range(5):
        (folder / f"upload-{n}.png").write_bytes(synthetic_media.photo(64, 48, seed=n + 3, fmt="PNG"))
    run_to_completion(items.import_paths([folder]))
    ids = [item.item_id for item in sorted(items.list_items(), key=lambda i: i.added_at)]
    items.record_reveal(ids[1], RevealMode.FULL)
    return ids


@pytest.fixture
def window(make_window, workspace, items, reports, five_items, qtbot):
    window = make_window(workspace, items=items, reports=reports)
    qtbot.waitUntil(lambda: window.review.model.total == 5, timeout=10_000)
    yield window
    editor = window.reports_page.editor
    if editor is not None:
        editor.autosave.stop()
        editor.autosave.wait()


def select(queue, item_ids):
    selection = queue.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(queue.proxy.rowCount()):
        index = queue.proxy.index(row, Column.NAME)
        if index.data(Role.ITEM_ID) in item_ids:
            selection.select(index, flags)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)


def states(window, ids):
    return [window.review.model.item(item_id).state for item_id in ids]


def test_three_items_to_a_report_the_picker_and_filing(qtbot, window, five_items, reports, workspace):
    queue, link, page = window.review.queue, window.report_link, window.reports_page
    chosen = five_items[:3]
    select(queue, chosen)
    assert queue.selected_ids() == chosen
    queue.table.setFocus()
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        qtbot.keyClick(queue.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # New report from selected
    editor = page.editor
    if editor.record is None:
        qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    assert window.tabs.currentWidget() is page
    files = editor.record.draft.files
    assert [f.item_id for f in files] == chosen
    assert [file_viewed(f) for f in files] == [False, True, False]  # the second was revealed in full

    # Mark the last two To report: the picker lists them first and selected.
    window.tabs.setCurrentIndex(0)
    to_report = five_items[3:]
    select(queue, to_report)
    qtbot.mouseClick(queue.state_buttons[ReviewState.TO_REPORT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: states(window, to_report) == [ReviewState.TO_REPORT] * 2, timeout=10_000)
    window.tabs.setCurrentWidget(page)
    qtbot.mouseClick(editor.files_page.add_button, Qt.MouseButton.LeftButton)
    picker = link.picker
    assert picker is not None and picker.isVisible()
    qtbot.waitSignal(picker.loaded, timeout=10_000).wait()
    assert picker.shown_ids() == to_report  # the three already in the report are not offered
    assert picker.selected_ids() == to_report
    assert picker.model.data(picker.model.index(0, Column.STATE)) == "To report"  # states in words
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(editor.record.draft.files) == 5, timeout=10_000)
    assert editor.flush()

    # The queue item says which report it is in.
    window.tabs.setCurrentIndex(0)
    select(queue, [five_items[0]])
    qtbot.waitUntil(lambda: link.item_reports.memberships != [], timeout=10_000)
    assert [m.report_id for m in link.item_reports.memberships] == [editor.report_id]
    assert editor.report_id[:8] in link.item_reports.text()

    # Record NCMEC's number: every item of the report is Reported, in the queue too.
    window.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(editor.ncmec_id_recorded, timeout=10_000):
        editor.record_ncmec_report_id("100200300")
    qtbot.waitUntil(lambda: states(window, five_items) == [ReviewState.REPORTED] * 5, timeout=10_000)
    stored = {item.item_id: item.state for item in window.review.items.list_items()}
    assert set(stored.values()) == {ReviewState.REPORTED}
    assert reports_by_item(workspace)[five_items[4]][0].ncmec_report_id == 100200300


def test_new_report_from_everything_to_report_and_add_to_an_existing_draft(qtbot, window, five_items, reports):
    queue, link, page = window.review.queue, window.report_link, window.reports_page
    select(queue, five_items[2:4])
    queue.request_state(ReviewState.TO_REPORT)
    qtbot.waitUntil(lambda: states(window, five_items[2:4]) == [ReviewState.TO_REPORT] * 2, timeout=10_000)
    select(queue, [five_items[0]])  # the selection does not matter for this one
    assert link.to_report_action.shortcut().toString() == "Ctrl+Shift+N"
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        link.to_report_action.trigger()
    editor = page.editor
    if editor.record is None:
        qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    assert [f.item_id for f in editor.record.draft.files] == five_items[2:4]
    assert editor.flush()

    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    select(queue, [five_items[4]])
    dialog = link.add_selected_to_report()
    assert isinstance(dialog, AddToReportDialog) and dialog.report_id == editor.report_id
    dialog.accept()
    qtbot.waitUntil(lambda: len(editor.record.draft.files) == 3, timeout=10_000)
    assert editor.record.draft.files[2].item_id == five_items[4]
    assert editor.flush()
    assert [f.item_id for f in reports.load(editor.report_id).draft.files] == [*five_items[2:4], five_items[4]]
