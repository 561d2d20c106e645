"""Second-person confirmation: another reviewer's own passphrase, logged with both names."""

from datetime import timedelta

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.destruction import DestructionService
from desktop_app.core.services.second_person import SecondPersonRefused, SecondReviewerCheck
from tests.conftest import PASSPHRASE
from tests.core.lifecycle.helpers import finish, report_with_items

SECOND_PASSPHRASE = "the second reviewer's own passphrase"


def test_the_second_reviewers_slot_is_checked_without_changing_anything(workspace):
    workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
    before = len(workspace.events())
    assert workspace.reviewer_for(SECOND_PASSPHRASE, "second reviewer") == "Second Reviewer"
    assert len(workspace.events()) == before


def test_a_wrong_passphrase_no_name_or_the_acting_reviewer_is_refused(workspace):
    workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
    check = SecondReviewerCheck(workspace)
    with pytest.raises(SecondPersonRefused, match="does not open"):
        check.confirm("Second Reviewer", "not it")
    with pytest.raises(SecondPersonRefused, match="does not open"):
        check.confirm("Second Reviewer", PASSPHRASE)  # the acting reviewer's passphrase is not theirs
    with pytest.raises(SecondPersonRefused, match="name"):
        check.confirm("  ", SECOND_PASSPHRASE)
    with pytest.raises(SecondPersonRefused, match="another reviewer"):
        check.confirm("Test Reviewer", PASSPHRASE)
    confirmation = check.confirm(" second reviewer ", SECOND_PASSPHRASE)
    assert confirmation.name == "Second Reviewer" and confirmation.checked_with == "reviewer-slot"


def test_a_confirmed_destruction_is_logged_with_both_names(workspace, items, reports, holds, clock, tmp_path):
    workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m", pictures=1)
    finish(workspace, report_id, item_ids, clock.now - timedelta(days=400))
    destruction = DestructionService(workspace, holds, clock)
    plan = destruction.prepare(report_id, "retention review done")

    confirmation = SecondReviewerCheck(workspace).confirm("Second Reviewer", SECOND_PASSPHRASE)
    destruction.carry_out(plan, plan.confirmation, confirmation)

    [event] = [e.event for e in workspace.events() if e.event.type is EventType.ITEM_DESTROYED]
    assert event.actor == "Test Reviewer"
    assert event.data["confirmed_by"] == "Second Reviewer"
    assert event.data["confirmed_with"] == "reviewer-slot"
