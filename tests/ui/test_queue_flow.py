"""The queue end to end: a real workspace, the real item service and the real sandboxed decoders.

Pictures are generated (tests/synthetic_media.py); the assertions look at the pixels the window
actually paints and at the custody log the service writes.
"""

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.services.items import ItemService
from desktop_app.core.storage.vault_sweep import sweep
from desktop_app.ui.main_window import LOG_TAB
from desktop_app.ui.media import preview_fetcher
from desktop_app.ui.models.queue import Column, Role
from desktop_app.ui.safe_image import REVEALED, render
from tests import synthetic_media
from tests.conftest import PASSPHRASE

IMAGES = 6


def pixels(image: QImage) -> np.ndarray:
    """An (h, w, 3) uint8 array of a QImage's RGB pixels."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    buffer = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    rows = buffer.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3]
    return rows.reshape(rgb.height(), rgb.width(), 3).copy()  # a copy: the QImage dies with this frame


def saturation(array: np.ndarray) -> float:
    """Mean chroma (max - min channel): 0 for any grey."""
    as_int = array.astype(np.int16)
    return float((as_int.max(axis=2) - as_int.min(axis=2)).mean())


def detail(array: np.ndarray) -> float:
    """Mean absolute Laplacian: edges and texture, what blurring removes (smooth gradients score ~0)."""
    grey = array.astype(np.float32).mean(axis=2)
    laplacian = 4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    return float(np.abs(laplacian).mean())


@pytest.fixture
def evidence_folder(tmp_path):
    folder = tmp_path / "flagged"
    folder.mkdir()
    for n in range(IMAGES):
        (folder / f"photo-{n:02d}.jpg").write_bytes(synthetic_media.photo(320, 240, seed=n))
    (folder / "damaged.jpg").write_bytes(synthetic_media.truncated(synthetic_media.photo(320, 240, seed=99), 0.3))
    return folder


def import_and_wait(qtbot, window, paths, expected_rows, manifest=None):
    with qtbot.waitSignal(window.intake.import_finished, timeout=120_000) as finished:
        window.intake.import_paths(paths, manifest)
    # import_finished comes with the result; the final re-read starts with ``finished``, a moment later
    # (intake.worker is None from then on). Until it has run, the rows may predate the last analyses.
    qtbot.waitUntil(
        lambda: (
            window.intake.worker is None
            and not window.review.reloading
            and window.review.model.rowCount() == expected_rows
        ),
        timeout=20_000,
    )
    return finished.args[0]


def row_of(window, name):
    model = window.review.model
    for position in range(model.rowCount()):
        if model.row_at(position).name == name:
            return model.row_at(position)
    raise AssertionError(f"{name} is not in the queue")


def select(qtbot, window, item_id):
    assert window.review.queue.select_item(item_id)
    qtbot.waitUntil(lambda: window.review.viewer.item is not None and window.review.viewer.item.item_id == item_id)


def test_imported_pictures_appear_blurred_and_greyscale(qtbot, queue_window, items, evidence_folder, decoders):
    window = queue_window
    summary = import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    assert summary.items_added == IMAGES + 1 and not summary.cancelled
    assert window.queue_page.progress.title.text() == "Import finished"

    # The damaged file is listed with its problem, not reported in a dialog.
    damaged = row_of(window, "damaged.jpg")
    assert damaged.problem.startswith("cannot render")
    assert damaged.item.digests is not None  # preserved and hashed all the same

    # Thumbnails are requested for painted rows and arrive protected.
    loader = window.review.thumbnails
    qtbot.waitUntil(lambda: len(loader.cache) >= IMAGES, timeout=60_000)
    qtbot.waitUntil(lambda: loader.idle)
    QApplication.processEvents()
    table = window.review.queue.table
    photo = row_of(window, "photo-00.jpg")
    raw = decoders.previews(items.encrypted_file(photo.item_id), max_side=loader.side, keyframes=1).frames[0]
    raw_pixels = np.frombuffer(raw.rgb, dtype=np.uint8).reshape(raw.height, raw.width, 3)
    cached = pixels(loader.cache.get(photo.item_id))
    assert cached.shape == raw_pixels.shape and not np.array_equal(cached, raw_pixels)
    assert saturation(raw_pixels) > 40 and saturation(cached) < 1
    assert detail(cached) < detail(raw_pixels) / 4

    # ... and that is what the window paints in the thumbnail cell.
    position = window.review.model.position_of(photo.item_id)
    proxy_row = window.review.queue.proxy.mapFromSource(window.review.model.index(position, 0)).row()
    cell = table.visualRect(table.model().index(proxy_row, Column.THUMBNAIL))
    shown = pixels(table.viewport().grab(cell).toImage())
    assert saturation(shown) < 6  # the grey picture on a nearly white cell
    assert shown.std() > 2  # a picture is there, not an empty cell


def test_reveal_is_logged_before_it_is_shown_and_the_item_becomes_viewed(
    qtbot, queue_window, items, evidence_folder, workspace
):
    window = queue_window
    import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    review, viewer = window.review, window.review.viewer
    photo = row_of(window, "photo-02.jpg")
    assert not photo.item.viewed
    select(qtbot, window, photo.item_id)
    qtbot.waitUntil(lambda: viewer.previews is not None, timeout=30_000)
    protected = pixels(viewer.canvas.images[0])
    assert saturation(protected) < 1 and not viewer.revealed

    logged_at_reveal = []
    original = viewer.reveal_confirmed

    def spy(item_id, mode):
        # The moment the viewer is told to show real pixels, the custody event must already exist.
        logged_at_reveal.extend(
            e.event
            for e in workspace.events()
            if e.event.type == EventType.ITEM_REVEALED and e.event.subject == item_id
        )
        original(item_id, mode)

    viewer.reveal_confirmed = spy
    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert [e.data["mode"] for e in logged_at_reveal] == ["full"]
    assert viewer.revealed
    revealed = pixels(viewer.canvas.images[0])
    assert np.array_equal(revealed, pixels(render(viewer.previews.frames[0], REVEALED)))
    assert saturation(revealed) > 40

    # The viewed state comes back from the service (derived from the log) into queue and panels.
    assert items.get(photo.item_id).viewed
    assert row_of(window, "photo-02.jpg").item.viewed
    position = review.model.position_of(photo.item_id)
    assert review.model.index(position, Column.VIEWED).data() == "Yes"
    assert "· viewed" in viewer.status.text()
    assert window.review.details.value_labels["Item/Viewed"].text().startswith("Yes")

    # Moving to another item ends the reveal; its metadata is a reveal of its own ("exif").
    other = row_of(window, "photo-03.jpg")
    select(qtbot, window, other.item_id)
    assert not viewer.revealed
    with qtbot.waitSignal(review.revealed, timeout=10_000) as shown:
        qtbot.mouseClick(viewer.metadata_button, Qt.MouseButton.LeftButton)
    assert shown.args == [other.item_id, "exif"]
    assert viewer.metadata.isVisible() and "Format: JPEG" in viewer.metadata.toPlainText()
    modes = [
        e.event.data["mode"]
        for e in workspace.events()
        if e.event.subject == other.item_id and e.event.type == EventType.ITEM_REVEALED
    ]
    assert modes == ["exif"] and not items.get(other.item_id).viewed  # metadata is not a view


def test_hold_mode_shows_only_while_held(qtbot, decoders, workspace, items, make_window, evidence_folder):
    from desktop_app.core.settings import AppSettings

    window = make_window(
        workspace, items=items, fetch=preview_fetcher(items, decoders), settings=AppSettings(reveal_mode="hold")
    )
    import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    viewer = window.review.viewer
    select(qtbot, window, row_of(window, "photo-01.jpg").item_id)
    qtbot.waitUntil(lambda: viewer.previews is not None, timeout=30_000)
    with qtbot.waitSignal(window.review.revealed, timeout=10_000):
        qtbot.mousePress(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert viewer.revealed
    qtbot.mouseRelease(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert not viewer.revealed and saturation(pixels(viewer.canvas.images[0])) < 1


def test_bulk_state_changes_go_through_the_service_and_the_log(qtbot, queue_window, items, evidence_folder, workspace):
    window = queue_window
    import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    queue = window.review.queue
    queue.table.setFocus()
    queue.table.selectAll()
    ids = queue.selected_ids()
    assert len(ids) == IMAGES + 1
    queue.state_actions[ReviewState.TO_REPORT].trigger()
    model = window.review.model
    qtbot.waitUntil(lambda: {model.item(i).state for i in ids} == {ReviewState.TO_REPORT}, timeout=10_000)
    assert {items.get(i).state for i in ids} == {ReviewState.TO_REPORT}
    assert {window.review.model.item(i).state for i in ids} == {ReviewState.TO_REPORT}
    changes = [e for e in workspace.events() if e.event.type == EventType.ITEM_STATE_CHANGED]
    assert len(changes) == IMAGES + 1

    window.review.change_state(ids[:2], ReviewState.DISMISSED, reason="Not exploitative on review")
    qtbot.waitUntil(lambda: model.item(ids[0]).state == ReviewState.DISMISSED, timeout=10_000)
    dismissed = items.get(ids[0])
    assert dismissed.state == ReviewState.DISMISSED and dismissed.dismiss_reason == "Not exploitative on review"
    position = window.review.model.position_of(ids[0])
    tip = window.review.model.index(position, Column.STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Dismissed: Not exploitative on review"

    window.review.queue.proxy.set_state(ReviewState.DISMISSED)
    assert window.review.queue.proxy.rowCount() == 2
    assert window.review.queue.count_label.text() == f"Showing 2 of {IMAGES + 1} items"


def test_cancelling_a_large_import_leaves_a_consistent_queue(qtbot, queue_window, items, workspace, tmp_path):
    files = 3000
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(files):
        (folder / f"note-{n:04d}.txt").write_bytes(f"synthetic line {n}\n".encode() * (n % 5 + 1))
    window = queue_window
    intake = window.intake

    def cancel_midway(progress):
        # Past the first committed batches, so the cancel lands inside a run, not before it.
        if progress.files_done >= 300 and progress.phase == "importing":
            window.queue_page.progress.cancel_button.click()

    with qtbot.waitSignal(intake.import_finished, timeout=120_000) as finished:
        intake.import_paths([folder])
        intake.worker.progress.connect(cancel_midway)
    summary = finished.args[0]
    assert summary.cancelled and 300 <= summary.items_added < files
    assert window.queue_page.progress.title.text() == "Import cancelled"
    stored = {item.item_id for item in items.list_items()}
    assert len(stored) == summary.items_added
    qtbot.waitUntil(
        lambda: not window.review.reloading and window.review.model.rowCount() == len(stored), timeout=20_000
    )
    assert set(window.review.model.listing()) == stored
    # Every listed item has its blob, and the blob holds the bytes of the file it came from.
    blob_files = set(os.listdir(workspace.blob_dir))
    for position in range(window.review.model.rowCount()):
        item = window.review.model.row_at(position).item
        assert item.blob_id in blob_files, item.display_name
        assert items.read_bytes(item.item_id) == (folder / item.display_name).read_bytes()
    assert len(blob_files) == len(stored)
    assert sweep(workspace.blob_dir, workspace.db).clean  # no orphan blobs, no temp files
    assert workspace.verify_log().ok


# PySide flags the only QDragEnterEvent constructor Qt 6 has (it takes a QPoint) as deprecated.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*deprecated:DeprecationWarning")
def test_drop_imports_files_and_text_items_are_added(qtbot, queue_window, tmp_path):
    window = queue_window
    dropped = tmp_path / "dropped.png"
    dropped.write_bytes(synthetic_media.photo(200, 150, seed=4, fmt="PNG"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(50, 50), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.intake.import_finished, timeout=60_000):
        QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: not window.review.reloading and window.review.model.rowCount() == 1, timeout=20_000)
    assert window.review.model.row_at(0).name == "dropped.png"

    from desktop_app.core.domain.items import SourceFields

    window.intake.add_text_item(
        "a synthetic chat transcript", SourceFields(original_name=b"chat log", message_id="m-1")
    )
    qtbot.waitUntil(lambda: not window.review.reloading and window.review.model.rowCount() == 2, timeout=20_000)
    text_row = row_of(window, "chat log")
    assert text_row.kind_text == "Text"
    assert (
        window.review.model.index(window.review.model.position_of(text_row.item_id), 0).data(Role.RENDERABLE) is False
    )


def test_lock_clears_the_queue_caches_and_revealed_picture(qtbot, queue_window, evidence_folder, workspace):
    window = queue_window
    import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    review = window.review
    qtbot.waitUntil(lambda: len(review.thumbnails.cache) >= IMAGES, timeout=60_000)
    select(qtbot, window, row_of(window, "photo-00.jpg").item_id)
    qtbot.waitUntil(lambda: review.viewer.previews is not None, timeout=30_000)
    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(review.viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert review.viewer.revealed

    window.lock_workspace()
    assert not workspace.is_unlocked
    assert review.model.rowCount() == 0 and review.queue.proxy.rowCount() == 0
    assert len(review.thumbnails.cache) == 0 and review.thumbnails.cache.size_in_bytes == 0
    assert review.viewer.previews is None and review.viewer.canvas.images == [] and not review.viewer.revealed
    assert review.viewer.item is None and review.details.item is None
    assert window.pages.currentWidget() is not window.tabs

    # Unlocking lists the items again; nothing revealed comes back.
    dialog = window.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_field, PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.reloading and review.model.rowCount() == IMAGES + 1, timeout=20_000)
    assert not review.viewer.revealed and review.viewer.item is None


def test_manifest_import_brings_the_platform_metadata_into_queue_and_details(qtbot, queue_window, tmp_path):
    window = queue_window
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(synthetic_media.photo(160, 120, seed=21))
    (folder / "b.jpg").write_bytes(synthetic_media.photo(160, 120, seed=22))
    manifest = folder / "flagged.csv"
    manifest.write_text(
        "path,screen_name,account_id,ip,port,upload_time,post_id,reason\n"
        "a.jpg,account-1,1001,203.0.113.7,51234,2026-03-01T10:00:00Z,post-9,auto-flag\n"
        "b.jpg,account-2,1002,203.0.113.8,443,2026-03-01T11:00:00+02:00,post-10,user report\n"
        "missing.jpg,account-3,1003,203.0.113.9,80,2026-03-01T12:00:00Z,post-11,user report\n",
        encoding="utf-8",
    )
    summary = import_and_wait(qtbot, window, [], 3, manifest=manifest)
    assert summary.items_added == 3  # the missing file is an item too, marked "not read"
    assert "account-1" in {window.review.model.row_at(n).source_text for n in range(3)}
    first = row_of(window, "a.jpg")
    select(qtbot, window, first.item_id)
    details = window.review.details.value_labels
    assert details["Source/Screen name"].text() == "account-1"
    assert details["Source/Upload IP"].text() == "203.0.113.7:51234"
    assert details["Source/Message id"].text() == "post-9"
    assert details["Source/reason"].text() == "auto-flag"
    assert window.queue_page.progress.outcome.text().startswith("3 new items")

    # The custody log is re-read when it is looked at, not after every import.
    logged = window.log_model.rowCount()
    assert window.log.stale
    with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
        window.tabs.setCurrentIndex(LOG_TAB)
    assert window.log_model.rowCount() > logged and not window.log.stale


def test_changing_the_look_in_settings_remakes_thumbnails_and_the_viewer(qtbot, queue_window, evidence_folder):
    from desktop_app.core.settings import AppSettings

    window = queue_window
    import_and_wait(qtbot, window, [evidence_folder], IMAGES + 1)
    review = window.review
    photo = row_of(window, "photo-00.jpg")  # near the top: still in view when the rows grow
    select(qtbot, window, photo.item_id)
    qtbot.waitUntil(lambda: review.viewer.previews is not None, timeout=30_000)
    qtbot.waitUntil(lambda: len(review.thumbnails.cache) >= IMAGES, timeout=60_000)
    assert saturation(pixels(review.thumbnails.cache.get(photo.item_id))) < 1

    window._settings_saved(AppSettings(greyscale_by_default=False, thumbnail_size=128))  # blurred, in colour
    assert len(review.thumbnails.cache) == 0 and review.queue.table.verticalHeader().defaultSectionSize() == 136
    qtbot.waitUntil(lambda: review.thumbnails.cache.get(photo.item_id) is not None, timeout=60_000)
    thumbnail = pixels(review.thumbnails.cache.get(photo.item_id))
    assert max(thumbnail.shape[:2]) == 128 and saturation(thumbnail) > 10
    qtbot.waitUntil(lambda: saturation(pixels(review.viewer.canvas.images[0])) > 10, timeout=30_000)
    assert not review.viewer.revealed and "Blurred —" in review.viewer.caption.text()


def test_files_imported_without_a_decoder_are_analysed_once_the_window_opens(
    qtbot, decoders, workspace, make_window, evidence_folder
):
    from desktop_app.core.progress import run_to_completion

    run_to_completion(ItemService(workspace).import_paths([evidence_folder]))  # no decoder: nothing analysed
    items = ItemService(workspace, decoders.submit_analyse)
    assert {item.analysis for item in items.list_items()} == {None}
    window = make_window(workspace, items=items, fetch=preview_fetcher(items, decoders))
    model = window.review.model

    def all_analysed():
        rows = [model.row_at(n) for n in range(model.rowCount())]
        return len(rows) == IMAGES + 1 and all(row.item.analysis is not None for row in rows)

    qtbot.waitUntil(all_analysed, timeout=60_000)
    assert row_of(window, "photo-01.jpg").pdq_text != "—"
