"""The retention view over a real workspace: rows, filters, the unlock reminder, and its screenshot."""

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from desktop_app.ui.retention.view import RetentionWidget, install_unlock_reminders
from tests.ui.screens import distinct_colours, grab


class Unlocks(QObject):
    unlocked = Signal()


def test_the_view_lists_rows_by_deadline_and_filters_them(qtbot, pool, lifecycle, shots):
    widget = RetentionWidget(lifecycle, pool)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.model.modelReset, timeout=10_000):
        widget.reload()
    statuses = [r.status for r in widget.model.rows]
    assert "retention review due" in statuses and "held until released" in statuses
    widget.resize(1366, 768)
    path = grab(widget, shots / "retention-view.png")
    assert distinct_colours(path) > 3
    widget.resize(2560, 1440)
    assert distinct_colours(grab(widget, shots / "retention-view-large.png")) > 3
    assert widget.model.rows[0].why[0].startswith("ended: ")

    with qtbot.waitSignal(widget.model.modelReset, timeout=10_000):
        widget.filter.setCurrentIndex(2)  # review due
    assert widget.model.rows and all(r.review_due for r in widget.model.rows)
    with qtbot.waitSignal(widget.model.modelReset, timeout=10_000):
        widget.filter.setCurrentIndex(3)  # held by request
    assert widget.model.rows and all(r.held_by_request for r in widget.model.rows)


def test_the_model_passes_qt_model_checks(qtmodeltester, qtbot, pool, lifecycle):
    widget = RetentionWidget(lifecycle, pool)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.model.modelReset, timeout=10_000):
        widget.reload()
    qtmodeltester.check(widget.model)


def test_unlock_reminders_reach_the_status_bar(qtbot, pool, lifecycle):
    window = QMainWindow()
    qtbot.addWidget(window)
    unlocks = Unlocks()  # stands in for MainWindow.workspace_unlocked, what the app passes
    install_unlock_reminders(window, lifecycle, pool, unlocks.unlocked)
    qtbot.waitUntil(lambda: "retention review due" in window.statusBar().currentMessage(), timeout=10_000)
    window.statusBar().clearMessage()
    unlocks.unlocked.emit()
    qtbot.waitUntil(lambda: "ECS-2025-031" in window.statusBar().currentMessage(), timeout=10_000)
