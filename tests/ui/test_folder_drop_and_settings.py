"""A folder dropped on the window, and the Settings dialog's look and reveal mode, end to end.

Real workspace, real item service and sandboxed decoders, real widgets offscreen. The settings
are changed through the dialog's own widgets and OK button; the assertions look at the pixels the
window paints and at how the viewer's Reveal button behaves.
"""

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import IntakeOutcome, ItemKind
from desktop_app.core.services.items import ItemService
from desktop_app.core.settings import BLUR_STRENGTH_MAX, AppSettings
from desktop_app.ui.models.queue import Column
from tests import synthetic_media
from tests.ui.test_queue_flow import detail, import_and_wait, pixels, row_of, saturation, select

PHOTOS = 3


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for n in range(PHOTOS):
        (folder / f"photo-{n:02d}.jpg").write_bytes(synthetic_media.photo(320, 240, seed=n))
    return folder


# PySide flags the only QDragEnterEvent constructor Qt 6 has (it takes a QPoint) as deprecated.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*deprecated:DeprecationWarning")
def test_dropping_a_folder_imports_its_files_recursively(qtbot, make_window, workspace, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(b"a file outside the dropped folder")
    root = tmp_path / "dropped"
    files = {
        "top.png": synthetic_media.photo(120, 90, seed=1, fmt="PNG"),
        "sub/inner.jpg": synthetic_media.photo(120, 90, seed=2),
        "sub/deeper/note.txt": synthetic_media.text_file(),
        "sub/deeper/deepest/data.bin": synthetic_media.random_bytes(5000, seed=3),
    }
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    (root / "sub" / "to-elsewhere").symlink_to(outside)  # recorded as a link, never followed
    items = ItemService(workspace)
    window = make_window(workspace, items=items)

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(root))])
    action, button, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(40, 40), action, mime, button, none)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(window.intake.import_finished, timeout=60_000) as finished:
        QApplication.sendEvent(window, QDropEvent(QPointF(40, 40), action, mime, button, none))
    summary = finished.args[0]
    qtbot.waitUntil(
        lambda: not window.review.reloading and window.review.model.rowCount() == len(files) + 1, timeout=20_000
    )

    assert summary.items_added == len(files) + 1 and not summary.cancelled
    for relative, data in files.items():
        item = row_of(window, os.path.basename(relative)).item
        assert (item.kind, item.outcome) == (ItemKind.FILE, IntakeOutcome.OK)
        assert item.sources[0].path == os.fsencode(root / relative)  # found where it lies, however deep
        assert items.read_bytes(item.item_id) == data
    link = row_of(window, "to-elsewhere").item
    assert (link.kind, link.link_target, link.blob_id) == (ItemKind.LINK, os.fsencode(outside), None)


def painted_thumbnail(window, item_id) -> np.ndarray:
    """The pixels of the item's thumbnail cell as the table paints them."""
    review = window.review
    position = review.model.position_of(item_id)
    proxy_row = review.queue.proxy.mapFromSource(review.model.index(position, 0)).row()
    table = review.queue.table
    QApplication.processEvents()
    cell = table.visualRect(table.model().index(proxy_row, Column.THUMBNAIL))
    return pixels(table.viewport().grab(cell).toImage())


def save_through_the_dialog(qtbot, dialog) -> AppSettings:
    """Click OK; returns what was saved once the dialog is gone and focus is back in the window.

    Qt hands focus back after a dialog closes in a later event; a button pressed before that would
    lose focus under the pointer, and a button that loses focus is released.
    """
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.destroyed, timeout=5000), qtbot.waitSignal(dialog.settings_saved) as saved:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    return saved.args[0]


def test_a_stronger_blur_from_the_settings_dialog_changes_the_painted_thumbnail_and_the_viewer(
    qtbot, queue_window, photos, workspace, paths
):
    window = queue_window
    import_and_wait(qtbot, window, [photos], PHOTOS)
    review, loader = window.review, window.review.thumbnails
    photo = row_of(window, "photo-00.jpg")
    select(qtbot, window, photo.item_id)
    qtbot.waitUntil(lambda: review.viewer.previews is not None, timeout=30_000)
    qtbot.waitUntil(lambda: len(loader.cache) >= PHOTOS and loader.idle, timeout=60_000)
    default_thumbnail = pixels(loader.cache.get(photo.item_id))
    default_cell = painted_thumbnail(window, photo.item_id)
    default_viewer = pixels(review.viewer.canvas.images[0])

    dialog = window.menus.open_settings()
    assert dialog.blur_slider.value() == AppSettings().blur_strength
    dialog.blur_slider.setFocus()
    qtbot.keyClick(dialog.blur_slider, Qt.Key.Key_End)  # as a reviewer would: to the strongest blur
    assert dialog.blur_slider.value() == BLUR_STRENGTH_MAX and dialog.blur_value.text() == f"{BLUR_STRENGTH_MAX} px"
    assert save_through_the_dialog(qtbot, dialog).blur_strength == BLUR_STRENGTH_MAX

    assert window.settings.blur_strength == BLUR_STRENGTH_MAX
    qtbot.waitUntil(lambda: loader.cache.get(photo.item_id) is not None and loader.idle, timeout=60_000)
    strong_thumbnail = pixels(loader.cache.get(photo.item_id))
    strong_cell = painted_thumbnail(window, photo.item_id)
    # Stronger blur flattens the picture further: less contrast, fewer edges; still greyscale.
    assert strong_thumbnail.shape == default_thumbnail.shape
    assert strong_thumbnail.std() < 0.8 * default_thumbnail.std()
    assert detail(strong_thumbnail) < detail(default_thumbnail)
    assert saturation(strong_thumbnail) < 1
    # ... and that is what the table paints now, not the old rendering.
    assert strong_cell.shape == default_cell.shape and not np.array_equal(strong_cell, default_cell)
    assert strong_cell.std() < default_cell.std()
    # The viewer is re-rendered with the same setting.
    qtbot.waitUntil(lambda: pixels(review.viewer.canvas.images[0]).std() < 0.8 * default_viewer.std(), timeout=30_000)
    assert not review.viewer.revealed

    # Kept for the next start, and the change is in the custody log.
    assert AppSettings.load(paths.settings_file).blur_strength == BLUR_STRENGTH_MAX
    (changed,) = [e.event for e in workspace.events() if e.event.type == EventType.SETTINGS_CHANGED]
    assert changed.data == {"changed": ["blur_strength"], "values": {"blur_strength": BLUR_STRENGTH_MAX}}


def full_reveals(workspace, item_id) -> int:
    return sum(
        1
        for e in workspace.events()
        if e.event.type == EventType.ITEM_REVEALED and e.event.subject == item_id and e.event.data["mode"] == "full"
    )


def test_hold_mode_chosen_in_the_settings_dialog_reveals_only_while_held(qtbot, queue_window, photos, workspace):
    window = queue_window
    import_and_wait(qtbot, window, [photos], PHOTOS)
    review, viewer = window.review, window.review.viewer
    photo = row_of(window, "photo-01.jpg")
    select(qtbot, window, photo.item_id)
    qtbot.waitUntil(lambda: viewer.previews is not None, timeout=30_000)
    button = viewer.reveal_button

    # The default, "click": a click reveals, and the picture stays revealed after the release.
    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert viewer.revealed
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a second click hides it
    assert not viewer.revealed

    dialog = window.menus.open_settings()
    assert dialog.reveal_combo.currentData() == "click"
    dialog.reveal_combo.setFocus()
    qtbot.keyClick(dialog.reveal_combo, Qt.Key.Key_Down)
    assert dialog.reveal_combo.currentData() == "hold"
    assert save_through_the_dialog(qtbot, dialog).reveal_mode == "hold"
    assert viewer.reveal_mode == "hold" and not viewer.revealed
    qtbot.waitUntil(lambda: viewer.previews is not None, timeout=30_000)

    # "hold": revealed while the button is down, protected again the moment it is released.
    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert viewer.revealed and saturation(pixels(viewer.canvas.images[0])) > 40
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert not viewer.revealed and saturation(pixels(viewer.canvas.images[0])) < 1
    # A quick click is logged (it asked to see), but is released before anything is shown.
    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not viewer.revealed
    assert full_reveals(workspace, photo.item_id) == 3
