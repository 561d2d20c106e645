"""The workspace's link to NCMEC: connection checks and the live schema, against the loopback emulator."""

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import CredentialsMissing, CyberTiplineAuthFailed, ReportHasErrors, XsdUnusable
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.services.cybertipline import SCHEMA_MAX_AGE, CyberTiplineService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from tests import reference
from tests.conftest import PASSPHRASE
from tests.core.cybertipline.samples import good_draft
from tests.cybertipline_emulator import PASSWORD, USERNAME

# What a future NCMEC schema might do: one new incident type, and an element made required.
NEW_INCIDENT_TYPE = "Example Incident Type Added Later"


def drifted_xsd() -> bytes:
    text = reference.xsd_bytes().decode()
    enum = '<xs:enumeration value="Child Sex Trafficking" />'
    required = '<xs:element name="escalateToHighPriority" minOccurs="0"'
    assert enum in text and required in text  # the edits below must land, or the test proves nothing
    text = text.replace(enum, enum + f'\n<xs:enumeration value="{NEW_INCIDENT_TYPE}" />', 1)
    text = text.replace(required, '<xs:element name="escalateToHighPriority"', 1)
    return text.encode()


@pytest.fixture
def service(workspace, cybertipline_emulator):
    store = CredentialStore(MemorySecretStore())
    store.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    return CyberTiplineService(workspace, store, cybertipline_emulator.url)


def events_of(workspace, kind):
    return [e.event for e in workspace.events() if e.event.type == kind]


def test_connection_check_is_logged_without_credentials(service, workspace):
    answer = service.check_connection()
    assert answer.ok
    (logged,) = events_of(workspace, EventType.CYBERTIPLINE_CONNECTION_CHECKED)
    assert logged.data["response_code"] == 0 and logged.data["endpoint"] == service.endpoint
    assert PASSWORD not in str(logged.data) and USERNAME not in str(logged.data)


def test_a_failed_connection_check_is_logged_too(service, workspace):
    with pytest.raises(CyberTiplineAuthFailed):
        service.check_connection(Credentials(USERNAME, "wrong"))
    (logged,) = events_of(workspace, EventType.CYBERTIPLINE_CONNECTION_CHECKED)
    assert logged.data["error"] == "cybertipline-auth-failed"


def test_without_saved_credentials_nothing_is_sent(workspace, cybertipline_emulator):
    service = CyberTiplineService(workspace, CredentialStore(MemorySecretStore()), cybertipline_emulator.url)
    with pytest.raises(CredentialsMissing):
        service.refresh_schema()
    assert cybertipline_emulator.seen == []


def test_ncmec_schema_is_fetched_cached_and_matches_the_model(service, workspace, paths):
    assert service.current_schema() is None
    refresh = service.refresh_schema()
    assert refresh.new and refresh.schema.drift.clean
    assert refresh.schema.size == len(reference.xsd_bytes())
    again = service.refresh_schema()
    assert not again.new and again.schema.sha256 == refresh.schema.sha256
    logged = events_of(workspace, EventType.CYBERTIPLINE_SCHEMA_FETCHED)
    assert [e.data["new"] for e in logged] == [True, False] and logged[0].data["drift"] == 0

    # It outlives the session: a fresh service on the reopened workspace finds it.
    workspace.lock()
    workspace.unlock(PASSPHRASE)
    reopened = CyberTiplineService(workspace, CredentialStore(None), service.endpoint)
    assert reopened.current_schema().sha256 == refresh.schema.sha256


def test_a_changed_schema_shows_its_drift(service, cybertipline_emulator):
    cybertipline_emulator.xsd = drifted_xsd()
    refresh = service.refresh_schema()
    missing = {(i.kind, i.path, i.detail) for i in refresh.schema.drift.missing_from_model}
    assert ("enum-value-missing-from-model", "report/incidentSummary/incidentType", repr(NEW_INCIDENT_TYPE)) in missing
    changed = [i for i in refresh.schema.drift.items if i.path == "report/incidentSummary/escalateToHighPriority"]
    assert changed and "min_occurs" in changed[0].detail


def test_reports_are_checked_against_the_fetched_schema_before_export(service, workspace, cybertipline_emulator):
    reports = ReportService(workspace, ItemService(workspace), xsd=service.current_xsd)
    record = reports.create_draft()
    record.draft.report = good_draft().report
    reports.save(record)
    assert reports.export_xml(record.report_id).documents  # the model alone: valid

    cybertipline_emulator.xsd = drifted_xsd()
    service.refresh_schema()
    findings = reports.check(reports.load(record.report_id))
    (rejected,) = [f for f in findings if f.code == "xsd-invalid"]
    assert rejected.path.startswith("report/incidentSummary") and "escalateToHighPriority" in rejected.message
    with pytest.raises(ReportHasErrors):
        reports.export_xml(record.report_id)


def test_an_export_names_the_schema_it_was_checked_against(service, workspace):
    reports = ReportService(workspace, ItemService(workspace), xsd=service.current_xsd)
    sha = service.refresh_schema().schema.sha256
    record = reports.create_draft()
    record.draft.report = good_draft().report
    reports.save(record)
    reports.export_xml(record.report_id)
    (exported,) = events_of(workspace, EventType.REPORT_EXPORTED)
    assert exported.data["ncmec_xsd_sha256"] == sha


@pytest.mark.parametrize(
    "served",
    [
        b"<html>maintenance</html>",
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="http://x/y.xsd"/>'
        b"</xs:schema>",
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>',
    ],
)
def test_an_unusable_schema_is_never_cached(service, workspace, cybertipline_emulator, served):
    cybertipline_emulator.xsd = served
    with pytest.raises(XsdUnusable):
        service.refresh_schema()
    assert service.current_schema() is None
    (logged,) = events_of(workspace, EventType.CYBERTIPLINE_SCHEMA_FETCHED)
    assert logged.data["error"] == "xsd-unusable"


def test_the_schema_is_due_once_credentials_exist_and_again_a_day_later(workspace, cybertipline_emulator):
    clock = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    store = CredentialStore(MemorySecretStore())
    service = CyberTiplineService(workspace, store, cybertipline_emulator.url, now=lambda: clock[0])
    assert not service.schema_due()  # no credentials: nothing to fetch with
    store.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    assert service.schema_due()  # credentials, and nothing cached yet
    service.refresh_schema()
    assert not service.schema_due()
    clock[0] += SCHEMA_MAX_AGE + timedelta(minutes=1)
    assert service.schema_due()


def test_a_schema_from_another_endpoint_is_due_for_the_new_one(service, cybertipline_emulator):
    service.refresh_schema()
    other = "http://127.0.0.1:9/ispws"  # never contacted: only compared
    service.credentials.save(other, Credentials(USERNAME, PASSWORD))
    service.switch_endpoint(other)
    assert service.current_schema().endpoint == cybertipline_emulator.url and service.schema_due()


def test_switching_the_endpoint_is_logged_once(service, workspace):
    service.switch_endpoint(service.endpoint)  # unchanged: nothing to record
    service.switch_endpoint("http://127.0.0.1:9/ispws")
    (logged,) = events_of(workspace, EventType.SETTINGS_CHANGED)
    assert logged.data["values"] == {"cybertipline_endpoint": "http://127.0.0.1:9/ispws"}
