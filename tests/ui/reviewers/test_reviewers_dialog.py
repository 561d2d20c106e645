"""The Reviewers dialog (list, add, remove) and the unlock dialog for a second reviewer."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.reviewers.dialog import ReviewersDialog
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).parents[3] / "docs" / "screenshots"
BOB = "bob's own passphrase"


@pytest.fixture
def alice(paths, pool):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Alice Moreno", fast_kdf())
    yield ws
    pool.wait_for_done(10_000)
    ws.close()


def make_dialog(qtbot, ws, pool) -> ReviewersDialog:
    dialog = ReviewersDialog(ws, pool)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def settle(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy.isVisible() and dialog.add_button.isEnabled(), timeout=15_000)


def add(qtbot, dialog, name, passphrase, confirm=None) -> None:
    qtbot.keyClicks(dialog.name_field, name)
    qtbot.keyClicks(dialog.passphrase_field, passphrase)
    qtbot.keyClicks(dialog.confirm_field, passphrase if confirm is None else confirm)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)


def select(dialog, name) -> None:
    for row in range(dialog.list.count()):
        if dialog.reviewers()[row].name == name:
            dialog.list.setCurrentRow(row)


def test_add_and_remove_a_reviewer_through_the_dialog(qtbot, alice, pool, monkeypatch, tmp_path):
    dialog = make_dialog(qtbot, alice, pool)
    assert [(r.name, r.is_you) for r in dialog.reviewers()] == [("Alice Moreno", True)]
    select(dialog, "Alice Moreno")
    assert not dialog.remove_button.isEnabled()  # never yourself, never the last

    add(qtbot, dialog, "Bob Okafor", BOB, confirm="something else")
    assert "differ" in dialog.message.text() and len(dialog.reviewers()) == 1
    dialog.name_field.clear()
    dialog.passphrase_field.clear()
    dialog.confirm_field.clear()
    add(qtbot, dialog, "Bob Okafor", BOB)
    assert [r.name for r in dialog.reviewers()] == ["Alice Moreno", "Bob Okafor"]
    assert "Added Bob Okafor" in dialog.message.text() and dialog.passphrase_field.text() == ""
    add(qtbot, dialog, "bob okafor", "yet another passphrase")
    assert "already a reviewer" in dialog.message.text()

    shots = DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    select(dialog, "Bob Okafor")
    assert dialog.remove_button.isEnabled()
    assert dialog.width() <= 1366 and dialog.height() <= 768  # fits the smallest screen reviewers use
    picture = grab(dialog, shots / "reviewers.png")
    assert distinct_colours(picture) > 3

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert len(dialog.reviewers()) == 2  # a No removes nothing
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert [r.name for r in dialog.reviewers()] == ["Alice Moreno"]

    logged = [(e.event.type, e.event.actor, e.event.data.get("reviewer")) for e in alice.events()]
    assert (EventType.REVIEWER_ADDED, "Alice Moreno", "Bob Okafor") in logged
    assert (EventType.REVIEWER_REMOVED, "Alice Moreno", "Bob Okafor") in logged


def test_the_unlock_dialog_unlocks_a_second_reviewer_as_themselves(qtbot, paths, pool):
    created, _ = Workspace.create(paths, PASSPHRASE, "Alice Moreno", fast_kdf())
    try:
        created.reviewers.add("Bob Okafor", BOB)
    finally:
        created.close()
    ws = Workspace.open(paths)
    try:
        dialog = UnlockDialog(ws, pool)
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            qtbot.keyClicks(dialog.passphrase_field, BOB)
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        assert ws.reviewer == "Bob Okafor"
        unlocked = [e.event for e in ws.events() if e.event.type == EventType.WORKSPACE_UNLOCKED]
        assert unlocked[-1].actor == "Bob Okafor"
    finally:
        pool.wait_for_done(10_000)
        ws.close()
