"""A report's follow-up timeline, adding to it, and a reported account's timeline across reports."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime

from desktop_app.core.domain.followups import FollowUpKind
from desktop_app.ui.retention.followups_dialog import FollowUpTimelineDialog
from tests.ui.screens import distinct_colours, grab


def click_when_ready(qtbot, dialog) -> None:
    """Click OK once the last call's ``finished`` enabled it again.

    The outcome (a refusal shown, the reloaded timeline) can arrive before that: a pool thread may
    be descheduled between delivering its result and announcing its end, and a click on the
    still-disabled button does nothing.
    """
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    dialog.ok_button.click()


def test_recording_follow_ups_on_a_report_fills_its_timeline(qtbot, pool, lifecycle, held, workspace, shots_dir):
    earlier = datetime.now(UTC) - timedelta(days=30)
    lifecycle.followups.record(
        held.recent,
        FollowUpKind.PRESERVATION_REQUEST,
        occurred_at=earlier,
        counterpart="Example County Sheriff",
        reference="ECS-2025-031",
    )
    dialog = FollowUpTimelineDialog(lifecycle.followups, pool, report_id=held.recent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == 1, timeout=10_000)

    dialog.kind.setCurrentIndex(dialog.kind.findData(FollowUpKind.LEGAL_PROCESS))
    dialog.reference.setText("Subpoena 26-GJ-118")
    click_when_ready(qtbot, dialog)
    qtbot.waitUntil(
        lambda: "who it came from" in dialog.message.text().lower() or "came from" in dialog.message.text(),
        timeout=10_000,
    )
    assert dialog.timeline.rowCount() == 1

    dialog.counterpart.setText("Example County District Court")
    dialog.when.setDateTime(QDateTime.fromSecsSinceEpoch(int((datetime.now(UTC) - timedelta(days=2)).timestamp())))
    with qtbot.waitSignal(dialog.succeeded, timeout=10_000):
        click_when_ready(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == 2, timeout=10_000)
    assert dialog.timeline.item(1, 2).text() == "Legal process received"
    assert dialog.timeline.item(1, 3).text() == "Example County District Court"
    dialog.kind.setCurrentIndex(dialog.kind.findData(FollowUpKind.ACCOUNT_SUSPENDED))
    dialog.note.setText("Account suspended; content removed from public view.")
    with qtbot.waitSignal(dialog.succeeded, timeout=10_000):
        click_when_ready(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == 3, timeout=10_000)
    assert dialog.counterpart.text() == ""  # the form is ready for the next one
    dialog.resize(1000, 640)
    assert distinct_colours(grab(dialog, shots_dir / "followup-timeline.png")) > 3
    dialog.resize(1366, 768)
    grab(dialog, shots_dir / "followup-timeline-1366.png")

    kinds = [e.event.data["kind"] for e in workspace.events() if e.event.type == "followup.recorded"]
    assert kinds == ["preservation-request", "legal-process", "account-suspended"]


def test_an_accounts_timeline_spans_its_reports_and_adds_nothing(qtbot, pool, lifecycle, held, workspace):
    lifecycle.followups.record(held.old, FollowUpKind.CONTENT_REMOVED, note="removed")
    lifecycle.followups.record(held.recent, FollowUpKind.APPEAL, note="user appealed")
    account = _reported_account(workspace, held.old)
    dialog = FollowUpTimelineDialog(lifecycle.followups, pool, account=account)
    qtbot.addWidget(dialog)
    dialog.show()
    expected = lifecycle.followups.account_timeline(account)
    assert expected
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == len(expected), timeout=10_000)
    assert not dialog.ok_button.isVisible() and not dialog.timeline.isColumnHidden(1)


def _reported_account(workspace, report_id: str) -> str:
    from desktop_app.core.services.items import ItemService
    from desktop_app.core.services.reports import ReportService

    person = ReportService(workspace, ItemService(workspace)).load(report_id).draft.report.get("personOrUserReported")
    return person.text("screenName") or person.text("espIdentifier")
