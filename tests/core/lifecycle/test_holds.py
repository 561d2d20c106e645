"""Holds on an injectable clock: the automatic year, extensions, 2703(f) requests, litigation, release."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.holds import HoldRejected, HoldSource, HoldState, ItemRole
from tests.core.lifecycle.helpers import finish, report_with_items


def _events(workspace, kind):
    return [e.event for e in workspace.events() if e.event.type is kind]


def test_a_report_finished_on_leap_day_is_held_until_the_first_of_march(
    workspace, items, reports, holds, clock, tmp_path
):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now)

    [hold] = holds.holds()

    assert hold.source is HoldSource.REPORT_FINISHED and hold.report_id == report_id
    assert hold.started_at == clock.now
    # No 29 February in 2025: the year ends no earlier than 1 March.
    assert hold.ends_at is not None and hold.ends_at >= datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    assert hold.items == dict.fromkeys(item_ids, ItemRole.REPORTED)
    assert holds.retention(item_ids[0]).until == hold.ends_at
    # Derived once, however often it runs; and logged once.
    assert holds.holds() == [hold]
    [placed] = _events(workspace, EventType.HOLD_PLACED)
    assert placed.subject == hold.hold_id and placed.data["source"] == "2258A(h)(1)"
    clock.now = datetime(2025, 2, 28, 23, 59, tzinfo=UTC)
    assert holds.retention(item_ids[0]).active == (hold,)
    clock.now = hold.ends_at
    assert holds.retention(item_ids[0]).review_due
    assert hold.state(clock.now) is HoldState.ENDED


def test_a_report_filed_by_hand_gets_the_same_year(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    reports.record_ncmec_report_id(report_id, 123456789)
    clock.advance(hours=2)

    [hold] = holds.holds()

    assert hold.source is HoldSource.REPORT_FINISHED and hold.derived_from == f"filed-by-hand:{report_id}"
    assert hold.details.reference == "123456789"
    assert hold.started_at == clock.now and hold.ends_at == clock.now + timedelta(days=366)
    assert set(hold.items) == set(item_ids)


def test_an_h5_extension_needs_a_purpose_and_carries_retention_past_the_year(
    workspace, items, reports, holds, clock, tmp_path
):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now)
    [automatic] = holds.holds()
    later = datetime(2026, 6, 1, tzinfo=UTC)

    with pytest.raises(HoldRejected, match="purpose"):
        holds.place(HoldSource.VOLUNTARY, report_id=report_id, ends_at=later)
    extension = holds.place(
        HoldSource.VOLUNTARY, report_id=report_id, ends_at=later, purpose="hash sharing to stop re-uploads"
    )

    retention = holds.retention(item_ids[0])
    # Both start now; which is listed first does not matter.
    assert retention.until == later and {h.hold_id for h in retention.active} == {automatic.hold_id, extension.hold_id}
    clock.now = datetime(2025, 12, 1, tzinfo=UTC)  # the year is over, the extension is not
    assert holds.retention(item_ids[0]).active == (extension,)
    [placed] = [e for e in _events(workspace, EventType.HOLD_PLACED) if e.subject == extension.hold_id]
    assert placed.data["purpose"] == "hash sharing to stop re-uploads"


def test_a_2703f_hold_renewed_once_runs_180_days_then_lapses(workspace, items, reports, holds, clock, tmp_path):
    _, item_ids = report_with_items(items, reports, tmp_path / "m")
    start = clock.now

    with pytest.raises(HoldRejected, match="requesting agency"):
        holds.place(HoldSource.REQUEST_2703F, items=item_ids[:1], reference="PR-1")
    request = holds.place(
        HoldSource.REQUEST_2703F, items=item_ids[:1], requester="Example County Sheriff", reference="PR-2024-17"
    )
    assert request.ends_at == start + timedelta(days=90)
    assert holds.retention(item_ids[0]).held_by_request
    assert not holds.retention(item_ids[1]).active  # only the chosen item

    clock.advance(days=80)
    with pytest.raises(HoldRejected, match="reference"):
        holds.renew(request.hold_id)
    renewed = holds.renew(request.hold_id[:8], reference="PR-2024-17/renewal")
    assert renewed.ends_at == start + timedelta(days=180)
    assert holds.retention(item_ids[0]).until == start + timedelta(days=180)

    clock.now = start + timedelta(days=180)
    retention = holds.retention(item_ids[0])
    assert not retention.active and retention.review_due and not retention.held_by_request
    with pytest.raises(HoldRejected, match="ended"):
        holds.renew(request.hold_id, reference="too late")
    [event] = _events(workspace, EventType.HOLD_RENEWED)
    assert event.data["ends_at"] == renewed.ends_at.isoformat()


def test_a_litigation_hold_outlives_every_other_until_released(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now)
    holds.place(HoldSource.REQUEST_2703F, items=item_ids, requester="FBI", reference="R-1")
    holds.place(HoldSource.VOLUNTARY, report_id=report_id, ends_at=clock.now + timedelta(days=700), purpose="p")
    litigation = holds.place(HoldSource.LITIGATION, items=[item_ids[0]], reference="Doe v. Forum, 24-cv-1")

    clock.advance(days=3000)
    first, second = holds.retention(item_ids[0]), holds.retention(item_ids[1])
    assert first.active == (litigation,) and first.indefinite and first.until is None and not first.review_due
    assert second.review_due

    with pytest.raises(HoldRejected, match="reason"):
        holds.release(litigation.hold_id, "  ")
    assert holds.retention(item_ids[0]).active == (litigation,)  # a refused release changes nothing
    released = holds.release(litigation.hold_id, "case dismissed with prejudice")
    assert released.details.release_reason == "case dismissed with prejudice"
    assert holds.retention(item_ids[0]).review_due
    [event] = _events(workspace, EventType.HOLD_RELEASED)
    assert event.subject == litigation.hold_id and event.data["reason"] == "case dismissed with prejudice"
    assert workspace.verify_log().ok


def test_the_automatic_year_cannot_be_released_or_typed_in(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    finish(workspace, report_id, item_ids, clock.now)
    [automatic] = holds.holds()

    with pytest.raises(HoldRejected, match="2258A"):
        holds.release(automatic.hold_id, "no longer needed")
    with pytest.raises(HoldRejected, match="automatically"):
        holds.place(HoldSource.REPORT_FINISHED, report_id=report_id)
    assert holds.retention(item_ids[0]).active == (automatic,)


def test_context_items_join_a_reports_hold(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    context = report_with_items(items, reports, tmp_path / "c", pictures=1, seed=7)[1]
    finish(workspace, report_id, item_ids, clock.now)
    [automatic] = holds.holds()

    joined = holds.add_items(automatic.hold_id, context)

    assert joined.items[context[0]] is ItemRole.CONTEXT
    assert holds.retention(context[0]).until == automatic.ends_at
    with pytest.raises(HoldRejected, match="Not items"):
        holds.add_items(automatic.hold_id, ["no-such-item"])


def test_hold_details_are_sealed_in_the_database(workspace, items, reports, holds, tmp_path):
    _, item_ids = report_with_items(items, reports, tmp_path / "m")
    holds.place(
        HoldSource.REQUEST_2703F, items=item_ids, requester="Springfield Police Department", reference="SPD-REQ-0042"
    )
    folder = workspace.paths.workspace  # the database and its WAL
    raw = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("workspace.db"))
    assert b"Springfield Police" not in raw and b"SPD-REQ-0042" not in raw
