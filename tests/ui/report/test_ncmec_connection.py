"""The CyberTipline connection dialog and the NCMEC-schema strip, against the loopback emulator."""

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.core.cybertipline.endpoint import TEST_URL, Credentials, CredentialStore
from desktop_app.core.domain.events import EventType
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.cybertipline_dialog import OTHER, CyberTiplineDialog
from desktop_app.ui.report.reports_page import ReportsPage
from desktop_app.ui.report.schema_status import MODEL_ONLY, DriftDialog
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.conftest import NOW
from tests.core.test_cybertipline_service import NEW_INCIDENT_TYPE, drifted_xsd
from tests.cybertipline_emulator import PASSWORD, USERNAME


@pytest.fixture
def credentials():
    return CredentialStore(MemorySecretStore())


def link(workspace, credentials, endpoint):
    return CyberTiplineService(workspace, credentials, endpoint)


def events_of(workspace, kind):
    return [e.event for e in workspace.events() if e.event.type == kind]


# -- the connection dialog -------------------------------------------------------------------------


@pytest.fixture
def dialog_for(qtbot, pool, paths):
    def make(service: CyberTiplineService) -> CyberTiplineDialog:
        dialog = CyberTiplineDialog(
            service, AppSettings(cybertipline_endpoint=service.endpoint), paths.settings_file, pool
        )
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make
    pool.wait_for_done(10_000)


def check(qtbot, dialog) -> str:
    """Click "Check connection" and wait for the answer (the button is disabled while asking)."""
    dialog.check_button.click()
    assert not dialog.check_button.isEnabled()
    qtbot.waitUntil(dialog.check_button.isEnabled, timeout=10_000)
    return dialog.result_label.text()


def test_a_check_uses_what_the_form_holds_and_says_what_ncmec_answered(
    qtbot, dialog_for, workspace, credentials, cybertipline_emulator
):
    dialog = dialog_for(link(workspace, credentials, cybertipline_emulator.url))
    # An address that is not NCMEC's own shows as "another address", filled in.
    assert dialog.endpoint_combo.currentData() == OTHER and dialog.address_edit.text() == cybertipline_emulator.url
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText("not-the-password")
    assert "refused the user name and password" in check(qtbot, dialog)

    dialog.password_edit.setText(PASSWORD)
    assert check(qtbot, dialog).startswith("Connected. NCMEC says: Remote User : esp-test-user")
    assert credentials.load(cybertipline_emulator.url) is None  # checking saves nothing
    outcomes = [e.data.get("error", "ok") for e in events_of(workspace, EventType.CYBERTIPLINE_CONNECTION_CHECKED)]
    assert outcomes == ["cybertipline-auth-failed", "ok"]


def test_saving_keeps_the_password_in_the_keyring_and_the_address_in_the_settings(
    qtbot, dialog_for, workspace, credentials, cybertipline_emulator, paths
):
    service = link(workspace, credentials, TEST_URL)
    dialog = dialog_for(service)
    assert dialog.endpoint_combo.currentData() == TEST_URL and not dialog.address_edit.isEnabled()
    dialog.endpoint_combo.setCurrentIndex(dialog.endpoint_combo.findData(OTHER))
    dialog.address_edit.setText(cybertipline_emulator.url + "/")
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignals([dialog.settings_saved, dialog.credentials_saved], timeout=5_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    assert credentials.load(cybertipline_emulator.url) == Credentials(USERNAME, PASSWORD)
    assert service.endpoint == cybertipline_emulator.url  # normalised: no trailing slash
    saved = paths.settings_file.read_text()
    assert cybertipline_emulator.url in saved and PASSWORD not in saved and USERNAME not in saved

    # Opened again: the user name is shown, the password never is, and an empty one keeps the saved one.
    again = dialog_for(service)
    assert again.username_edit.text() == USERNAME and again.password_edit.text() == ""
    assert again.password_edit.placeholderText().startswith("saved")
    assert check(qtbot, again).startswith("Connected.")


def test_an_address_we_would_not_send_to_is_refused_before_anything_is_saved(
    qtbot, dialog_for, workspace, credentials, paths
):
    dialog = dialog_for(link(workspace, credentials, TEST_URL))
    dialog.endpoint_combo.setCurrentIndex(dialog.endpoint_combo.findData(OTHER))
    dialog.address_edit.setText("http://reports.example.org/ispws")  # not TLS, not loopback
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.result_label.text()
    assert credentials.load("http://reports.example.org/ispws") is None and not paths.settings_file.exists()


def test_without_a_keyring_the_dialog_says_so_and_saves_nothing(qtbot, dialog_for, workspace, cybertipline_emulator):
    dialog = dialog_for(link(workspace, CredentialStore(None), cybertipline_emulator.url))
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "no OS keyring" in texts
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and "never keeps passwords" in dialog.result_label.text()


# -- the schema strip on the reports page ----------------------------------------------------------


@pytest.fixture
def page_for(qtbot, pool, workspace, items):
    pages = []

    def make(service: CyberTiplineService) -> tuple[ReportsPage, ReportService]:
        reports = ReportService(workspace, items, now=lambda: NOW, xsd=service.current_xsd)
        page = ReportsPage(reports, pool, cybertipline=service)
        qtbot.addWidget(page)
        page.resize(1500, 900)
        page.show()
        pages.append(page)
        return page, reports

    yield make
    for page in pages:
        if page.editor is not None:
            page.editor.autosave.stop()
            page.editor.autosave.wait()
    pool.wait_for_done(10_000)


def test_without_credentials_the_strip_says_model_only_and_nothing_is_sent(
    qtbot, page_for, workspace, credentials, cybertipline_emulator, pool
):
    page, _ = page_for(link(workspace, credentials, cybertipline_emulator.url))
    page.reload()
    pool.wait_for_done(10_000)
    QApplication.processEvents()
    assert page.schema_status.summary.text() == MODEL_ONLY and page.schema_status.schema is None
    assert cybertipline_emulator.seen == []


def test_with_credentials_the_schema_is_fetched_unasked_and_matches_the_model(
    qtbot, page_for, workspace, credentials, cybertipline_emulator
):
    credentials.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    page, _ = page_for(link(workspace, credentials, cybertipline_emulator.url))
    with qtbot.waitSignal(page.schema_status.schema_changed, timeout=20_000):
        page.reload()
    strip = page.schema_status
    assert "it matches Evidence Desk's model" in strip.summary.text()
    assert not strip.details_button.isVisible() and [s.path for s in cybertipline_emulator.seen] == ["/xsd"]

    # Once per unlock: another reload does not ask again; after a lock and unlock it is not due yet.
    page.reload()
    strip.clear()
    page.reload()
    page.pool.wait_for_done(10_000)
    QApplication.processEvents()
    assert [s.path for s in cybertipline_emulator.seen] == ["/xsd"] and strip.schema is not None


def test_a_changed_schema_is_listed_and_an_open_report_is_rechecked_against_it(
    qtbot, page_for, workspace, credentials, cybertipline_emulator
):
    credentials.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    page, reports = page_for(link(workspace, credentials, cybertipline_emulator.url))
    with qtbot.waitSignal(page.schema_status.schema_changed, timeout=20_000):
        page.reload()
    record = reports.create_draft()
    record.draft.report = good_draft().report
    reports.save(record)
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.open_report(record.report_id)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.record is not None, timeout=10_000)
    assert not [f for f in page.editor.findings if f.code == "xsd-invalid"]

    cybertipline_emulator.xsd = drifted_xsd()
    with qtbot.waitSignal(page.schema_status.schema_changed, timeout=20_000):
        page.schema_status.fetch_button.click()
    strip = page.schema_status
    assert "differs from Evidence Desk's model" in strip.summary.text() and strip.details_button.isVisible()
    rejected = [f for f in page.editor.findings if f.code == "xsd-invalid"]
    assert rejected and "escalateToHighPriority" in rejected[0].message

    differences = strip.show_differences()
    assert isinstance(differences, DriftDialog)
    qtbot.addWidget(differences)
    assert NEW_INCIDENT_TYPE in differences.text.toPlainText()


def test_a_failed_fetch_is_shown_in_the_strip_and_keeps_the_model(
    qtbot, page_for, workspace, credentials, cybertipline_emulator, pool
):
    credentials.save(cybertipline_emulator.url, Credentials(USERNAME, "expired"))
    page, _ = page_for(link(workspace, credentials, cybertipline_emulator.url))
    page.reload()
    strip = page.schema_status
    qtbot.waitUntil(lambda: "refused the user name and password" in strip.problem.text(), timeout=20_000)
    qtbot.waitUntil(strip.fetch_button.isEnabled, timeout=10_000)  # ``finished`` follows ``error``
    assert strip.schema is None and strip.summary.text() == MODEL_ONLY


def test_credentials_saved_from_the_menu_fetch_the_schema_at_once(
    qtbot, make_window, workspace, items, credentials, cybertipline_emulator
):
    service = link(workspace, credentials, cybertipline_emulator.url)
    reports = ReportService(workspace, items, now=lambda: NOW, xsd=service.current_xsd)
    window = make_window(workspace, items=items, reports=reports, cybertipline=service)
    window.menus.cybertipline_action.trigger()
    dialog = window.findChild(CyberTiplineDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.reports_page.schema_status.schema_changed, timeout=20_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "/xsd" in [s.path for s in cybertipline_emulator.seen]
    assert window.reports_page.schema_status.schema is not None


def test_the_connection_is_out_of_reach_while_the_workspace_is_locked(
    qtbot, make_window, workspace, items, credentials, cybertipline_emulator
):
    service = link(workspace, credentials, cybertipline_emulator.url)
    reports = ReportService(workspace, items, now=lambda: NOW, xsd=service.current_xsd)
    window = make_window(workspace, items=items, reports=reports, cybertipline=service)
    assert window.menus.cybertipline_action.isEnabled()
    window.lock_workspace("test")
    assert not window.menus.cybertipline_action.isEnabled()


def test_a_fetch_under_way_is_not_started_again(qtbot, page_for, workspace, credentials, cybertipline_emulator):
    credentials.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    page, _ = page_for(link(workspace, credentials, cybertipline_emulator.url))
    strip = page.schema_status
    with qtbot.waitSignal(strip.schema_changed, timeout=20_000):
        strip.fetch()
        strip.fetch()  # e.g. credentials saved while the unasked fetch runs
    page.pool.wait_for_done(10_000)
    QApplication.processEvents()
    assert [s.path for s in cybertipline_emulator.seen] == ["/xsd"]
    assert len(events_of(workspace, EventType.CYBERTIPLINE_SCHEMA_FETCHED)) == 1
