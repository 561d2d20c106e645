"""The client against an outsider's server at the configured address (``tests/hostile_http.py``).

Each answer is one NCMEC would never give: headers trickled a byte at a time (every read is short,
so only an overall deadline ends the call), a compressed body that explodes, report ids and codes
outside the XSD's types; and addresses where no connection can be made (a certificate this
computer does not trust, a port that does not speak HTTPS). Limits are parameters: a second or
two, never monkeypatching.
"""

import contextlib
import gzip
import socket
import ssl
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop_app.core.cybertipline.client import CallLimits, CyberTiplineClient, parse_response
from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.errors import CyberTiplineOutcomeUnknown, CyberTiplineUnreachable
from tests.hostile_http import HostileServer, report_response, response

CREDENTIALS = Credentials("esp-user", "esp-password")
LIMITS = CallLimits(connect=2.0, read=1.0, deadline=1.5, upload_min_rate=10 * 1024 * 1024)
SLACK = 1.5  # a loaded machine's scheduling, on top of the deadline


def trickled_headers(server: HostileServer):
    def answer(client, request):
        server.trickle(client, response(report_response("7")), every=0.25)

    return answer


def trickled_body(server: HostileServer):
    def answer(client, request):
        head, _, body = response(b"<x>" + b" " * 200 + b"</x>").partition(b"\r\n\r\n")
        client.sendall(head + b"\r\n\r\n")
        server.trickle(client, body, every=0.25)

    return answer


def serve(make):
    server = HostileServer(lambda client, request: None)
    server._answer = make(server)
    return server


@pytest.mark.parametrize("call", ["submit", "finish"])
def test_a_post_whose_headers_trickle_ends_at_the_overall_deadline(call):
    with serve(trickled_headers) as server, CyberTiplineClient(server.url, CREDENTIALS, limits=LIMITS) as client:
        started = time.monotonic()
        with pytest.raises(CyberTiplineOutcomeUnknown, match="in all"):
            client.submit(b"<report/>") if call == "submit" else client.finish(7)
        assert time.monotonic() - started < LIMITS.deadline + SLACK


@pytest.mark.parametrize("make", [trickled_headers, trickled_body], ids=["headers", "body"])
@pytest.mark.parametrize("call", ["status", "fetch_xsd"])
def test_a_get_that_trickles_ends_at_the_overall_deadline(call, make):
    with serve(make) as server, CyberTiplineClient(server.url, CREDENTIALS, limits=LIMITS) as client:
        started = time.monotonic()
        with pytest.raises(CyberTiplineUnreachable, match="in all"):
            getattr(client, call)()
        assert time.monotonic() - started < LIMITS.deadline + SLACK


def test_a_compressed_answer_is_neither_asked_for_nor_inflated():
    bomb = gzip.compress(b"\0" * (256 * 1024 * 1024), 9)  # 256 MiB of zeros in about 250 KiB

    def answer(client, request):
        client.sendall(response(bomb, headers=("Content-Encoding: gzip", "Content-Type: text/xml")))

    with HostileServer(answer) as server, CyberTiplineClient(server.url, CREDENTIALS, limits=LIMITS) as client:
        tracemalloc.start()
        try:
            answered = client.finish(7)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        [request] = server.requests
    assert b"accept-encoding: identity" in request.lower()
    assert answered.response_code is None and not answered.ok  # not NCMEC's XML: the outcome is unknown
    assert peak < 8 * 1024 * 1024, f"{peak:,} bytes held for an answer capped at 1 MiB"


@pytest.mark.parametrize(
    "report_id",
    ["99999999999999999999999", "\u0663", "1_000", "12.0", "0x1F", "9223372036854775808"],
)
def test_a_report_id_outside_xs_long_is_not_a_report_id(report_id):
    answered = parse_response(200, report_response(report_id))
    assert answered.report_id is None


@pytest.mark.parametrize("code", ["\u0660", "0_0", "4294967296", "0.0"])
def test_a_response_code_outside_xs_int_is_not_success(code):
    answered = parse_response(200, report_response("7", code=code))
    assert answered.response_code is None and not answered.ok


@pytest.mark.parametrize(("text", "value"), [(" 12 ", 12), ("+7", 7), ("0042", 42), ("9223372036854775807", 2**63 - 1)])
def test_report_ids_the_xsd_allows_are_read(text, value):
    assert parse_response(200, report_response(text)).report_id == value


# -- a connection that cannot be made: the reason in words, and nothing sent ----------------------


@contextlib.contextmanager
def one_connection(handle):
    """A loopback listener that passes its first connection to ``handle`` on a thread; its port."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        with contextlib.suppress(OSError):
            client, _ = listener.accept()
            with client:
                handle(client)

    thread = threading.Thread(target=serve, name="one-connection", daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=10)


def self_signed_context(folder) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.mark.parametrize("call", ["status", "submit"])
def test_a_certificate_this_computer_does_not_trust_is_named_and_nothing_is_sent(call, tmp_path):
    context = self_signed_context(tmp_path)
    received: list[bytes] = []

    def handshake(client):
        with contextlib.suppress(OSError), context.wrap_socket(client, server_side=True) as secure:
            received.append(secure.recv(1024))

    with (
        one_connection(handshake) as port,
        CyberTiplineClient(f"https://127.0.0.1:{port}/ispws", CREDENTIALS) as client,
        pytest.raises(CyberTiplineUnreachable) as refused,
    ):
        client.status() if call == "status" else client.submit(b"<report/>")
    message = refused.value.message
    assert "not one this computer trusts" in message and "self-signed" in message and "nothing was sent" in message
    assert "_ssl.c" not in message
    assert not received, "bytes reached a server whose certificate failed"


def test_an_address_that_is_not_https_is_named_and_nothing_is_sent():
    def plain_http(client):
        client.recv(4096)  # the TLS hello, read as a garbled request
        client.sendall(response(b"", status="400 Bad Request"))

    with (
        one_connection(plain_http) as port,
        CyberTiplineClient(f"https://127.0.0.1:{port}/ispws", CREDENTIALS) as client,
        pytest.raises(CyberTiplineUnreachable, match="not an HTTPS service; nothing was sent"),
    ):
        client.submit(b"<report/>")


def test_a_refused_connection_says_nothing_listens_there():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        CyberTiplineClient(f"http://127.0.0.1:{port}/ispws", CREDENTIALS) as client,
        pytest.raises(CyberTiplineUnreachable, match="nothing accepts connections there"),
    ):
        client.submit(b"<report/>")


@pytest.mark.parametrize("call", ["status", "submit"])
def test_a_tls_handshake_that_trickles_ends_at_the_overall_deadline_with_nothing_sent(call):
    # What anything on the network path can do before a certificate is ever checked: answer the
    # client's hello with a record header announcing 16 KiB, then send it a byte at a time.
    def trickle_handshake(client):
        client.recv(4096)
        with contextlib.suppress(OSError):
            client.sendall(b"\x16\x03\x03\x40\x00")
            for _ in range(400):
                client.sendall(b"\x00")
                time.sleep(0.25)

    with (
        one_connection(trickle_handshake) as port,
        CyberTiplineClient(f"https://127.0.0.1:{port}/ispws", CREDENTIALS, limits=LIMITS) as client,
    ):
        started = time.monotonic()
        with pytest.raises(CyberTiplineUnreachable, match="in all|nothing was sent"):
            client.status() if call == "status" else client.submit(b"<report/>")
        assert time.monotonic() - started < LIMITS.deadline + SLACK
