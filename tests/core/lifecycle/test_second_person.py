"""Second-person confirmation: checked against the workspace's passphrase, logged with both names."""

from datetime import timedelta

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.destruction import DestructionService
from desktop_app.core.services.second_person import SecondPersonRefused, WorkspacePassphraseCheck
from tests.conftest import PASSPHRASE
from tests.core.lifecycle.helpers import finish, report_with_items


def test_the_workspace_passphrase_is_checked_without_changing_anything(workspace):
    before = len(workspace.events())
    assert workspace.passphrase_matches(PASSPHRASE)
    assert not workspace.passphrase_matches(PASSPHRASE + " ")
    assert len(workspace.events()) == before


def test_a_wrong_passphrase_or_no_name_is_refused(workspace):
    check = WorkspacePassphraseCheck(workspace)
    with pytest.raises(SecondPersonRefused, match="does not open"):
        check.confirm("Second Reviewer", "not it")
    with pytest.raises(SecondPersonRefused, match="name"):
        check.confirm("  ", PASSPHRASE)
    confirmation = check.confirm(" Second Reviewer ", PASSPHRASE)
    assert confirmation.name == "Second Reviewer" and confirmation.checked_with == "workspace-passphrase"


def test_a_confirmed_destruction_is_logged_with_both_names(workspace, items, reports, holds, clock, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m", pictures=1)
    finish(workspace, report_id, item_ids, clock.now - timedelta(days=400))
    destruction = DestructionService(workspace, holds, clock)
    plan = destruction.prepare(report_id, "retention review done")

    confirmation = WorkspacePassphraseCheck(workspace).confirm("Second Reviewer", PASSPHRASE)
    destruction.carry_out(plan, plan.confirmation, confirmation)

    [event] = [e.event for e in workspace.events() if e.event.type is EventType.ITEM_DESTROYED]
    assert event.actor == "Test Reviewer"
    assert event.data["confirmed_by"] == "Second Reviewer"
    assert event.data["confirmed_with"] == "workspace-passphrase"
