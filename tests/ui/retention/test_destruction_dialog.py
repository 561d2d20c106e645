"""The two-step destruction confirmation: refused under another hold (named), then check, code, destroy."""

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.second_person import SecondReviewerCheck
from desktop_app.ui.retention.destruction_dialog import DestructionDialog
from tests.ui.screens import distinct_colours, grab


def _check(qtbot, dialog) -> None:
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.plan is not None or bool(dialog.message.text()), timeout=10_000)


def _destroyed(workspace) -> list:
    return [e.event for e in workspace.events() if e.event.type is EventType.ITEM_DESTROYED]


SECOND_PASSPHRASE = "the second reviewer's own passphrase"


def _second_reviewer(workspace) -> SecondReviewerCheck:
    workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
    return SecondReviewerCheck(workspace)


def test_a_request_to_destroy_an_item_another_hold_covers_is_refused_naming_the_hold(
    qtbot, pool, lifecycle, held, workspace, shots_dir
):
    dialog = DestructionDialog(lifecycle.destruction, pool, target=held.old_items[0])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("Destroy as the agency asked")
    dialog.by_request.setChecked(True)
    assert dialog.form.isRowVisible(dialog.requester) and dialog.form.isRowVisible(dialog.received)
    dialog.requester.setText("Example County Sheriff")
    dialog.reference.setText("ECS-DESTROY-7")
    _check(qtbot, dialog)

    assert dialog.plan is None and not dialog.step_two.isVisible()
    assert "Doe v. Example Forum" in dialog.message.text()  # the litigation hold, named
    assert "does not override" in dialog.message.text()
    dialog.resize(760, 560)
    assert distinct_colours(grab(dialog, shots_dir / "destruction-refused.png")) > 3
    assert _destroyed(workspace) == []


def test_check_then_type_the_code_then_destroy(qtbot, pool, lifecycle, held, workspace, shots_dir):
    target = held.old_items[1]  # its year is over and nothing else holds it
    dialog = DestructionDialog(lifecycle.destruction, pool, target=target)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("Retention review: no hold remains")
    _check(qtbot, dialog)
    assert dialog.plan is not None and dialog.plan.item_ids == (target,)
    assert dialog.step_two.isVisible() and dialog.plan.confirmation in dialog.plan_text.text()
    assert not dialog.ok_button.isEnabled()  # nothing is destroyed until the code is typed
    dialog.code.setText("0000000")
    assert not dialog.ok_button.isEnabled()
    dialog.code.setText(dialog.plan.confirmation)
    assert dialog.ok_button.isEnabled()
    dialog.resize(760, 620)
    assert distinct_colours(grab(dialog, shots_dir / "destruction-confirmation.png")) > 3
    dialog.resize(1366, 768)
    grab(dialog, shots_dir / "destruction-confirmation-1366.png")

    with qtbot.waitSignal(dialog.succeeded, timeout=20_000):
        dialog.ok_button.click()
    [event] = _destroyed(workspace)
    assert event.subject == target and event.data["basis"] == "retention review"
    assert "confirmed_by" not in event.data
    assert workspace.verify_log().ok


def test_editing_after_the_check_asks_for_a_new_check(qtbot, pool, lifecycle, held):
    dialog = DestructionDialog(lifecycle.destruction, pool, target=held.old_items[1])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("Retention review")
    _check(qtbot, dialog)
    assert dialog.plan is not None
    dialog.target.textEdited.emit(held.old_items[0])
    assert dialog.plan is None and not dialog.step_two.isVisible()


def test_a_second_person_must_confirm_with_a_passphrase_and_is_logged(
    qtbot, pool, lifecycle, held, workspace, shots_dir
):
    target = held.old_items[1]
    dialog = DestructionDialog(
        lifecycle.destruction, pool, target=target, second_person=_second_reviewer(workspace)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("Retention review")
    _check(qtbot, dialog)
    assert dialog.confirmer.isVisible() and dialog.confirmer_passphrase.isVisible()
    dialog.code.setText(dialog.plan.confirmation)
    dialog.confirmer.setText("Second Reviewer")
    dialog.confirmer_passphrase.setText("wrong passphrase")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "does not open" in dialog.message.text(), timeout=20_000)
    assert _destroyed(workspace) == [] and dialog.confirmer_passphrase.text() == ""
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)

    dialog.confirmer_passphrase.setText(SECOND_PASSPHRASE)
    dialog.resize(760, 700)
    grab(dialog, shots_dir / "destruction-second-person.png")
    with qtbot.waitSignal(dialog.succeeded, timeout=20_000):
        dialog.ok_button.click()
    [event] = _destroyed(workspace)
    assert event.actor == "Test Reviewer" and event.data["confirmed_by"] == "Second Reviewer"
