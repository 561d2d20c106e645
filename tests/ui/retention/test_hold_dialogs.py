"""Placing, renewing and releasing holds through the dialogs, on a real workspace."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate

from desktop_app.core.domain.holds import HoldSource, HoldState
from desktop_app.ui.retention.action_dialog import picked_date
from desktop_app.ui.retention.hold_dialogs import PlaceHoldDialog, ReleaseHoldDialog, RenewHoldDialog
from tests.ui.screens import distinct_colours, grab


def _submit(qtbot, dialog) -> None:
    with qtbot.waitSignal(dialog.succeeded, timeout=10_000):
        dialog.ok_button.click()


def _refused(qtbot, dialog) -> str:
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    return dialog.message.text()


def test_a_2703f_hold_needs_its_requester_and_runs_90_days_from_the_request(qtbot, pool, lifecycle, held, shots_dir):
    dialog = PlaceHoldDialog(lifecycle.holds, pool, report_id=held.recent)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.source.setCurrentIndex(dialog.source.findData(HoldSource.REQUEST_2703F))
    assert dialog.form.isRowVisible(dialog.requester) and not dialog.form.isRowVisible(dialog.purpose)
    dialog.reference.setText("ECS-2025-044")
    dialog.requester.setText("Example County Sheriff")
    requested = datetime.now(UTC).date() - timedelta(days=10)
    dialog.starts.setDate(QDate(requested.year, requested.month, requested.day))
    assert picked_date(dialog.ends) == requested + timedelta(days=90)
    dialog.resize(720, 560)
    grab(dialog, shots_dir / "hold-dialog.png")
    dialog.requester.clear()
    assert "requesting agency" in _refused(qtbot, dialog)
    assert dialog.result() == 0 and dialog.reference.text() == "ECS-2025-044"  # nothing typed is lost

    dialog.requester.setText("Example County Sheriff")
    _submit(qtbot, dialog)

    hold = dialog.outcome
    assert hold.source is HoldSource.REQUEST_2703F and hold.details.requester == "Example County Sheriff"
    assert hold.ends_at - hold.started_at == timedelta(days=90)
    assert set(hold.items) == set(held.recent_items)
    assert hold.hold_id in {h.hold_id for h in lifecycle.holds.holds()}


def test_a_litigation_hold_can_run_until_released(qtbot, pool, lifecycle, held):
    dialog = PlaceHoldDialog(lifecycle.holds, pool, item_ids=held.old_items[1:])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.source.setCurrentIndex(dialog.source.findData(HoldSource.LITIGATION))
    assert dialog.form.isRowVisible(dialog.no_end)
    dialog.no_end.setChecked(True)
    dialog.reference.setText("Roe v. Example Forum")
    _submit(qtbot, dialog)
    assert dialog.outcome.ends_at is None and list(dialog.outcome.items) == held.old_items[1:]


def test_renewing_a_2703f_hold_adds_90_days_and_needs_the_renewed_reference(qtbot, pool, lifecycle):
    [request] = [h for h in lifecycle.holds.holds() if h.source is HoldSource.REQUEST_2703F]
    dialog = RenewHoldDialog(lifecycle.holds, [request], pool)
    qtbot.addWidget(dialog)
    assert not dialog.until.isEnabled()  # the law sets the new end
    assert "renewed request" in _refused(qtbot, dialog)

    dialog.reference.setText("ECS-2025-031-R1")
    _submit(qtbot, dialog)
    assert dialog.outcome.ends_at == request.ends_at + timedelta(days=90)
    assert dialog.outcome.details.renewals[-1].reference == "ECS-2025-031-R1"


def test_releasing_needs_a_reason_and_is_logged(qtbot, pool, lifecycle, workspace, shots_dir):
    active = [h for h in lifecycle.holds.holds() if h.is_active(datetime.now(UTC))]
    dialog = ReleaseHoldDialog(lifecycle.holds, active, pool)
    qtbot.addWidget(dialog)
    litigation = next(i for i in range(dialog.hold.count()) if dialog.hold.itemData(i).source is HoldSource.LITIGATION)
    dialog.hold.setCurrentIndex(litigation)
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("Case dismissed with prejudice on 2026-11-30.")
    assert dialog.ok_button.isEnabled()
    dialog.resize(720, 420)
    assert distinct_colours(grab(dialog, shots_dir / "release-dialog.png")) > 3
    _submit(qtbot, dialog)

    assert dialog.outcome.state(datetime.now(UTC)) is HoldState.RELEASED
    [event] = [e.event for e in workspace.events() if e.event.type == "hold.released"]
    assert event.data["reason"] == "Case dismissed with prejudice on 2026-11-30."


def test_a_finished_reports_year_cannot_be_released(qtbot, pool, lifecycle):
    automatic = [h for h in lifecycle.holds.holds() if h.source is HoldSource.REPORT_FINISHED]
    active = [h for h in automatic if h.is_active(datetime.now(UTC))]
    dialog = ReleaseHoldDialog(lifecycle.holds, active, pool)
    qtbot.addWidget(dialog)
    dialog.reason.setPlainText("no longer needed")
    assert "2258A(h)(1)" in _refused(qtbot, dialog)
    assert dialog.result() == 0 and dialog.outcome is None
