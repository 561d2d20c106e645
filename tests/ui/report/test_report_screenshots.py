"""Screenshots of the report form (empty, with findings, complete), offscreen over a real workspace.

Written to docs/screenshots/ only with EVIDENCE_DESK_SCREENSHOTS=1, like tests/ui/test_screenshots.py.
"""

import os
from pathlib import Path

import pytest

from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads, reveal
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SIZE = (1480, 920)


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


def check(path: Path) -> None:
    assert path.stat().st_size > 0 and distinct_colours(path) > 3


def settle(qtbot, editor):
    editor.refresh_findings()
    qtbot.wait(50)


def test_report_empty(qtbot, open_editor, reports, shots):
    editor = open_editor(reports.create_draft().report_id)
    editor.resize(*SIZE)
    settle(qtbot, editor)
    check(grab(editor, shots / "report-empty.png"))


def test_report_with_findings(qtbot, open_editor, reports, shots):
    record = reports.create_draft()
    report = record.draft.report
    summary = report.get("incidentSummary")
    summary.set("incidentType", "Online Enticement of Children for Sexual Acts")
    summary.set("platform", "Example Forum")
    summary.set("incidentDateTime", "2025-05-30T21:15:00-04:00")
    first = report.add("personOrUserReported")
    first.add("espIdentifier", "u-7731")
    first.add("screenName", "account-7731")
    event = first.add("ipCaptureEvent")
    event.add("ipAddress", "10.0.0.12")
    event.add("eventName", "Login")
    event.add("dateTime", "2025-05-30T21:00:00Z")
    report.add("personOrUserReported").add("espIdentifier", "u-7732")
    reports.save(record)
    editor = open_editor(record.report_id)
    editor.resize(*SIZE)
    editor.show_section("reported")
    settle(qtbot, editor)
    port = editor.ctx.index.exact("report/personOrUserReported[0]/ipCaptureEvent[0]/port")
    qtbot.keyClicks(port, "70000")
    settle(qtbot, editor)
    check(grab(editor, shots / "report-findings.png"))


def test_report_complete(qtbot, open_editor, reports, items, tmp_path, shots):
    uploads = import_uploads(items, tmp_path)
    ids = [item_id for item_id, _ in uploads.values()]
    reveal(items, ids[0])
    reveal(items, ids[1])
    record = reports.create_draft(ids)
    record.draft.report = good_draft().report
    reports.save(record)
    editor = open_editor(record.report_id)
    editor.resize(*SIZE)
    editor.show_section("files")
    settle(qtbot, editor)
    assert not [f for f in editor.findings if f.severity == "error"]
    check(grab(editor, shots / "report-complete.png"))
    editor.show_section("preview")
    settle(qtbot, editor)
    check(grab(editor, shots / "report-preview.png"))
    editor.preview_page.preview.setCurrentIndex(1)
    check(grab(editor, shots / "report-preview-xml.png"))


def test_reports_page(qtbot, reports, pool, shots):
    from desktop_app.ui.report.reports_page import ReportsPage

    complete = reports.create_draft()
    complete.draft.report = good_draft().report
    reports.save(complete)
    reports.create_draft()
    page = ReportsPage(reports, pool)
    qtbot.addWidget(page)
    page.resize(*SIZE)
    page.show()
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        page.reload()
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.table.selectRow(page.model.row_of(complete.report_id))
    qtbot.waitSignal(page.editor.loaded, timeout=10_000).wait()
    page.editor.show_section("internet")
    settle(qtbot, page.editor)
    check(grab(page, shots / "reports-page.png"))
    page.editor.autosave.stop()
    pool.wait_for_done(10_000)


def test_cybertipline_connection_and_schema_strip(qtbot, workspace, items, pool, paths, cybertipline_emulator, shots):
    from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore
    from desktop_app.core.platform.secrets import MemorySecretStore
    from desktop_app.core.services.cybertipline import CyberTiplineService
    from desktop_app.core.services.reports import ReportService
    from desktop_app.core.settings import AppSettings
    from desktop_app.ui.dialogs.cybertipline_dialog import CyberTiplineDialog
    from desktop_app.ui.report.reports_page import ReportsPage
    from tests.core.test_cybertipline_service import drifted_xsd
    from tests.cybertipline_emulator import PASSWORD, USERNAME

    credentials = CredentialStore(MemorySecretStore())
    service = CyberTiplineService(workspace, credentials, cybertipline_emulator.url)
    dialog = CyberTiplineDialog(service, AppSettings(), paths.settings_file, pool)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    dialog.check_button.click()
    qtbot.waitUntil(dialog.check_button.isEnabled, timeout=10_000)
    check(grab(dialog, shots / "cybertipline-connection.png"))

    credentials.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    cybertipline_emulator.xsd = drifted_xsd()  # so the strip has differences to show
    reports = ReportService(workspace, items, xsd=service.current_xsd)
    reports.create_draft()
    page = ReportsPage(reports, pool, cybertipline=service)
    qtbot.addWidget(page)
    page.resize(*SIZE)
    page.show()
    with qtbot.waitSignal(page.schema_status.schema_changed, timeout=20_000):
        page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    check(grab(page, shots / "reports-ncmec-schema.png"))
    pool.wait_for_done(10_000)
