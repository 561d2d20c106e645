"""HTTP Basic on every route: a 401 challenge with NCMEC's realm, credentials up front or after it."""

import base64
import socket

import httpx
import pytest

from desktop_app.core.cybertipline.practice import PracticeServer
from tests.core.cybertipline.practice.wire import XML, code, minimal_report_xml

REALM = 'Basic realm="ESP Web Services"'


class BasicAfterChallenge(httpx.Auth):
    """What browsers and curl --anyauth do: ask first without credentials, answer the challenge."""

    requires_request_body = True  # the body is sent twice

    def __init__(self, username: str, password: str) -> None:
        self.header = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.challenges: list[str] = []

    def auth_flow(self, request):
        response = yield request
        if response.status_code == 401:
            self.challenges.append(response.headers["www-authenticate"])
            request.headers["Authorization"] = self.header
            yield request


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/status"),
        ("GET", "/xsd"),
        ("POST", "/submit"),
        ("POST", "/upload"),
        ("POST", "/fileinfo"),
        ("POST", "/finish"),
        ("POST", "/retract"),
        ("GET", "/nowhere"),
    ],
)
def test_every_route_asks_for_credentials(server, method, path):
    response = httpx.request(method, server.url + path, content=b"id=1", trust_env=False)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == REALM
    assert response.headers["content-type"] == "application/xml"
    assert code(response) == 1000
    assert server.snapshot().requests[-1].authorised is False


@pytest.mark.parametrize(
    "auth",
    [("wrong", "credentials"), None],
    ids=["wrong", "none"],
)
def test_wrong_or_missing_credentials_change_nothing(server, auth):
    response = httpx.post(server.url + "/submit", content=minimal_report_xml(), headers=XML, auth=auth, trust_env=False)
    assert response.status_code == 401
    assert server.snapshot().reports == ()


@pytest.mark.parametrize("header", ["Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"nocolon").decode()])
def test_malformed_authorization_headers_are_a_401_not_an_error(server, header):
    response = httpx.get(server.url + "/status", headers={"Authorization": header}, trust_env=False)
    assert response.status_code == 401


def test_the_401_body_can_be_empty(clock):
    with PracticeServer(clock=clock, auth_body="empty") as server:
        response = httpx.get(server.url + "/status", trust_env=False)
        assert response.status_code == 401 and response.content == b""
        assert response.headers["www-authenticate"] == REALM


def test_credentials_after_the_challenge(server):
    auth = BasicAfterChallenge(server.username, server.password)
    with httpx.Client(base_url=server.url + "/", auth=auth, trust_env=False) as http:
        opened = http.post("submit", content=minimal_report_xml(), headers=XML)
        assert opened.status_code == 200 and code(opened) == 0
        report_id = opened.text.split("<reportId>")[1].split("<")[0]
        uploaded = http.post("upload", data={"id": report_id}, files={"file": ("a.jpg", b"after the challenge")})
        assert code(uploaded) == 0
    assert auth.challenges == [REALM, REALM]
    snap = server.snapshot()
    assert [(r.path, r.status) for r in snap.requests] == [
        ("/submit", 401),
        ("/submit", 200),
        ("/upload", 401),
        ("/upload", 200),
    ]
    assert len(snap.reports) == 1 and snap.reports[0].files[0].size == len(b"after the challenge")


def test_an_unauthenticated_100_continue_upload_is_refused_before_its_body(server):
    """The client waits for 100 Continue; the server answers 401 at once and closes, never reading the body."""
    head = (
        "POST /ispws/upload HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        "Content-Length: 100000\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 401 ")
    assert b"100 Continue" not in reply
    assert b"connection: close" in reply.lower()


def test_an_unauthenticated_upload_is_answered_without_reading_its_body(server):
    """The server does not read the body of a request it will refuse; the connection still serves the retry."""

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n'
        for _ in range(200):
            yield b"x" * 65536
        yield b"\r\n--b--\r\n"

    with httpx.Client(base_url=server.url + "/", trust_env=False) as http:
        try:
            first = http.post("upload", content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"})
            assert first.status_code == 401
        except httpx.WriteError:
            pass  # the client may also notice the early answer as a failed write; both are fine
        again = http.get("status", auth=(server.username, server.password))
        assert again.status_code == 200
    refused = server.snapshot().requests[0]
    assert (refused.status, refused.body_bytes) == (401, 0)
