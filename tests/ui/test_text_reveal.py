"""Text items are read inside the app: hidden until revealed, the reveal logged first, forgotten on lock."""

from PySide6.QtCore import Qt

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import SourceFields
from desktop_app.core.services.items import ItemService

WORDS = "synthetic transcript: meet me after school, don't tell anyone"


def test_a_text_item_is_revealed_logged_hidden_and_forgotten(qtbot, make_window, workspace, tmp_path):
    items = ItemService(workspace)
    result = items.add_text(WORDS, SourceFields(original_name=b"direct-messages.txt", message_id="dm-5521"))
    window = make_window(workspace, items=items)
    review, viewer = window.review, window.review.viewer
    qtbot.waitUntil(lambda: review.model.total == 1, timeout=10_000)
    assert review.queue.select_item(result.item_id)
    qtbot.waitUntil(lambda: viewer.item is not None, timeout=10_000)
    assert viewer.reveal_button.isEnabled() and not viewer.text_view.isVisible()
    assert WORDS not in viewer.text_view.toPlainText()
    reveals = len([e for e in workspace.events() if e.event.type == EventType.ITEM_REVEALED])

    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert viewer.text_view.isVisible() and viewer.text_view.toPlainText() == WORDS
    logged = [e for e in workspace.events() if e.event.type == EventType.ITEM_REVEALED]
    assert len(logged) == reveals + 1 and logged[-1].event.subject == result.item_id
    assert "viewed" in viewer.status.text() and "not viewed" not in viewer.status.text()

    qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)  # hide again
    assert not viewer.text_view.isVisible() and viewer.text_view.toPlainText() == ""

    with qtbot.waitSignal(review.revealed, timeout=10_000):
        qtbot.mouseClick(viewer.reveal_button, Qt.MouseButton.LeftButton)
    assert viewer.text_view.toPlainText() == WORDS
    window.lock_workspace()
    assert viewer.text_view.toPlainText() == "" and not viewer.text_view.isVisible()
    window.unlock_dialog.reject()
