"""Screenshots of submitting: the dialog in progress, failed with advice, done; a report's state in the list.

Everything runs for real: a workspace with generated pictures, the submission service, the practice
server on loopback (with a fault where a picture needs one). Written to docs/screenshots/ only with
EVIDENCE_DESK_SCREENSHOTS=1, like tests/ui/test_screenshots.py.
"""

import os
from pathlib import Path

import pytest

from desktop_app.core.cybertipline.endpoint import PRODUCTION_URL, Credentials, CredentialStore
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.submission.controller import SubmissionController
from desktop_app.ui.submission.dialog import SubmissionDialog
from tests.core.submission.helpers import import_media, new_report
from tests.ui.screens import distinct_colours, grab
from tests.ui.submission.test_report_state import leave_open, open_in_page

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DIALOG_SIZE = (900, 560)
SCREENS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


def check(path: Path) -> None:
    assert path.stat().st_size > 0 and distinct_colours(path) > 3


def running_upload(dialog) -> bool:
    step = dialog.model.step("upload:2")
    return step is not None and step.status == "running"


def test_submission_in_progress_failed_and_done(qtbot, open_dialog, items, reports, server, tmp_path, shots):
    item_ids = import_media(items, tmp_path / "media", pictures=3, video=True)

    # In progress: the second upload's answer is held back, so the dialog is caught mid-way.
    dialog = open_dialog(new_report(reports, item_ids[:3] + item_ids[3:]))
    dialog.resize(*DIALOG_SIZE)
    server.set_faults([Fault(endpoint="/upload", kind="delay", call=2, seconds=3.0, applied=True)])
    dialog.go_button.click()
    qtbot.waitUntil(lambda: running_upload(dialog), timeout=15_000)
    qtbot.wait(300)
    check(grab(dialog, shots / "submission-in-progress.png"))
    qtbot.waitSignal(dialog.ended, timeout=30_000).wait()
    check(grab(dialog, shots / "submission-done.png"))
    assert dialog.status.state is SubmissionState.FINISHED

    # Failed with advice: NCMEC refuses a file's details; the report is retracted and the dialog says what to do.
    failing = open_dialog(new_report(reports, item_ids[:2]))
    failing.resize(*DIALOG_SIZE)
    server.set_faults([Fault(endpoint="/fileinfo", kind="code", code=4100, status=400, call=2)])
    with qtbot.waitSignal(failing.ended, timeout=30_000):
        failing.go_button.click()
    assert failing.status.state is SubmissionState.RETRACTED and failing.status.advice
    check(grab(failing, shots / "submission-failed.png"))


def never_connect(*args, **kwargs):
    raise AssertionError("a screenshot test must never connect to NCMEC")


def test_production_confirmation(qtbot, pool, workspace, reports, items, server, tmp_path, shots):
    # NCMEC's real production address, as the reviewer would see it. Only planning runs (it makes no
    # request); the confirmation is declined; and should anything ever try to connect, the client
    # factory refuses before a socket is opened.
    keyring = CredentialStore(MemorySecretStore())
    keyring.save(PRODUCTION_URL, Credentials("esp-example", "not-a-real-password"))
    service = SubmissionService(
        workspace, reports, items, keyring, PracticeEndpoint.attached(server.url, None), connect=never_connect
    )
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=False)
    dialog = SubmissionDialog(service, pool, new_report(reports, item_ids), environment=Environment.PRODUCTION)
    qtbot.addWidget(dialog)
    dialog.resize(*DIALOG_SIZE)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.phase == "ready", timeout=10_000)
    assert dialog.plan is not None and dialog.plan.endpoint == "NCMEC production"
    check(grab(dialog, shots / "submission-production.png"))
    dialog.go_button.click()
    assert dialog.confirmation is not None
    check(grab(dialog.confirmation, shots / "submission-production-confirm.png"))
    dialog.confirmation.reject()
    dialog.reject()
    assert server.snapshot().requests == ()
    pool.wait_for_done(10_000)


def test_report_states_in_the_reports_page(qtbot, pool, submissions, reports, items, server, tmp_path, shots):
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=False)
    filed = new_report(reports, item_ids[:1])
    run_to_completion(submissions.submit(filed, Environment.PRACTICE, CancelToken()))
    refused = new_report(reports, item_ids[1:])
    server.set_faults([Fault(endpoint="/fileinfo", kind="code", code=4100, status=400)])
    run_to_completion(submissions.submit(refused, Environment.PRACTICE, CancelToken()))
    server.set_faults([])
    opened = new_report(reports, [])
    leave_open(submissions, opened)
    reports.create_draft()

    host = ReportsPage(reports, pool)
    qtbot.addWidget(host)
    controller = SubmissionController(submissions, pool, host, reports=reports)
    page = ReportsPage(reports, pool, submissions=controller)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        page.reload()
    open_in_page(qtbot, page, opened)
    page.editor.show_section("incident")
    page.editor.refresh_findings()
    for name, size in SCREENS.items():
        page.resize(*size)
        qtbot.wait(100)
        check(grab(page, shots / f"reports-submission-state-{name}.png"))

    controller.offer_resume()
    qtbot.waitUntil(lambda: controller.offer is not None and controller.offer.isVisible(), timeout=10_000)
    check(grab(controller.offer, shots / "submission-resume-offer.png"))
    controller.offer.reject()
    page.editor.autosave.stop()
    pool.wait_for_done(20_000)


def test_practice_in_the_connection_dialog(qtbot, pool, paths, workspace, keyring, shots):
    from desktop_app.core.cybertipline.endpoint import TEST_URL
    from desktop_app.core.services.cybertipline import CyberTiplineService
    from desktop_app.core.settings import AppSettings
    from desktop_app.ui.dialogs.cybertipline_dialog import PRACTICE, CyberTiplineDialog

    practice = PracticeEndpoint()
    try:
        service = CyberTiplineService(workspace, keyring, TEST_URL)
        dialog = CyberTiplineDialog(service, AppSettings(), paths.settings_file, pool, practice=practice)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.endpoint_combo.setCurrentIndex(dialog.endpoint_combo.findData(PRACTICE))
        dialog.check_button.click()
        qtbot.waitUntil(dialog.check_button.isEnabled, timeout=20_000)
        check(grab(dialog, shots / "cybertipline-connection-practice.png"))
        pool.wait_for_done(10_000)
    finally:
        practice.close()
