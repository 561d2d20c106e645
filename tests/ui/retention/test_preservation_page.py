"""The Preservation page in the real main window: tab, menu, report button, lock; the README screenshots."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.domain.followups import FollowUpKind
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.retention.destruction_dialog import DestructionDialog
from desktop_app.ui.retention.followups_dialog import FollowUpTimelineDialog
from desktop_app.ui.retention.hold_dialogs import PlaceHoldDialog, ReleaseHoldDialog
from desktop_app.ui.retention.install import install_preservation
from desktop_app.ui.retention.page import FIGURES_TAB, RETENTION_TAB
from tests.ui.retention.generated_log import generate_log
from tests.ui.screens import distinct_colours, grab

SIZES = ((1366, 768), (1920, 1080))


def grab_over(window: QWidget, dialog: QWidget, path: Path) -> Path:
    """The window with ``dialog`` centred over it, as a reviewer sees a modal dialog (offscreen has no compositor)."""
    for _ in range(3):
        QApplication.processEvents()
    picture = window.grab()
    shown = dialog.grab()
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))
    painter.drawPixmap((picture.width() - shown.width()) // 2, (picture.height() - shown.height()) // 2, shown)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(path), "PNG")
    return path


@pytest.fixture
def window(make_window, workspace, lifecycle):
    reports = ReportService(workspace, ItemService(workspace))
    built = make_window(workspace, reports=reports)
    return built


def _page(qtbot, window, lifecycle, pool):
    page = install_preservation(window, lifecycle, pool)
    qtbot.waitUntil(lambda: len(page.retention.model.rows) > 0, timeout=10_000)
    assert page.figures.figures is None  # the figures read the whole log: only once they are looked at
    return page


def _choose(page, kind: str, subject: str) -> None:
    row = next(i for i, r in enumerate(page.retention.model.rows) if r.kind == kind and r.subject_id == subject)
    page.retention.table.setCurrentIndex(page.retention.model.index(row, 0))


def test_the_page_is_a_tab_with_a_menu_and_follows_the_lock(qtbot, window, lifecycle, pool):
    page = _page(qtbot, window, lifecycle, pool)
    assert window.tabs.widget(window.tabs.count() - 1) is page
    assert window.tabs.tabText(window.tabs.count() - 1) == "Preservation"
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Preservation"]
    texts = [a.text() for a in menu.actions()]
    assert "Transparency figures" in texts and "Destroy evidence…" in texts
    next(a for a in menu.actions() if a.text() == "Transparency figures").trigger()
    assert window.tabs.currentWidget() is page and page.tabs.currentIndex() == FIGURES_TAB
    qtbot.waitUntil(lambda: page.figures.figures is not None, timeout=10_000)

    window.lock_workspace()
    assert page.retention.model.rows == [] and page.figures.figures is None


def test_the_chosen_row_drives_the_dialogs(qtbot, window, lifecycle, pool, held):
    page = _page(qtbot, window, lifecycle, pool)
    _choose(page, "item", held.old_items[0])  # under the litigation hold
    dialog = page.release_hold()
    assert isinstance(dialog, ReleaseHoldDialog)
    assert [dialog.hold.itemData(i).details.reference for i in range(dialog.hold.count())] == [
        "Doe v. Example Forum, 25-cv-0142"
    ]
    dialog.reject()
    destroy = page.destroy_evidence()
    assert isinstance(destroy, DestructionDialog) and destroy.target.text() == held.old_items[0]
    destroy.reject()
    _choose(page, "report", held.recent)
    followups = page.followups()
    assert isinstance(followups, FollowUpTimelineDialog) and followups.report_id == held.recent
    followups.reject()
    hold = page.place_hold()
    assert isinstance(hold, PlaceHoldDialog) and hold.report.text() == held.recent
    hold.reject()


def test_a_report_reaches_its_follow_ups_and_holds_from_the_reports_page(qtbot, window, lifecycle, pool, held):
    page = _page(qtbot, window, lifecycle, pool)
    reports = window.reports_page
    [button] = [b for b in reports.findChildren(QWidget) if getattr(b, "text", lambda: "")() == "Preservation"]
    assert not button.isEnabled()
    reports.open_report(held.old)
    assert button.isEnabled()
    actions = {a.text(): a for a in button.menu().actions()}
    actions["Follow-ups of this report…"].trigger()
    assert isinstance(page.dialog, FollowUpTimelineDialog) and page.dialog.report_id == held.old
    page.dialog.reject()
    actions["Destroy this report's evidence…"].trigger()
    assert isinstance(page.dialog, DestructionDialog) and page.dialog.target.text() == held.old
    page.dialog.reject()


def test_screenshots(qtbot, window, lifecycle, pool, held, workspace, shots):
    generate_log(workspace, 300, start=datetime.now(UTC) - timedelta(days=730))
    earlier = datetime.now(UTC) - timedelta(days=40)
    lifecycle.followups.record(
        held.recent,
        FollowUpKind.PRESERVATION_REQUEST,
        occurred_at=earlier,
        counterpart="Example County Sheriff",
        reference="ECS-2025-031",
    )
    lifecycle.followups.record(
        held.recent,
        FollowUpKind.LEGAL_PROCESS,
        occurred_at=earlier + timedelta(days=12),
        counterpart="Example County District Court",
        reference="Subpoena 26-GJ-118",
    )
    lifecycle.followups.record(held.recent, FollowUpKind.ACCOUNT_SUSPENDED, note="Account suspended, content removed.")
    page = _page(qtbot, window, lifecycle, pool)
    window.tabs.setCurrentWidget(page)
    for width, height in SIZES:
        size = f"{width}x{height}"
        window.resize(width, height)
        page.tabs.setCurrentIndex(RETENTION_TAB)
        assert distinct_colours(grab(window, shots / f"preservation-retention-{size}.png")) > 3

        _choose(page, "report", held.recent)
        hold = page.place_hold()
        hold.requester.setText("Example County Sheriff")
        hold.reference.setText("ECS-2026-112")
        hold.resize(720, 560)
        grab_over(window, hold, shots / f"preservation-hold-dialog-{size}.png")
        hold.reject()

        destroy = page.destroy_evidence(held.old_items[1])
        destroy.reason.setText("Retention review: the year is over and nothing else holds it")
        destroy.ok_button.click()
        qtbot.waitUntil(lambda d=destroy: d.plan is not None, timeout=10_000)
        destroy.resize(760, 520)
        grab_over(window, destroy, shots / f"preservation-destruction-{size}.png")
        destroy.reject()

        followups = page.followups(held.recent)
        qtbot.waitUntil(lambda f=followups: f.timeline.rowCount() == 3, timeout=10_000)
        followups.resize(1000, 620)
        grab_over(window, followups, shots / f"preservation-followups-{size}.png")
        followups.reject()

        page.tabs.setCurrentIndex(FIGURES_TAB)
        qtbot.waitUntil(lambda: page.figures.figures is not None, timeout=10_000)
        assert distinct_colours(grab(window, shots / f"preservation-figures-{size}.png")) > 3
