"""The retention view over a real workspace: rows, filters, the unlock reminder, and its screenshot."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.lifecycle import build_lifecycle
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.retention.view import RetentionWidget, install_unlock_reminders
from tests.core.lifecycle.helpers import finish, report_with_items
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


class Unlocks(QObject):
    unlocked = Signal()


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def lifecycle(workspace, tmp_path):
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    now = datetime.now(UTC)
    old, old_items = report_with_items(items, reports, tmp_path / "a")
    finish(workspace, old, old_items, now - timedelta(days=400))
    recent, recent_items = report_with_items(items, reports, tmp_path / "b", seed=3)
    finish(workspace, recent, recent_items, now - timedelta(days=350))
    built = build_lifecycle(workspace)
    built.holds.place(
        HoldSource.REQUEST_2703F,
        items=recent_items[:1],
        requester="Example County Sheriff",
        reference="ECS-2025-031",
        starts_at=now - timedelta(days=80),
    )
    built.holds.place(HoldSource.LITIGATION, items=old_items[:1], reference="Doe v. Example Forum, 25-cv-0142")
    return built


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
