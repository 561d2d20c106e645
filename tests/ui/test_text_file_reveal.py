"""Text files imported as evidence are read as text items are: after a logged reveal, neutralised, bounded."""

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.readable_text import SHOWN_BYTES, TEXT_FORMAT

# Windows-1252 (é, curly quotes, not UTF-8), a terminal escape and a bell.
HOSTILE = "caf\xe9 \u201cmeet\u201d \x1b[2J\x07".encode("cp1252")
TROJAN = "invoice_\u202eexe.txt\n".encode()  # a right-to-left override: reads as invoice_txt.exe if obeyed
SECRET = b"synthetic-marker-7f3a"  # never on disk in the clear, before or after the reveal


def _select(qtbot, window, name: str):
    review = window.review
    row = next(review.model.row_at(n) for n in range(review.model.rowCount()) if review.model.row_at(n).name == name)
    assert review.queue.select_item(row.item_id)
    qtbot.waitUntil(lambda: review.viewer.item is not None and review.viewer.item.item_id == row.item_id)
    return row.item_id


def _reveal(qtbot, window):
    with qtbot.waitSignal(window.review.revealed, timeout=10_000):
        qtbot.mouseClick(window.review.viewer.reveal_button, Qt.MouseButton.LeftButton)


def _plaintext_on_disk(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_text_file_is_revealed_logged_neutralised_and_bounded(
    qtbot, queue_window, workspace, isolated_profile, tmp_path
):
    window, viewer = queue_window, queue_window.review.viewer
    folder = tmp_path / "flagged"
    folder.mkdir()
    (folder / "chat.txt").write_bytes(HOSTILE + b"\r\n" + SECRET)
    long_export = TROJAN + (b"line of a long export " + SECRET + b"\n") * (SHOWN_BYTES // 40 + 10)
    (folder / "export.log").write_bytes(long_export)
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 8)
    with qtbot.waitSignal(window.intake.import_finished, timeout=60_000):
        window.intake.import_paths([folder])
    review = window.review
    qtbot.waitUntil(
        lambda: (
            review.model.rowCount() == 3 and all(review.model.row_at(n).item.analysis is not None for n in range(3))
        ),
        timeout=60_000,
    )
    formats = {review.model.row_at(n).name: review.model.row_at(n).item.analysis.format for n in range(3)}
    assert formats == {"chat.txt": TEXT_FORMAT, "export.log": TEXT_FORMAT, "noise.bin": None}

    _select(qtbot, window, "noise.bin")
    assert not viewer.is_text and not viewer.reveal_button.isEnabled()

    item_id = _select(qtbot, window, "chat.txt")
    assert viewer.is_text and viewer.reveal_button.isEnabled() and not viewer.text_view.isVisible()
    assert "text file" in viewer.canvas.message.lower()
    reveals = [e for e in workspace.events() if e.event.type == EventType.ITEM_REVEALED]
    _reveal(qtbot, window)
    logged = [e for e in workspace.events() if e.event.type == EventType.ITEM_REVEALED]
    assert len(logged) == len(reveals) + 1 and logged[-1].event.subject == item_id
    assert logged[-1].event.data["mode"] == "full"
    shown = viewer.text_view.toPlainText()
    assert shown == "café “meet” [ESC][2J[BEL]\n" + SECRET.decode()
    assert "Windows-1252 (guessed)" in viewer.caption.text()
    assert "2 control characters shown by name" in viewer.caption.text()
    assert "viewed" in viewer.status.text() and "not viewed" not in viewer.status.text()
    assert not _plaintext_on_disk(isolated_profile, SECRET)

    _select(qtbot, window, "export.log")
    assert viewer.text_view.toPlainText() == "" and not viewer.text_view.isVisible()  # forgotten on moving on
    _reveal(qtbot, window)
    assert viewer.text_view.toPlainText().startswith("invoice_[RLO]exe.txt\nline of a long export")
    assert viewer.text_view.toPlainText().replace("[RLO]", "\u202e").encode() == long_export[:SHOWN_BYTES]
    assert "the first 1.0 MB of 1.1 MB shown" in viewer.caption.text() and "UTF-8 ·" in viewer.caption.text()
    assert not _plaintext_on_disk(isolated_profile, SECRET)

    window.lock_workspace()
    assert viewer.text_view.toPlainText() == "" and not viewer.text_view.isVisible()
    window.unlock_dialog.reject()
