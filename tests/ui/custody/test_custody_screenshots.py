"""Screenshots at 1366x768 of the screens issue 14 changed: the queue with its report actions, the
queue's table as the report's picker, the custody log in words, an item's history and a page of a
custody report (its PDF rendered by pdftoppm when poppler-utils is installed, else skipped).

Written to docs/screenshots/ only with EVIDENCE_DESK_SCREENSHOTS=1 (see tests/ui/test_screenshots.py).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel

from desktop_app.core.domain.items import ReviewState
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.main_window import LOG_TAB
from desktop_app.ui.models.queue import Column
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.screens import grab
from tests.ui.test_screenshots import check, fill_queue, flagged_folder, select_named

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SMALL = (1366, 768)


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def day(qtbot, paths, pool, decoders, make_window, tmp_path):
    """A reviewer's day: a folder imported (real decoders, thumbnails), some marked To report, a report."""
    from desktop_app.core.services.items import ItemService
    from desktop_app.ui.media import preview_fetcher

    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    items = ItemService(ws, decoders.submit_analyse)
    reports = ReportService(ws, items)
    window = make_window(ws, items=items, fetch=preview_fetcher(items, decoders), reports=reports)
    window.resize(*SMALL)
    fill_queue(qtbot, window, flagged_folder(tmp_path), rows=12)
    window.queue_page.progress.hide()
    yield window, ws, items
    editor = window.reports_page.editor
    if editor is not None:
        editor.autosave.stop()
        editor.autosave.wait()
    pool.wait_for_done(10_000)
    ws.close()


def select_names(window, names):
    queue = window.review.queue
    selection = queue.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(queue.proxy.rowCount()):
        index = queue.proxy.index(row, Column.NAME)
        if index.data() in names:
            selection.select(index, flags)


def test_queue_picker_log_history_and_custody_report(qtbot, day, shots, tmp_path):
    window, ws, items = day
    review, link, custody = window.review, window.report_link, window.custody
    by_name = {item.display_name: item.item_id for item in items.list_items()}
    select_named(qtbot, window, "upload-4812.jpg")
    items.record_reveal(by_name["upload-4812.jpg"], "full")
    select_names(window, ["upload-4813.jpg", "upload-4815.jpg"])
    review.queue.request_state(ReviewState.TO_REPORT)
    qtbot.waitUntil(lambda: review.model.item(by_name["upload-4815.jpg"]).state is ReviewState.TO_REPORT)
    # A report with two files, so the current item lists it.
    with qtbot.waitSignal(window.reports_page.report_opened, timeout=10_000):
        window.reports_page.new_report([by_name["upload-4812.jpg"], by_name["upload-4810.jpg"]])
    editor = window.reports_page.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=10_000)
    window.tabs.setCurrentIndex(0)
    select_named(qtbot, window, "upload-4812.jpg")
    qtbot.waitUntil(lambda: bool(link.item_reports.memberships), timeout=10_000)
    check(grab(window, shots / "queue-report-actions-1366x768.png"))

    window.tabs.setCurrentWidget(window.reports_page)
    editor.show_section("files")
    picker = link.open_picker(editor)
    qtbot.waitSignal(picker.loaded, timeout=10_000).wait()
    picker.resize(1280, 680)
    qtbot.waitUntil(lambda: review.thumbnails.idle, timeout=30_000)
    check(grab(picker, shots / "report-picker-queue-table.png"))
    picker.reject()

    window.tabs.setCurrentIndex(LOG_TAB)
    window.refresh()
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
    check(grab(window, shots / "custody-log-in-words-1366x768.png"))

    window.tabs.setCurrentIndex(0)
    select_named(qtbot, window, "upload-4812.jpg")
    custody.item_history()
    qtbot.waitUntil(lambda: custody.history is not None and custody.history.isVisible(), timeout=10_000)
    custody.history.table.selectRow(1)
    check(grab(custody.history, shots / "item-history.png"))
    custody.history.reject()

    with qtbot.waitSignal(custody.exported, timeout=30_000) as blocker:
        custody.export([], editor.report_id, tmp_path / "custody.pdf")
    export = blocker.args[0]
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the custody report's PDF page is not rendered")
    prefix = tmp_path / "custody-page"
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "2", str(export.pdf_path), str(prefix)], check=True)
    pages = sorted(tmp_path.glob("custody-page*.png"))
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        target = shots / f"custody-report-page-{number}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
        check(target)
