"""The client against an outsider's server at the configured address (``tests/hostile_http.py``).

Each answer is one NCMEC would never give: headers trickled a byte at a time (every read is short,
so only an overall deadline ends the call), a compressed body that explodes, report ids and codes
outside the XSD's types. Limits are parameters: a second or two, never monkeypatching.
"""

import gzip
import time
import tracemalloc

import pytest

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
