"""An item's history from the queue, a report's from the Reports tab, and custody reports written."""

import re

from PySide6.QtCore import QItemSelectionModel, Qt

from desktop_app.core.domain.events import EventType
from desktop_app.ui.main_window import LOG_TAB
from desktop_app.ui.models.custody_log import Column
from desktop_app.ui.models.queue import Column as QueueColumn


def select_first(queue):
    index = queue.proxy.index(0, QueueColumn.NAME)
    queue.table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    return index.data(Qt.ItemDataRole.DisplayRole)


def test_an_items_history_from_the_queue_reads_in_words(qtbot, window, uploads, items):
    ids, report_id = uploads
    queue, custody = window.review.queue, window.custody
    name = select_first(queue)
    assert name == items.get(ids[0]).display_name
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: custody.history is not None and custody.history.isVisible(), timeout=10_000)
    sentences = custody.history.sentences()
    assert sentences[0] == f"Added {name} to the queue"
    assert f"Revealed {name} in full" in sentences
    assert f"Added {name} to report {report_id[:8]}" in sentences
    assert not any(ids[0] in s for s in sentences)  # names, not hex ids
    custody.history.table.selectRow(0)
    assert custody.history.raw_view.toPlainText().startswith("Entry ")


def test_a_reports_custody_report_is_written_and_logged(qtbot, window, uploads, workspace, tmp_path):
    ids, report_id = uploads
    page, custody = window.reports_page, window.custody
    window.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.open_report(report_id)
    assert all(button.isEnabled() for button in custody.report_buttons)
    qtbot.mouseClick(custody.report_buttons[0], Qt.MouseButton.LeftButton)  # History…
    qtbot.waitUntil(lambda: custody.history is not None and custody.history.isVisible(), timeout=10_000)
    assert any(s.startswith(f"Created report {report_id[:8]} with 2 files") for s in custody.history.sentences())
    with qtbot.waitSignal(custody.exported, timeout=20_000) as blocker:
        custody.export([], report_id, tmp_path / "counsel" / "custody.pdf")
    export = blocker.args[0]
    assert export.pdf_path.read_bytes().startswith(b"%PDF-")
    page_html = export.html_path.read_text(encoding="utf-8")
    listed = [int(seq) for seq in re.findall(r"<tr class='event' data-seq='(\d+)'>", page_html)]
    assert listed == [entry.seq for entry in export.report.entries] and len(listed) >= 6
    last = workspace.events()[-1]
    assert last.seq == export.seq and last.event.type == EventType.CUSTODY_REPORT_EXPORTED
    window.tabs.setCurrentIndex(LOG_TAB)
    qtbot.waitUntil(lambda: window.log_model.rowCount() == last.seq, timeout=10_000)
    newest = window.log_view.proxy.index(0, Column.WHAT).data()
    assert newest.startswith(f"Exported a custody report (report {report_id[:8]}")
