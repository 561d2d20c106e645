"""The Hash lists page over a real workspace: import through the dialog on a worker, counts, screenshots."""

import hashlib
import os
from pathlib import Path

from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.ui.lists.lists_page import ListsPage
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_import_through_the_dialog_then_the_page_shows_counts(qtbot, workspace, pool, tmp_path, shots_dir):
    if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1":  # refresh the committed ones, as test_screenshots does
        shots_dir = DOCS
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "known.bin").write_bytes(b"known content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    service = HashListService(workspace, items)
    stop = service.create_list("StopNCII", source="StopNCII.org")
    feed = tmp_path / "page.json"
    feed.write_text('{"hashRecords": [' + ",".join(
        f'{{"hashValue": "{n:064x}", "signalType": "ImagePDQ", "hashStatus": "{s}"}}'
        for n, s in ((1, "Active"), (2, "Active"), (3, "Withdrawn"))
    ) + "]}")
    run_to_completion(service.import_file(stop.list_id, feed, ListFormat.STOPNCII_JSON))
    run_to_completion(service.import_file(stop.list_id, feed, ListFormat.STOPNCII_JSON, ReadOptions()))
    service.suppress_entry("pdq:" + f"{1:064x}", "a stock photo that floods the queue")

    page = ListsPage(service, pool)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)

    listing = tmp_path / "industry.txt"
    listing.write_text(hashlib.md5(b"known content").hexdigest() + "\nnot-a-hash\n")
    dialog = page.open_import_dialog(listing)
    dialog.list_field.setEditText("Industry MD5")
    dialog.format_field.setCurrentIndex(0)  # plain text
    dialog.algorithm_field.setCurrentIndex(0)
    dialog._accept()
    assert "never guessed" in dialog.error_label.text() and dialog.isVisible()
    grab(dialog, shots_dir / "list-import-dialog.png")
    dialog.algorithm_field.setCurrentIndex(dialog.algorithm_field.findData(Algorithm.MD5))
    dialog._accept()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.import_button.isEnabled(), timeout=20_000)
    assert "1 bad row (the first at line 2)" in page.status.text() and "1 match" in page.status.text()
    names = [settings.name for settings, _, _ in page.model.rows]
    assert names == ["StopNCII", "Industry MD5"]
    assert page.model.index(0, 3).data() == "PDQ 2" and page.model.index(0, 4).data() == "0"
    assert page.suppressed.item(0).text().endswith("a stock photo that floods the queue")
    shot = grab(page, shots_dir / "hash-lists.png")
    assert distinct_colours(shot) > 3
    pool.wait_for_done(10_000)


def test_the_window_has_a_hash_lists_tab_that_empties_when_locked(qtbot, workspace, make_window, tmp_path):
    from PySide6.QtCore import Qt

    from tests.conftest import PASSPHRASE

    items = ItemService(workspace)
    service = HashListService(workspace, items)
    service.create_list("Industry")
    window = make_window(workspace, items=items, hashlists=service)
    tab = [window.tabs.tabText(i) for i in range(window.tabs.count())].index("Hash lists")
    window.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(lambda: window.lists_page.model.rowCount() == 1, timeout=10_000)
    service.matcher()
    assert service._loaded  # indexes in memory while unlocked
    window.menus.lock_action.trigger()
    assert window.lists_page.model.rowCount() == 0 and not service._loaded
    qtbot.keyClicks(window.unlock_dialog.passphrase_field, PASSPHRASE)
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        qtbot.mouseClick(window.unlock_dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.lists_page.model.rowCount() == 1, timeout=10_000)


def test_list_settings_change_the_threshold_and_switching_a_list_off_unmatches_the_queue(
    qtbot, workspace, pool, tmp_path, shots_dir
):
    from desktop_app.core.domain.events import EventType
    from desktop_app.ui.lists.settings_dialog import ListSettingsDialog

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "known.bin").write_bytes(b"known content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    service = HashListService(workspace, items)
    industry = service.create_list("Industry MD5", source="Partner")
    listing = tmp_path / "md5.txt"
    listing.write_text(hashlib.md5(b"known content").hexdigest() + "\n")
    run_to_completion(service.import_file(industry.list_id, listing, ListFormat.TEXT, ReadOptions(Algorithm.MD5)))
    run_to_completion(service.match_items())
    assert len(service.outcomes()) == 1 and all(o.matches for o in service.outcomes().values())

    page = ListsPage(service, pool)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.open_settings_dialog() is None and "Choose a list" in page.status.text()
    page.table.selectRow(0)
    dialog = page.open_settings_dialog()
    assert isinstance(dialog, ListSettingsDialog) and dialog.changes() == {}
    dialog.threshold_field.setValue(20)
    dialog.enabled_field.setChecked(False)
    assert dialog.changes() == {"pdq_threshold": 20, "enabled": False}
    grab(dialog, shots_dir / "list-settings-dialog.png")
    with qtbot.waitSignal(page.matches_changed, timeout=20_000):
        dialog.accept()
    [(settings, _)] = service.lists()
    assert (settings.pdq_threshold, settings.enabled) == (20, False)
    assert not any(o.matches for o in service.outcomes().values())  # a list switched off matches nothing
    changed = [e.event for e in workspace.events() if e.event.type is EventType.HASH_LIST_SETTINGS_CHANGED]
    [data] = [dict(e.data) for e in changed]
    assert len(data.pop("settings_sha256")) == 64 and data == {"pdq_threshold": 20, "enabled": False}
