"""The submission dialog against the practice server on loopback: send, fail with advice, cancel, close."""

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.ui.submission.steps import STATUS_ROLE
from desktop_app.ui.submission.texts import SubmissionMode
from tests.core.submission.helpers import import_media, new_report
from tests.ui.submission.conftest import SLOW_STEP_SECONDS


def send(qtbot, dialog, timeout=30_000):
    """Press Send and wait for the end."""
    with qtbot.waitSignal(dialog.ended, timeout=timeout) as ended:
        dialog.go_button.click()
    return ended.args[0]


def test_a_report_is_sent_through_the_dialog_and_finished_at_the_server(
    qtbot, open_dialog, items, reports, server, tmp_path
):
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=True)
    report_id = new_report(reports, item_ids)
    dialog = open_dialog(report_id)
    assert dialog.plan is not None and dialog.plan.file_count == 3
    stray = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not dialog]
    assert not stray, f"parts of the dialog opened as windows of their own: {stray}"
    assert dialog.band.environment is Environment.PRACTICE and "PRACTICE" in dialog.band.headline.text()

    status = send(qtbot, dialog)

    assert status.state is SubmissionState.FINISHED, status.advice
    [finished] = server.snapshot().in_state("finished")  # the server's word, not the dialog's
    assert str(finished.report_id) == status.ncmec_report_id and len(finished.files) == 3
    keys = [dialog.model.data(dialog.model.index(row, 0), STATUS_ROLE) for row in range(dialog.model.rowCount())]
    assert keys and set(keys) == {"done"}
    # a row per step and per file: open, 3 x (upload, describe), finish
    assert dialog.model.rowCount() == 8
    assert dialog.outcome.isVisible() and status.ncmec_report_id in dialog.outcome.text()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    assert not dialog.resume_button.isVisible() and not dialog.retract_button.isVisible()


def test_a_refused_file_is_retracted_and_the_dialog_says_what_to_do(
    qtbot, open_dialog, items, reports, server, tmp_path
):
    [item_id] = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, [item_id])
    dialog = open_dialog(report_id)
    server.set_faults([Fault(endpoint="/fileinfo", kind="code", code=4100, status=400)])

    status = send(qtbot, dialog)

    assert status.state is SubmissionState.RETRACTED
    assert status.advice, "a refusal must come with advice"
    snapshot = server.snapshot()
    assert not snapshot.in_state("finished") and len(snapshot.in_state("retracted")) == 1
    assert dialog.outcome.isVisible() and dialog.outcome.property("role") == "notice"  # something to fix
    assert status.advice in dialog.outcome.text() and "4100" in dialog.outcome.text()
    failed = [dialog.model.data(dialog.model.index(r, 0), STATUS_ROLE) for r in range(dialog.model.rowCount())]
    assert "failed" in failed


def test_a_report_with_errors_is_not_sent_and_the_dialog_says_why(qtbot, open_dialog, reports, server):
    report_id = reports.create_draft().report_id  # nothing filled in

    dialog = open_dialog(report_id)

    assert not dialog.go_button.isEnabled()
    assert dialog.outcome.isVisible() and dialog.outcome.text()
    assert server.snapshot().requests == ()


def test_production_names_the_report_and_its_files_and_going_back_sends_nothing(
    qtbot, open_dialog, items, reports, server, tmp_path
):
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=False)
    report_id = new_report(reports, item_ids)
    dialog = open_dialog(report_id, environment=Environment.PRODUCTION)
    assert "PRODUCTION" in dialog.band.headline.text()

    dialog.go_button.click()
    question = dialog.confirmation
    assert question is not None and question.isVisible()
    text = " ".join(label.text() for label in question.findChildren(type(dialog.plan_label)))
    assert "2 files" in text and report_id[:8] in text and dialog.plan.title in text
    question.back_button.click()
    qtbot.wait(200)
    assert not [r for r in server.snapshot().requests if r.path == "/submit"]

    dialog.go_button.click()
    with qtbot.waitSignal(dialog.ended, timeout=30_000) as ended:
        dialog.confirmation.send_button.click()
    assert ended.args[0].state is SubmissionState.FINISHED
    assert len(server.snapshot().in_state("finished")) == 1


def test_cancel_after_ncmec_opened_the_report_asks_then_retracts_it(
    qtbot, open_dialog, items, reports, server, tmp_path
):
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=False)
    report_id = new_report(reports, item_ids)
    dialog = open_dialog(report_id)
    server.set_faults([Fault(endpoint="/upload", kind="delay", seconds=SLOW_STEP_SECONDS, applied=True)])
    dialog.go_button.click()
    qtbot.waitUntil(dialog.opened_at_ncmec, timeout=10_000)

    dialog.cancel_button.click()
    question = dialog.confirmation
    assert question is not None and question.isVisible()
    question.keep_button.click()  # "keep going" first: nothing stops
    assert dialog.phase == "running"
    dialog.cancel_button.click()
    with qtbot.waitSignal(dialog.ended, timeout=30_000) as ended:
        dialog.confirmation.retract_button.click()

    assert ended.args[0].state is SubmissionState.RETRACTED
    snapshot = server.snapshot()
    assert not snapshot.in_state("finished") and not snapshot.in_state("open")
    assert len(snapshot.in_state("retracted")) == 1
    assert [r.path for r in snapshot.requests].count("/retract") >= 1


def test_closing_the_dialog_while_a_call_is_in_flight_does_not_crash_and_the_report_can_be_resumed(
    qtbot, pool, open_dialog, submissions, items, reports, server, tmp_path
):
    [item_id] = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, [item_id])
    dialog = open_dialog(report_id, owned_by_test=True)
    server.set_faults([Fault(endpoint="/upload", kind="delay", seconds=SLOW_STEP_SECONDS, applied=True)])
    dialog.go_button.click()
    qtbot.waitUntil(dialog.opened_at_ncmec, timeout=10_000)

    dialog.reject()  # what the window does when it locks
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(dialog, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(dialog)
    assert pool.wait_for_done(30_000)
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=5000)  # results delivered to nobody, no crash

    status = submissions.status(report_id)
    assert status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION) and status.ncmec_report_id
    assert len(server.snapshot().in_state("open")) == 1  # left open, with a decision waiting

    resumed = open_dialog(report_id, SubmissionMode.RESUME)
    assert resumed.go_button.isEnabled()
    assert send(qtbot, resumed).state is SubmissionState.FINISHED
    snapshot = server.snapshot()
    [finished] = snapshot.in_state("finished")
    assert len(finished.files) == 1 and not snapshot.in_state("open")
    if str(finished.report_id) != status.ncmec_report_id:
        # The close cut the upload mid-transfer, so NCMEC may hold part of it: resuming withdrew that
        # report and sent the content afresh rather than finish a report whose files are uncertain.
        [withdrawn] = snapshot.in_state("retracted")
        assert str(withdrawn.report_id) == status.ncmec_report_id


def test_a_submit_whose_answer_never_came_is_sent_again_only_after_the_reviewer_decides(
    qtbot, open_dialog, reports, server
):
    report_id = new_report(reports, [])
    dialog = open_dialog(report_id)
    server.set_faults([Fault(endpoint="/submit", kind="drop", applied=True)])  # opened, but the answer is lost

    status = send(qtbot, dialog)

    assert status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id is None
    assert dialog.send_again_button.isVisible()
    assert not dialog.resume_button.isVisible() and not dialog.retract_button.isVisible()
    assert len([r for r in server.snapshot().requests if r.path == "/submit"]) == 1  # never repeated blindly

    dialog.send_again_button.click()
    dialog.confirmation.back_button.click()  # "not now": nothing happens
    assert dialog.phase == "ended" and dialog.send_again_button.isVisible()
    dialog.send_again_button.click()
    dialog.confirmation.send_button.click()
    qtbot.waitUntil(lambda: dialog.phase == "ready" and dialog.go_button.isEnabled(), timeout=10_000)
    assert dialog.mode is SubmissionMode.SUBMIT and dialog.environment_row.isEnabled()

    assert send(qtbot, dialog).state is SubmissionState.FINISHED
    snapshot = server.snapshot()
    assert len(snapshot.in_state("finished")) == 1  # one filed report; the lost one stays open until NCMEC drops it
    assert len(snapshot.in_state("open")) == 1


def test_an_ncmec_service_without_saved_credentials_is_refused_before_anything_is_sent(
    qtbot, pool, workspace, reports, items, server
):
    from desktop_app.core.cybertipline.endpoint import CredentialStore
    from desktop_app.core.platform.secrets import MemorySecretStore
    from desktop_app.core.services.practice import PracticeEndpoint
    from desktop_app.core.services.submission import SubmissionService
    from desktop_app.ui.submission.dialog import SubmissionDialog

    practice = PracticeEndpoint.attached(server.url, None)
    service = SubmissionService(
        workspace,
        reports,
        items,
        CredentialStore(MemorySecretStore()),
        practice,
        endpoints={Environment.TEST: server.url},
    )
    dialog = SubmissionDialog(service, pool, new_report(reports, []), environment=Environment.TEST)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.phase == "ready", timeout=10_000)

    assert not dialog.go_button.isEnabled()
    assert dialog.outcome.isVisible() and "CyberTipline connection" in dialog.outcome.text()
    dialog.environment_row.combo.setCurrentIndex(dialog.environment_row.combo.findData(Environment.PRACTICE))
    qtbot.waitUntil(lambda: dialog.phase == "ready" and dialog.plan.environment is Environment.PRACTICE, timeout=10_000)
    assert not dialog.outcome.isVisible()
    assert dialog.band.environment is Environment.PRACTICE and dialog.go_button.text() == "Send to Practice"
    assert server.snapshot().requests == ()
    pool.wait_for_done(10_000)
