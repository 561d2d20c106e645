"""Hash-list matches in the window: the Match column and filter, the item's match list, suppressing, reports.

A real workspace, real sandboxed decoders (so pictures have PDQ hashes), real lists imported from
files, the real main window offscreen. Screenshots of the matched item and the suppression dialog
at 1366x768 and 1920x1080.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.cybertipline.referral import hash_list_matches
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import Algorithm, ListFormat, Standing
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.report_building import file_viewed
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.media import preview_fetcher
from desktop_app.ui.models.queue import Column
from tests import synthetic_media
from tests.ui.report.test_queue_to_report import select
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SIZES = ((1366, 768), (1920, 1080))
LONG_NAME = "upload-2026-11-30-profile-picture-original.jpg"


@pytest.fixture
def shots(shots_dir) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else shots_dir


def _flip(hex_: str, bits: int) -> str:
    value = int(hex_, 16) ^ ((1 << bits) - 1)  # the lowest ``bits`` bits flipped: distance ``bits``
    return f"{value:064x}"


def _import(service, name, lines, algorithm, tmp_path, source=""):
    listing = service.create_list(name, source=source)
    path = tmp_path / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n")
    run_to_completion(service.import_file(listing.list_id, path, ListFormat.TEXT, ReadOptions(algorithm=algorithm)))
    return listing


@pytest.fixture
def matched_window(qtbot, workspace, items, decoders, make_window, tmp_path):
    """Six pictures: photo-0 on an MD5 list, photo-1 (distance 6) and photo-2 (distance 20) on a PDQ list."""
    folder = tmp_path / "flagged"
    folder.mkdir()
    for n in range(5):
        (folder / f"photo-{n}.jpg").write_bytes(synthetic_media.photo(320, 240, seed=n))
    (folder / LONG_NAME).write_bytes(synthetic_media.photo(320, 240, seed=7))
    run_to_completion(items.import_paths([folder]))
    by_name = {item.display_name: item for item in items.list_items()}
    assert all(item.analysis is not None and item.analysis.pdq is not None for item in by_name.values())
    service = HashListService(workspace, items)
    _import(service, "Industry MD5", [by_name["photo-0.jpg"].digests.md5], Algorithm.MD5, tmp_path, "NCMEC")
    pdq = [_flip(by_name["photo-1.jpg"].analysis.pdq.hex, 6), _flip(by_name["photo-2.jpg"].analysis.pdq.hex, 20)]
    stop = _import(service, "StopNCII", pdq, Algorithm.PDQ, tmp_path, "StopNCII.org")
    run_to_completion(service.match_items())
    reports = ReportService(workspace, items, matches=service.outcomes)
    window = make_window(
        workspace, items=items, fetch=preview_fetcher(items, decoders), hashlists=service, reports=reports
    )
    qtbot.waitUntil(lambda: window.review.model.rowCount() == 6 and not window.review.reloading, timeout=20_000)
    qtbot.waitUntil(lambda: window.review.queue.match_combo.count() == 5, timeout=10_000)  # the lists are offered
    return window, service, reports, by_name, stop


def _match_text(window, item_id):
    model = window.review.model
    return model.index(model.position_of(item_id), Column.MATCH).data()


def _shown(window):
    model = window.review.model
    return sorted(model.row_at(n).name for n in range(model.rowCount()))


def test_the_match_column_filters_and_sort_show_the_strongest_match(qtbot, matched_window):
    window, _, _, by_name, stop = matched_window
    ids = {name: item.item_id for name, item in by_name.items()}
    assert _match_text(window, ids["photo-0.jpg"]) == "Industry MD5 · exact"
    assert _match_text(window, ids["photo-1.jpg"]) == "StopNCII · PDQ 6"
    assert _match_text(window, ids["photo-2.jpg"]) == "StopNCII · PDQ 20"
    assert _match_text(window, ids["photo-3.jpg"]) == "—"
    model = window.review.model
    tip = model.index(model.position_of(ids["photo-1.jpg"]), Column.MATCH).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "StopNCII: PDQ distance 6"
    assert model.headerData(Column.PDQ_QUALITY, Qt.Orientation.Horizontal) == "PDQ quality"

    combo = window.review.queue.match_combo
    combo.setCurrentIndex(combo.findText("Matched"))
    qtbot.waitUntil(lambda: _shown(window) == ["photo-0.jpg", "photo-1.jpg", "photo-2.jpg"], timeout=5000)
    combo.setCurrentIndex(combo.findText("Not matched"))
    qtbot.waitUntil(lambda: _shown(window) == sorted(["photo-3.jpg", "photo-4.jpg", LONG_NAME]), timeout=5000)
    combo.setCurrentIndex(combo.findData(stop.list_id))
    qtbot.waitUntil(lambda: _shown(window) == ["photo-1.jpg", "photo-2.jpg"], timeout=5000)
    combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)

    window.review.queue.table.sortByColumn(Column.MATCH, Qt.SortOrder.AscendingOrder)  # strongest first
    assert [model.row_at(n).name for n in range(3)] == ["photo-0.jpg", "photo-1.jpg", "photo-2.jpg"]

    # The name column fits the longest name instead of cutting it.
    table = window.review.queue.table
    assert table.columnWidth(Column.NAME) == min(320, table.fitting_width(LONG_NAME)) > 200


def test_the_item_match_list_and_the_suppression_dialog(qtbot, matched_window, workspace, shots):
    window, service, _, by_name, _ = matched_window
    photo = by_name["photo-1.jpg"]
    panel = window.lists_link.panel
    window.resize(*SIZES[0])
    select(window.review.queue, [photo.item_id])
    qtbot.waitUntil(lambda: panel.item_id == photo.item_id and panel.isVisible(), timeout=10_000)
    assert [(s.match.list_name, s.match.distance, s.standing) for s in panel.standings] == [
        ("StopNCII", 6, Standing.COUNTS)
    ]
    for width, height in SIZES:
        window.resize(width, height)
        shot = grab(window, shots / f"queue-matched-item-{width}x{height}.png")
        assert distinct_colours(shot) > 3

    dialog = window.lists_link.ask_to_suppress(panel.standings[0])
    assert dialog is not None and dialog.isVisible()
    dialog.accept()  # no reason: refused, and it says so
    assert dialog.isVisible() and "reason" in dialog.message.text()
    dialog.reason_field.setPlainText("A different photo of the same landmark; perceptual hashes close by chance")
    assert not dialog.message.isVisible()  # answered: the complaint is gone
    # A dialog has its own size whatever the screen: one picture of it.
    assert distinct_colours(grab(dialog, shots / "suppress-match-dialog.png")) > 3
    with qtbot.waitSignal(window.lists_link.suppressed, timeout=10_000):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: _match_text(window, photo.item_id) == "—", timeout=10_000)
    qtbot.waitUntil(
        lambda: bool(panel.standings) and panel.standings[0].standing == Standing.NOT_A_MATCH, timeout=10_000
    )
    assert panel.standings[0].reason.startswith("A different photo") and not panel.buttons
    events = [e.event for e in workspace.events() if e.event.type == EventType.ITEM_MATCH_REJECTED]
    assert [(e.subject, e.data["entry"]) for e in events] == [(photo.item_id, panel.standings[0].match.entry_key)]

    # Suppress photo-2's entry for the whole workspace: the list page counts it.
    other = by_name["photo-2.jpg"]
    select(window.review.queue, [other.item_id])
    qtbot.waitUntil(lambda: panel.item_id == other.item_id and bool(panel.buttons), timeout=10_000)
    qtbot.mouseClick(panel.buttons[0], Qt.MouseButton.LeftButton)
    dialog = window.lists_link.dialog
    dialog.whole_workspace.setChecked(True)
    dialog.reason_field.setPlainText("Floods the queue: a stock picture")
    with qtbot.waitSignal(window.lists_link.suppressed, timeout=10_000):
        dialog.accept()
    assert [e.event.type for e in workspace.events()][-1] == EventType.HASH_LIST_ENTRY_SUPPRESSED
    page = window.lists_page
    qtbot.waitUntil(lambda: page.model.index(1, 6).data() == "1 (+1 not a match)", timeout=10_000)
    assert page.model.index(1, 5).data() == "0" and page.model.index(0, 5).data() == "1 (1 item)"
    assert page.model.index(0, 7).data() == "1"  # matches this week
    window.tabs.setCurrentWidget(page)
    for width, height in SIZES:
        window.resize(width, height)
        assert distinct_colours(grab(window, shots / f"hash-lists-activity-{width}x{height}.png")) > 3


def test_a_matched_item_goes_to_a_report_unrevealed_with_its_match_and_the_hint(qtbot, matched_window):
    window, _, reports, by_name, _ = matched_window
    photo = by_name["photo-0.jpg"]
    select(window.review.queue, [photo.item_id])
    page = window.reports_page
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        window.report_link.new_from_selected()
    editor = page.editor
    if editor.record is None:
        qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    [entry] = editor.record.draft.files
    assert not file_viewed(entry)  # sent without a reveal: the report says the file was not viewed
    assert hash_list_matches(entry.details) == ['MD5 exact, list "Industry MD5"']
    hints = [f for f in reports.check(editor.record) if f.code == "referral-file-hash-matched-not-viewed"]
    assert len(hints) == 1 and "warrant" in hints[0].why
    assert not window.review.items.get(photo.item_id).viewed  # nothing was revealed on the way
    # Added later through the open editor (the queue's Add to report…): the match is recorded too.
    near = by_name["photo-1.jpg"]
    window.report_link.add_to_report(editor.report_id, [near.item_id])
    qtbot.waitUntil(lambda: len(editor.record.draft.files) == 2, timeout=10_000)
    assert hash_list_matches(editor.record.draft.files[1].details) == ['PDQ distance 6, list "StopNCII"']


def test_items_imported_through_the_window_are_matched(qtbot, workspace, make_window, tmp_path):
    import hashlib

    from desktop_app.core.services.items import ItemService

    items = ItemService(workspace)
    service = HashListService(workspace, items)
    _import(service, "Known", [hashlib.sha256(b"known upload").hexdigest()], Algorithm.SHA256, tmp_path)
    window = make_window(workspace, items=items, hashlists=service)
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "known.bin").write_bytes(b"known upload")
    (folder / "other.bin").write_bytes(b"something else")
    window.intake.import_paths([folder])
    qtbot.waitUntil(lambda: window.review.model.rowCount() == 2, timeout=20_000)
    known = next(item for item in items.list_items() if item.display_name == "known.bin")
    qtbot.waitUntil(lambda: _match_text(window, known.item_id) == "Known · exact", timeout=20_000)
    assert service.unmatched_item_ids() == []  # both were matched (one without a match)
