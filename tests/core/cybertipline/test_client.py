"""The CyberTipline client against the loopback emulator: success, every failure shape, the limits."""

import socket

import pytest

from desktop_app.core.cybertipline.client import CyberTiplineClient, parse_response
from desktop_app.core.cybertipline.endpoint import (
    PRODUCTION_URL,
    Credentials,
    CredentialStore,
    check_endpoint,
)
from desktop_app.core.errors import (
    CredentialsMissing,
    CyberTiplineAuthFailed,
    CyberTiplineRefused,
    CyberTiplineUnreachable,
    EndpointRefused,
)
from desktop_app.core.platform.secrets import MemorySecretStore
from tests import reference
from tests.cybertipline_emulator import PASSWORD, REQUEST_ID, USERNAME, Fault, response_xml

GOOD = Credentials(USERNAME, PASSWORD)


def client_for(emulator, credentials=GOOD):
    return CyberTiplineClient(emulator.url, credentials)


def test_status_with_the_right_credentials(cybertipline_emulator):
    with client_for(cybertipline_emulator) as client:
        answer = client.status()
    assert answer.ok and answer.response_code == 0
    assert USERNAME in answer.description and answer.request_id == REQUEST_ID
    assert cybertipline_emulator.seen[-1].authorised
    assert cybertipline_emulator.seen[-1].user_agent.startswith("EvidenceDesk/")


def test_wrong_password_is_an_auth_failure(cybertipline_emulator):
    with (
        client_for(cybertipline_emulator, Credentials(USERNAME, "not-it")) as client,
        pytest.raises(CyberTiplineAuthFailed, match="401"),
    ):
        client.status()


def test_fetch_xsd_returns_the_bytes_as_served(cybertipline_emulator):
    with client_for(cybertipline_emulator) as client:
        assert client.fetch_xsd() == reference.xsd_bytes()


def test_an_ncmec_error_code_is_refused_with_code_and_request_id(cybertipline_emulator):
    cybertipline_emulator.fail("/status", Fault(400, response_xml(3000, "Not authorized for this action")))
    with client_for(cybertipline_emulator) as client, pytest.raises(CyberTiplineRefused) as caught:
        client.status()
    assert (caught.value.response_code, caught.value.http_status) == (3000, 400)
    assert caught.value.request_id == REQUEST_ID and REQUEST_ID in caught.value.message


def test_a_200_with_a_nonzero_code_is_still_a_failure(cybertipline_emulator):
    # 2016 behaviour (docs/cybertipline-service.md §3): application errors came back as HTTP 200.
    cybertipline_emulator.fail("/status", Fault(200, response_xml(1000, "Server error")))
    with client_for(cybertipline_emulator) as client, pytest.raises(CyberTiplineRefused) as caught:
        client.status()
    assert caught.value.response_code == 1000


def test_a_proxy_html_page_falls_back_to_the_http_status(cybertipline_emulator):
    cybertipline_emulator.fail("/xsd", Fault(502, b"<html><body>Bad gateway</body></html>", "text/html"))
    with client_for(cybertipline_emulator) as client, pytest.raises(CyberTiplineRefused, match="HTTP 502") as caught:
        client.fetch_xsd()
    assert caught.value.response_code is None


def test_redirects_are_not_followed(cybertipline_emulator):
    cybertipline_emulator.fail("/xsd", Fault(302, headers={"Location": "http://127.0.0.2:9/elsewhere"}))
    with client_for(cybertipline_emulator) as client, pytest.raises(CyberTiplineRefused, match="redirect"):
        client.fetch_xsd()
    assert [s.path for s in cybertipline_emulator.seen] == ["/xsd"]


def test_an_oversized_answer_is_dropped(cybertipline_emulator):
    cybertipline_emulator.fail("/status", Fault(200, b"<reportResponse>" + b" " * (2 * 1024 * 1024)))
    with client_for(cybertipline_emulator) as client, pytest.raises(CyberTiplineRefused, match="more than"):
        client.status()


def test_a_closed_port_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        CyberTiplineClient(f"http://127.0.0.1:{port}/ispws", GOOD) as client,
        pytest.raises(CyberTiplineUnreachable, match="nothing was sent"),
    ):
        client.status()


def test_parse_response_reads_codes_and_ignores_junk():
    assert parse_response(200, response_xml(0, "ok")).ok
    assert parse_response(200, b"<reportResponse><reportId>42</reportId></reportResponse>").report_id == 42
    assert parse_response(500, b"not xml").response_code is None
    assert parse_response(200, b"<other><responseCode>0</responseCode></other>").response_code is None


@pytest.mark.parametrize(
    "url",
    [
        "http://report.cybertip.org/ispws",  # plain HTTP off this machine
        "http://10.0.0.5/ispws",
        "ftp://report.cybertip.org/ispws",
        "report.cybertip.org/ispws",
        "https://user:secret@report.cybertip.org/ispws",
        "https://report.cybertip.org/ispws?x=1",
        "https://report.cybertip.org:99999/ispws",
    ],
)
def test_endpoints_we_never_send_to(url):
    with pytest.raises(EndpointRefused):
        check_endpoint(url)


def test_endpoints_we_accept_are_normalised():
    assert check_endpoint(PRODUCTION_URL + "/") == PRODUCTION_URL
    assert check_endpoint(" http://127.0.0.1:8080/ispws ") == "http://127.0.0.1:8080/ispws"
    assert check_endpoint("http://[::1]:8080/ispws") == "http://[::1]:8080/ispws"
    assert check_endpoint("http://localhost:1/x") == "http://localhost:1/x"


def test_credentials_are_kept_per_endpoint_and_never_shown():
    store = CredentialStore(MemorySecretStore())
    store.save(PRODUCTION_URL, GOOD)
    assert store.load(PRODUCTION_URL) == GOOD
    assert store.load("https://exttest.cybertip.org/ispws") is None
    assert PASSWORD not in repr(GOOD)
    store.forget(PRODUCTION_URL)
    with pytest.raises(CredentialsMissing, match="CyberTipline connection"):
        store.require(PRODUCTION_URL)


def test_without_a_keyring_credentials_cannot_be_saved():
    store = CredentialStore(None)
    assert not store.available and store.load(PRODUCTION_URL) is None
    with pytest.raises(CredentialsMissing, match="no OS keyring"):
        store.save(PRODUCTION_URL, GOOD)


def test_a_damaged_keyring_entry_reads_as_none():
    secrets = MemorySecretStore()
    store = CredentialStore(secrets)
    store.save(PRODUCTION_URL, GOOD)
    (name,) = secrets.values
    secrets.values[name] = "{not json"
    assert store.load(PRODUCTION_URL) is None


@pytest.mark.parametrize(("username", "password"), [("", "x"), ("user", ""), ("a:b", "x")])
def test_incomplete_credentials_are_refused(username, password):
    with pytest.raises(CredentialsMissing):
        Credentials(username, password)
