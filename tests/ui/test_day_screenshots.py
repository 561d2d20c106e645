"""A reviewer's day at the two window sizes reviewers use (1366x768 and 1920x1080), looked at.

The queue (a text file read after a logged reveal), the empty queue, the report's picker, the
custody log in words and a custody report (its PDF rendered with pdftoppm when poppler-utils is
installed, else that part is skipped). The report form's sections are rendered at both sizes by
tests/ui/report/test_report_layout.py. Written to docs/screenshots/ only with
EVIDENCE_DESK_SCREENSHOTS=1 (see tests/ui/test_screenshots.py).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.main_window import LOG_TAB
from desktop_app.ui.media import preview_fetcher
from desktop_app.ui.widgets.queue_table import EMPTY_QUEUE_TEXT
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.helpers import stop_report_editor
from tests.ui.screens import grab
from tests.ui.test_screenshots import check, fill_queue, flagged_folder, select_named

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = ((1366, 768), (1920, 1080))
CHAT = (
    b"[2026-03-02 21:04] account-7731: synthetic chat line for the screenshot\r\n"
    b"[2026-03-02 21:05] account-7731: a terminal escape \x1b[2J and a bell \x07 are shown, not obeyed\r\n"
)


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def day(qtbot, paths, pool, decoders, make_window):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    items = ItemService(ws, decoders.submit_analyse)
    window = make_window(ws, items=items, fetch=preview_fetcher(items, decoders), reports=ReportService(ws, items))
    yield window, ws, items
    stop_report_editor(window)
    pool.wait_for_done(10_000)
    ws.close()


def suffix(size) -> str:
    return f"{size[0]}x{size[1]}"


def test_the_empty_queue_says_how_to_add_items(qtbot, day, shots):
    window, _, _ = day
    for size in SIZES:
        window.resize(*size)
        assert window.review.queue.table.empty_text == EMPTY_QUEUE_TEXT and "Add files" in EMPTY_QUEUE_TEXT
        check(grab(window, shots / f"queue-empty-{suffix(size)}.png"))


def test_queue_picker_log_and_custody_report_at_both_sizes(qtbot, day, shots, tmp_path):
    window, ws, items = day
    folder = flagged_folder(tmp_path)
    (folder / "chat-export.txt").write_bytes(CHAT)
    fill_queue(qtbot, window, folder, rows=13)
    window.queue_page.progress.hide()
    by_name = {item.display_name: item.item_id for item in items.list_items()}
    qtbot.waitUntil(lambda: items.get(by_name["chat-export.txt"]).analysis is not None, timeout=30_000)
    with qtbot.waitSignal(window.reports_page.report_opened, timeout=10_000):
        window.reports_page.new_report([by_name["upload-4812.jpg"], by_name["chat-export.txt"]])
    editor = window.reports_page.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=10_000)

    for size in SIZES:
        window.resize(*size)
        window.tabs.setCurrentIndex(0)
        select_named(qtbot, window, "chat-export.txt")
        if not window.review.viewer.revealed:  # still revealed from the first size
            with qtbot.waitSignal(window.review.revealed, timeout=10_000):
                qtbot.mouseClick(window.review.viewer.reveal_button, Qt.MouseButton.LeftButton)
        assert "[ESC][2J" in window.review.viewer.text_view.toPlainText()
        check(grab(window, shots / f"queue-text-file-{suffix(size)}.png"))

        window.tabs.setCurrentWidget(window.reports_page)
        picker = window.report_link.open_picker(editor)
        qtbot.waitSignal(picker.loaded, timeout=10_000).wait()
        picker.resize(min(size[0] - 80, 1500), min(size[1] - 80, 900))
        qtbot.waitUntil(lambda: window.review.thumbnails.idle, timeout=30_000)
        check(grab(picker, shots / f"report-picker-{suffix(size)}.png"))
        picker.reject()

        window.tabs.setCurrentIndex(LOG_TAB)
        window.refresh()
        qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
        window.log_view.table.selectRow(0)
        check(grab(window, shots / f"custody-log-{suffix(size)}.png"))

    with qtbot.waitSignal(window.custody.exported, timeout=30_000) as blocker:
        window.custody.export([], editor.report_id, tmp_path / "custody.pdf")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the custody report's PDF is not rendered")
    prefix = tmp_path / "custody-page"
    pdf = str(blocker.args[0].pdf_path)
    subprocess.run([pdftoppm, "-png", "-r", "96", "-f", "1", "-l", "1", pdf, str(prefix)], check=True)
    [page] = sorted(tmp_path.glob("custody-page*.png"))
    target = shots / "custody-report-page-1-96dpi.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, target)
    check(target)
