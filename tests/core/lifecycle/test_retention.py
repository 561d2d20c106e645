"""The retention view and the unlock reminders, on the test clock."""

from datetime import timedelta

from desktop_app.core.domain.holds import HoldSource
from desktop_app.core.services.retention import RetentionFilter, RetentionService
from tests.core.lifecycle.helpers import finish, report_with_items


def test_items_and_reports_by_deadline_with_filters(workspace, items, reports, holds, clock, tmp_path):
    report_id, reported = report_with_items(items, reports, tmp_path / "r")
    _, requested = report_with_items(items, reports, tmp_path / "q", pictures=1, seed=5)
    finish(workspace, report_id, reported, clock.now - timedelta(days=350))  # 16 days left of its year
    request = holds.place(HoldSource.REQUEST_2703F, items=requested, requester="Agency", reference="Q-9")
    retention = RetentionService(workspace, holds, clock)

    rows = retention.rows()
    # Items first, the soonest deadline first (the year's last 16 days before the 90-day request), then reports.
    expected = [("item", i) for i in sorted(reported)] + [("item", requested[0]), ("report", report_id)]
    assert [(r.kind, r.subject_id) for r in rows] == expected
    by_id = {r.subject_id: r for r in rows}
    assert by_id[requested[0]].held_by_request and "Agency Q-9" in by_id[requested[0]].why[0]
    assert by_id[report_id].until == by_id[reported[0]].until

    due_soon = retention.rows(RetentionFilter(due_within=timedelta(days=30)))
    assert {r.subject_id for r in due_soon} == {*reported, report_id}
    assert {r.subject_id for r in retention.rows(RetentionFilter(held_by_request=True))} == {requested[0]}
    assert retention.rows(RetentionFilter(review_due=True)) == []

    clock.advance(days=20)  # the year is over; the request still runs
    due = retention.rows(RetentionFilter(review_due=True))
    assert {r.subject_id for r in due} == {*reported, report_id}
    assert all(r.status == "retention review due" for r in due)
    assert items.get(reported[0]).blob_id is not None  # nothing deleted by itself
    assert request.hold_id in {h.hold_id for h in by_id[requested[0]].holds}


def test_unlock_reminders_name_reviews_due_and_requests_about_to_lapse(
    workspace, items, reports, holds, clock, tmp_path
):
    report_id, reported = report_with_items(items, reports, tmp_path / "r")
    finish(workspace, report_id, reported, clock.now - timedelta(days=400))
    request = holds.place(HoldSource.REQUEST_2703F, items=reported[:1], requester="Agency", reference="Q-9")
    retention = RetentionService(workspace, holds, clock)

    assert [r.code for r in retention.reminders()] == ["review-due"]  # item 1 is still under the request
    assert retention.reminders()[0].subject_ids == (reported[1],)
    clock.advance(days=80)
    codes = {r.code: r for r in retention.reminders()}
    assert codes["request-lapsing"].subject_ids == (request.hold_id,) and "Q-9" in codes["request-lapsing"].message
