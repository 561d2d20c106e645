"""The viewer, the detail panel, the progress strip and the safe rendering, on real values (no workspace)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_app.core.domain.items import ReviewState
from desktop_app.core.domain.media import PreviewSet
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.dismiss_dialog import DismissDialog
from desktop_app.ui.dialogs.settings_dialog import SettingsDialog
from desktop_app.ui.intake import outcome_of, status_of
from desktop_app.ui.safe_image import REVEALED, DisplayOptions, render
from desktop_app.ui.widgets.import_progress import ImportProgressWidget, ImportStatus, duration_text, eta_seconds
from desktop_app.ui.widgets.item_details import ItemDetailsWidget, detail_sections
from desktop_app.ui.widgets.item_viewer import ItemViewerWidget, exif_text
from tests.ui.queue_data import broken_item, drawing, image_item, link_item, preview_of, text_item, video_item
from tests.ui.test_queue_flow import detail, pixels, saturation


@pytest.fixture
def viewer(qtbot):
    widget = ItemViewerWidget(DisplayOptions())
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    return widget


def previews_for(count=1, size=(160, 120)):
    return PreviewSet(tuple(preview_of(drawing(*size, seed=n), f"{n}.0 s") for n in range(count)))


def protected(previews):
    return [render(frame, DisplayOptions()) for frame in previews.frames]


@pytest.mark.parametrize("strength", [4, 24, 64])
def test_protected_rendering_is_grey_and_stronger_blur_removes_more(strength):
    preview = preview_of(drawing(320, 240))
    raw = pixels(render(preview, REVEALED))
    shown = pixels(render(preview, DisplayOptions(strength=strength)))
    assert shown.shape == raw.shape and saturation(shown) == 0 and saturation(raw) > 60
    assert detail(shown) < detail(raw) / (2 if strength == 4 else 8)


def test_blur_and_greyscale_are_separate_toggles():
    preview = preview_of(drawing(200, 150))
    grey_only = pixels(render(preview, DisplayOptions(blur=False, greyscale=True)))
    blur_only = pixels(render(preview, DisplayOptions(blur=True, greyscale=False)))
    raw = pixels(render(preview, REVEALED))
    assert saturation(grey_only) == 0 and detail(grey_only) > detail(raw) / 2  # sharp, no colour
    assert saturation(blur_only) > 10 and detail(blur_only) < detail(raw) / 4  # colour, no detail
    assert not DisplayOptions(blur=False, greyscale=False).protective


def test_same_strength_hides_as_much_at_every_size():
    small, large = preview_of(drawing(96, 72)), preview_of(drawing(768, 576))
    ratio_small = detail(pixels(render(small, DisplayOptions()))) / detail(pixels(render(small, REVEALED)))
    ratio_large = detail(pixels(render(large, DisplayOptions()))) / detail(pixels(render(large, REVEALED)))
    assert ratio_small < 0.15 and ratio_large < 0.15


def test_viewer_shows_protected_then_asks_before_revealing(qtbot, viewer):
    item = image_item(1)
    viewer.show_item(item)
    assert not viewer.reveal_button.isEnabled()  # nothing to reveal before the previews arrive
    previews = previews_for()
    viewer.show_previews(item.item_id, previews, protected(previews))
    assert saturation(pixels(viewer.canvas.images[0])) == 0
    assert "click Reveal" in viewer.caption.text()
    with qtbot.waitSignal(viewer.reveal_requested) as asked:
        qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert asked.args == [item.item_id, "full"]
    assert not viewer.revealed  # asking shows nothing: only the confirmation does
    viewer.reveal_confirmed("some-other-item", "full")
    assert not viewer.revealed
    viewer.reveal_confirmed(item.item_id, "full")
    assert viewer.revealed and saturation(pixels(viewer.canvas.images[0])) > 60
    assert viewer.reveal_button.text() == "Hide"
    qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)  # click mode: a second click hides
    assert not viewer.revealed and saturation(pixels(viewer.canvas.images[0])) == 0


def test_clicking_the_picture_reveals_and_changing_item_forgets_everything(qtbot, viewer):
    item = image_item(1)
    viewer.show_item(item)
    previews = previews_for()
    viewer.show_previews(item.item_id, previews, protected(previews))
    with qtbot.waitSignal(viewer.reveal_requested):
        qtbot.mouseClick(viewer.canvas, Qt.MouseButton.LeftButton)
    viewer.reveal_confirmed(item.item_id, "full")
    assert viewer.revealed
    viewer.show_item(image_item(2))
    assert not viewer.revealed and viewer.previews is None and viewer.canvas.images == []


def test_hold_mode_confirmation_after_release_shows_nothing(qtbot, viewer):
    viewer.set_look(DisplayOptions(), "hold")
    item = image_item(1)
    viewer.show_item(item)
    previews = previews_for()
    viewer.show_previews(item.item_id, previews, protected(previews))
    qtbot.mousePress(viewer.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(viewer.reveal_button, Qt.MouseButton.LeftButton)
    viewer.reveal_confirmed(item.item_id, "full")  # the log answered after the button was let go
    assert not viewer.revealed
    qtbot.mousePress(viewer.reveal_button, Qt.MouseButton.LeftButton)
    viewer.reveal_confirmed(item.item_id, "full")
    assert viewer.revealed
    qtbot.mouseRelease(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert not viewer.revealed


def test_video_is_a_still_keyframe_grid_with_labels(viewer):
    item = video_item(5)
    viewer.show_item(item)
    previews = previews_for(4)
    viewer.show_previews(item.item_id, previews, protected(previews))
    assert len(viewer.canvas.images) == 4 and viewer.canvas.labels == ["0.0 s", "1.0 s", "2.0 s", "3.0 s"]
    cells = viewer.canvas.cells()
    assert len({(c.x(), c.y()) for c in cells}) == 4 and all(c.width() > 50 for c in cells)
    assert "no playback, no sound" in viewer.caption.text()


def test_items_that_cannot_render_say_so_and_keep_their_details(qtbot, viewer):
    item = broken_item(3)
    viewer.show_item(item)
    assert viewer.problem.text() == "cannot render: image file is truncated" and not viewer.problem.isHidden()
    assert not viewer.wants_previews and not viewer.reveal_button.isEnabled()
    details = ItemDetailsWidget(copy=lambda text: None)
    qtbot.addWidget(details)
    details.show_item(item)
    assert details.value_labels["Digests/SHA-256"].text() == item.digests.sha256
    assert details.value_labels["Perceptual hash and media/Render"].text().startswith("cannot render")
    assert details.value_labels["Source/Name"].text() == "damaged-0003.jpg"
    # Previews that fail to decode at view time say so too.
    good = image_item(4)
    viewer.show_item(good)
    viewer.show_previews(good.item_id, PreviewSet(problem="corrupt", problem_detail="bad Huffman code"), [])
    assert viewer.canvas.message == "cannot render: bad Huffman code" and viewer.canvas.images == []


def test_detail_panel_has_copyable_digests_hashes_and_every_source_field(qtbot):
    copied = []
    item = image_item(7, quality=91)
    panel = ItemDetailsWidget(copy=copied.append)
    qtbot.addWidget(panel)
    panel.show_item(item)
    assert panel.value_labels["Digests/MD5"].text() == item.digests.md5
    assert panel.value_labels["Perceptual hash and media/PDQ quality"].text() == "91"
    buttons = [b for b in panel.widget().findChildren(QPushButton) if b.text() == "Copy"]
    assert len(buttons) == 4  # MD5, SHA-1, SHA-256, PDQ
    buttons[2].click()
    assert copied == [item.digests.sha256]
    sections = dict(detail_sections(video_item(2)))
    assert {d.name: d.value for d in sections["Perceptual hash and media"]}["vPDQ"] == "4 frame lines"
    assert "Link target" in {d.name for d in dict(detail_sections(link_item(3)))["Item"]}
    assert {d.name for d in dict(detail_sections(text_item(4)))["Source"]} >= {"Name", "Message id"}


def test_exif_text_lists_metadata_or_says_there_is_none():
    assert "Make: Test Camera" in exif_text(image_item(1))
    assert "No EXIF metadata" in exif_text(broken_item(2))


def test_progress_strip_shows_counts_bytes_eta_and_outcome(qtbot):
    strip = ImportProgressWidget()
    qtbot.addWidget(strip)
    strip.start("flagged")
    assert strip.isVisible() and strip.cancel_button.isEnabled()
    strip._started -= 10  # ten seconds in
    strip.show_progress(ImportStatus(40, 100, 2, 4_000_000, 10_000_000, "Reading photo-40.jpg"))
    assert strip.counts.text() == "40 of 100 items · 2 with problems"
    assert strip.detail.text() == "4.0 MB of 10.0 MB · about 15 s left · Reading photo-40.jpg"
    assert strip.bar.maximum() == 100 and strip.bar.value() == 40
    with qtbot.waitSignal(strip.cancel_requested):
        strip.cancel_button.click()
    assert not strip.cancel_button.isEnabled()
    strip.finish("Import cancelled", "Stopped on request.", "notice")
    assert strip.outcome.text() == "Stopped on request." and strip.outcome.property("role") == "notice"
    assert strip.cancel_button.isHidden() and not strip.close_button.isHidden()


def test_eta_and_durations():
    assert eta_seconds(ImportStatus(1, 10), 0.5) is None  # too early to say
    assert eta_seconds(ImportStatus(5, 10), 10) == pytest.approx(10)
    assert eta_seconds(ImportStatus(5, 10, 0, 250, 1000), 10) == pytest.approx(30)  # bytes win
    assert [duration_text(s) for s in (0.2, 42, 150, 4000)] == [
        "about 1 s",
        "about 42 s",
        "about 2 min",
        "about 1 h 7 min",
    ]


def test_progress_records_and_summaries_read_well():
    from desktop_app.core.intake.summary import ImportPhase, ImportProgress, ImportSummary, IntakeResult

    scanning = status_of(ImportProgress(120, None, "scanning", ImportPhase.SCANNING, files_done=120))
    assert (scanning.done, scanning.total, scanning.unit) == (120, None, "files found")
    importing = status_of(ImportProgress(500, 2000, "", ImportPhase.IMPORTING, 3, 10, "a.jpg"))
    assert (importing.done, importing.total, importing.bytes_done, importing.bytes_total) == (3, 10, 500, 2000)
    results = (
        IntakeResult("file", "ok", new_item=True, new_source=True),
        IntakeResult("file", "ok", new_item=False, new_source=True),
        IntakeResult("link", "not-read-link", new_item=True, new_source=True),
    )
    title, sentence, role = outcome_of(ImportSummary(results))
    assert title == "Import finished" and role == "notice"
    assert sentence.startswith("2 new items; 1 duplicate added as sources; 1 with problems")
    assert outcome_of(ImportSummary(results[:1], cancelled=True))[0] == "Import cancelled"


def test_dismiss_needs_a_reason(qtbot):
    dialog = DismissDialog(3)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.message.text() == "Give a reason for dismissing."
    dialog.reason_field.setPlainText("  Duplicate of an item\n already reported ")
    dialog.accept()
    assert dialog.reason == "Duplicate of an item already reported"


@pytest.mark.expect_log_warnings(r"desktop_app\.core\.settings: Setting thumbnail_size=")
def test_settings_dialog_edits_thumbnail_size(qtbot, paths):
    dialog = SettingsDialog(AppSettings(), paths.settings_file)
    qtbot.addWidget(dialog)
    dialog.thumbnail_spin.setValue(96)
    dialog.blur_checkbox.setChecked(False)
    with qtbot.waitSignal(dialog.settings_saved) as saved:
        dialog.accept()
    assert saved.args[0].thumbnail_size == 96 and not saved.args[0].blur_by_default
    assert AppSettings.load(paths.settings_file).thumbnail_size == 96
    assert AppSettings.from_mapping({"thumbnail_size": 1000}).thumbnail_size == 128
    assert AppSettings.from_mapping({"thumbnail_size": "big"}).thumbnail_size == 64
    with pytest.raises(ValueError, match="thumbnail_size"):
        AppSettings(thumbnail_size=8)


def test_grey_pixels_helper_is_honest():
    grey = np.full((4, 4, 3), 128, np.uint8)
    assert saturation(grey) == 0 and detail(grey) == 0
    QApplication.processEvents()


def test_the_progress_strip_keeps_its_height_when_an_import_ends(qtbot):
    # A change of height would lay out and repaint the whole page below the strip.
    strip = ImportProgressWidget()
    qtbot.addWidget(strip)
    strip.resize(900, strip.sizeHint().height())
    strip.start("flagged")
    strip.show_progress(ImportStatus(40, 100, 0, 4_000_000, 10_000_000, "Reading photo-40.jpg"))
    running = strip.sizeHint().height()
    strip.finish("Import finished", "100 new items.", "ok")
    assert strip.sizeHint().height() == running and strip.outcome.isVisible() and not strip.bar.isVisible()
    strip.start("more")  # a queued import starts in the same strip
    assert strip.sizeHint().height() == running and strip.bar.isVisible() and not strip.outcome.isVisible()


def test_detail_panel_changes_values_in_place_when_the_rows_stay_the_same(qtbot):
    copied = []
    panel = ItemDetailsWidget(copy=copied.append)
    qtbot.addWidget(panel)
    first, second = image_item(7, quality=91), image_item(8, quality=60, state=ReviewState.TO_REPORT)
    panel.show_item(first)
    sha256 = panel.value_labels["Digests/SHA-256"]
    panel.show_item(second)  # the same rows: no widgets made
    assert panel.value_labels["Digests/SHA-256"] is sha256 and sha256.text() == second.digests.sha256
    assert panel.value_labels["Item/Review state"].text() == "To report"
    assert panel.value_labels["Perceptual hash and media/PDQ quality"].text() == "60"
    copy_sha256 = [b for b in panel.widget().findChildren(QPushButton) if b.text() == "Copy"][2]
    copy_sha256.click()
    assert copied == [second.digests.sha256]  # what is shown now, not what was shown when it was made
    panel.show_item(video_item(9))  # other rows: rebuilt
    assert "Digests/SHA-256" in panel.value_labels and panel.value_labels["Digests/SHA-256"] is not sha256
    assert "Perceptual hash and media/vPDQ" in panel.value_labels
    panel.show_item(None)
    assert panel.value_labels == {} and panel.item is None
