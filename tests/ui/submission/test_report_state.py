"""A report's submission state wherever it appears: the reports list, the editor header, the unlock offer."""

import pytest
from PySide6.QtWidgets import QLabel, QMenu

from desktop_app.core.domain.submission import Environment, SubmissionProgress, SubmissionState
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.ui.report.drafts_model import STATE_COLUMN
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.submission.controller import SubmissionController
from desktop_app.ui.submission.menu import submission_menu
from desktop_app.ui.submission.texts import SubmissionMode
from tests.core.submission.helpers import import_media, new_report
from tests.ui.conftest import OFFSCREEN_NOISE


def leave_open(submissions, report_id):
    """Submit until NCMEC opened the report, then stop as a killed process would: the report stays open."""
    run = submissions.submit(report_id, Environment.PRACTICE, CancelToken())
    for update in run:
        steps = {step.key: step.status for step in update.steps} if isinstance(update, SubmissionProgress) else {}
        if steps.get("submit") == "done":
            break
    run.close()
    status = submissions.status(report_id)
    assert status.state is SubmissionState.OPEN and status.ncmec_report_id
    return status


def cell(page, report_id):
    return page.model.data(page.model.index(page.model.row_of(report_id), STATE_COLUMN))


def open_in_page(qtbot, page, report_id):
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.table.selectRow(page.model.row_of(report_id))
    qtbot.waitSignal(page.editor.loaded, timeout=10_000).wait()
    return page.submission_bar


# A popup menu asks the platform for the keyboard; the offscreen plugin says it cannot. Not ours.
@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE, "This plugin does not support grabbing the keyboard")
def test_the_list_and_the_editor_show_each_state_and_offer_what_fits(
    qtbot, pool, submissions, reports, items, server, tmp_path
):
    [item_id] = import_media(items, tmp_path / "media", pictures=1, video=False)
    filed = new_report(reports, [item_id])
    finished = run_to_completion(submissions.submit(filed, Environment.PRACTICE, CancelToken()))
    opened = new_report(reports, [])
    open_status = leave_open(submissions, opened)
    ready = new_report(reports, [])
    unfinished_draft = reports.create_draft().report_id

    host = ReportsPage(reports, pool)  # only a parent for the controller's dialogs
    qtbot.addWidget(host)
    controller = SubmissionController(submissions, pool, host)
    page = ReportsPage(reports, pool, submissions=controller)
    qtbot.addWidget(page)
    page.resize(1500, 900)
    page.show()
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        page.reload()

    assert cell(page, filed) == f"Filed #{finished.ncmec_report_id}\nPractice"
    assert cell(page, opened).startswith(f"Open #{open_status.ncmec_report_id}\nPractice · 23 h")
    assert cell(page, opened).endswith("min left")
    assert cell(page, ready) == "ready" and cell(page, unfinished_draft).isdigit()  # drafts: their errors
    assert page.clock.isActive()  # an open report's clock keeps moving

    def menu_of(report_id):
        summary = page.model.summaries[page.model.row_of(report_id)]
        status = page.model.statuses.get(report_id)
        return [
            (a.text(), a.isEnabled())
            for a in submission_menu(page, report_id, status, summary.errors == 0, controller).actions()
        ]

    assert menu_of(filed) == [("Filed: nothing to do", False)]
    assert menu_of(opened) == [("Resume…", True), ("Retract…", True)]
    assert menu_of(ready) == [("Submit to NCMEC…", True)]
    assert menu_of(unfinished_draft) == [("Submit to NCMEC…", False)]
    menus_before = set(page.table.findChildren(QMenu))
    page._list_menu(page.table.visualRect(page.model.index(page.model.row_of(ready), 0)).center())
    [shown] = set(page.table.findChildren(QMenu)) - menus_before
    shown.actions()[0].trigger()
    assert controller.dialog is not None and controller.dialog.report_id == ready
    controller.dialog.reject()
    shown.close()

    bar = open_in_page(qtbot, page, filed)
    assert bar.state.state_label.text() == f"Filed #{finished.ncmec_report_id}"
    assert bar.state.environment_badge.text() == "Practice"
    assert not any(b.isVisible() for b in (bar.submit_button, bar.resume_button, bar.retract_button))
    assert not page.editor.section_pages["incident"].isEnabled()  # what NCMEC was given is not edited
    assert page.editor.section_list.isEnabled()  # but it can still be read

    bar = open_in_page(qtbot, page, unfinished_draft)
    qtbot.waitUntil(lambda: bar.submit_button.isVisible(), timeout=5000)
    assert not bar.submit_button.isEnabled()  # errors left: not submittable

    bar = open_in_page(qtbot, page, ready)
    qtbot.waitUntil(bar.submit_button.isEnabled, timeout=5000)
    assert page.editor.section_pages["incident"].isEnabled()
    bar.submit_button.click()
    dialog = controller.dialog
    assert dialog is not None and dialog.mode is SubmissionMode.SUBMIT and dialog.report_id == ready
    dialog.reject()

    bar = open_in_page(qtbot, page, opened)
    assert bar.resume_button.isVisible() and bar.retract_button.isVisible() and not bar.submit_button.isVisible()
    bar.retract_button.click()
    dialog = controller.dialog
    assert dialog.mode is SubmissionMode.RETRACT
    qtbot.waitUntil(dialog.go_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.ended, timeout=30_000):
        dialog.go_button.click()
    qtbot.waitUntil(lambda: cell(page, opened) == "Retracted\nPractice", timeout=10_000)  # the page re-read it
    assert server.snapshot().report(int(open_status.ncmec_report_id)).state == "retracted"
    dialog.accept()
    pool.wait_for_done(20_000)


def test_unfinished_submissions_are_offered_after_unlocking_and_can_be_resumed(
    qtbot, pool, submissions, reports, server, make_window, workspace
):
    report_id = new_report(reports, [])
    status = leave_open(submissions, report_id)

    window = make_window(workspace, reports=reports, submissions=submissions)
    controller = window.submissions
    qtbot.waitUntil(lambda: controller.offer is not None and controller.offer.isVisible(), timeout=10_000)
    offer = controller.offer
    assert report_id in offer.resume_buttons
    labels = [child.text() for child in offer.findChildren(QLabel)]
    assert any(text.startswith(f"Open #{status.ncmec_report_id}") and "left" in text for text in labels)

    offer.resume_buttons[report_id].click()
    dialog = controller.dialog
    assert dialog is not None and dialog.mode is SubmissionMode.RESUME
    qtbot.waitUntil(dialog.go_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.ended, timeout=30_000) as ended:
        dialog.go_button.click()
    assert ended.args[0].state is SubmissionState.FINISHED
    [finished] = server.snapshot().in_state("finished")
    assert str(finished.report_id) == status.ncmec_report_id
    dialog.accept()
    pool.wait_for_done(20_000)


def test_closing_the_window_mid_submission_stops_it_and_leaves_it_resumable(
    qtbot, pool, submissions, reports, items, server, make_window, workspace, tmp_path
):
    from desktop_app.core.cybertipline.practice import Fault
    from tests.ui.submission.conftest import SLOW_STEP_SECONDS

    [item_id] = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, [item_id])
    window = make_window(workspace, reports=reports, submissions=submissions)
    dialog = window.submissions.submit(report_id)
    qtbot.waitUntil(lambda: dialog.phase == "ready", timeout=10_000)
    server.set_faults([Fault(endpoint="/upload", kind="delay", seconds=SLOW_STEP_SECONDS, applied=True)])
    dialog.go_button.click()
    qtbot.waitUntil(dialog.opened_at_ncmec, timeout=10_000)

    window.close()
    assert pool.wait_for_done(10_000)  # the run stopped at its next step instead of carrying on

    status = submissions.status(report_id)
    assert status.state is SubmissionState.NEEDS_DECISION and status.ncmec_report_id
    assert status in submissions.unfinished()
