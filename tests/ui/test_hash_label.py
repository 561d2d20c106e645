"""Hashes are never broken over lines: whole where they fit, elided in the middle where not, copied whole."""

from PySide6.QtCore import Qt

from desktop_app.ui.widgets.hash_label import HashLabel

SHA256 = "98fb7a9a101de24d8593d2c1669324a73f9f0e62e6205e8540f136ff9213aaa3ae"[:64]


def test_a_narrow_hash_keeps_both_ends_and_copies_whole(qtbot):
    copied = []
    label = HashLabel(SHA256, "SHA-256", copied.append)
    qtbot.addWidget(label)
    label.resize(900, 30)
    label.show()
    assert label.label.text() == SHA256 and not label.label.elided
    label.resize(240, 30)
    qtbot.waitUntil(lambda: label.label.elided)
    shown = label.label.text()
    head, _, tail = shown.partition("…")
    assert SHA256.startswith(head) and SHA256.endswith(tail) and len(head) >= 4 and len(tail) >= 4
    assert "\n" not in shown and label.label.toolTip() == SHA256
    assert label.minimumSizeHint().width() < 240 < label.sizeHint().width()
    assert label.copy_button is not None
    qtbot.mouseClick(label.copy_button, Qt.MouseButton.LeftButton)
    assert copied == [SHA256]
    label.setText("d41d8cd98f00b204e9800998ecf8427e")
    label.copy()
    assert copied[-1] == "d41d8cd98f00b204e9800998ecf8427e" and label.text() == copied[-1]
