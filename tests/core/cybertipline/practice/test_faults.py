"""Each fault kind observed on the wire, and whether the request took effect (``applied``)."""

import json
import socket
import time

import httpx
import pytest

from desktop_app.core.cybertipline.practice import Fault, PracticeServer, load_faults
from tests.core.cybertipline.practice.wire import XML, code, minimal_report_xml, root, submit, text


def open_report(client):
    return client.post("submit", content=minimal_report_xml(), headers=XML)


def reports(server):
    return server.snapshot().reports


@pytest.mark.parametrize("applied", [True, False])
def test_drop_closes_without_an_answer(server, client, applied):
    server.set_faults([Fault(endpoint="/submit", call=1, kind="drop", applied=applied)])
    with pytest.raises(httpx.RemoteProtocolError):
        open_report(client)
    assert len(reports(server)) == (1 if applied else 0)
    last = server.snapshot().requests[-1]
    assert (last.path, last.status, last.fault, last.applied) == ("/submit", None, "drop", applied)
    assert code(open_report(client)) == 0  # only the first call


def test_the_nth_call_and_every_call(server, client):
    server.set_faults([Fault(endpoint="/status", call=3, kind="status", status=503)])
    assert [client.get("status").status_code for _ in range(4)] == [200, 200, 503, 200]
    server.set_faults([Fault(endpoint="/status", call=None, kind="status", status=502)])
    assert [client.get("status").status_code for _ in range(3)] == [502, 502, 502]
    server.set_faults([])
    assert client.get("status").status_code == 200


def test_a_wildcard_fault_counts_each_endpoint_separately(server, client):
    server.set_faults([Fault(endpoint="*", call=2, kind="status", status=500)])
    assert client.get("status").status_code == 200
    assert client.get("xsd").status_code == 200
    assert client.get("status").status_code == 500
    assert client.get("xsd").status_code == 500


@pytest.mark.parametrize(
    ("body", "content_type", "check"),
    [
        ("empty", "text/plain", lambda r: r.content == b""),
        ("xml", "application/xml", lambda r: code(r) == 1100),
        ("html", "text/html; charset=utf-8", lambda r: r.content.startswith(b"<!DOCTYPE html>")),
        ("Bad gateway, try later", "text/plain; charset=utf-8", lambda r: r.text == "Bad gateway, try later"),
    ],
)
def test_any_status_with_or_without_a_body(server, client, body, content_type, check):
    server.set_faults([Fault(endpoint="/submit", kind="status", status=503, body=body, code=1100, retry_after="7")])
    response = open_report(client)
    assert response.status_code == 503
    assert response.headers["content-type"] == content_type
    assert response.headers["retry-after"] == "7"
    assert response.headers["request-id"]
    assert check(response)
    assert reports(server) == ()


def test_a_status_fault_after_the_work_was_done(server, client):
    server.set_faults([Fault(endpoint="/submit", kind="status", status=504, applied=True)])
    assert open_report(client).status_code == 504
    assert [r.state for r in reports(server)] == ["open"]  # the report was opened; its id was lost
    assert server.snapshot().requests[-1].report_id == reports(server)[0].report_id


@pytest.mark.parametrize("applied", [True, False])
def test_an_ncmec_error_code_with_http_200(server, client, applied):
    server.set_faults([Fault(endpoint="/submit", kind="code", code=1100, applied=applied)])
    response = open_report(client)
    assert response.status_code == 200
    assert code(response) == 1100 and text(response, "responseDescription") == "Save failed"
    assert len(reports(server)) == (1 if applied else 0)


def test_a_finish_error_with_the_report_done_root(server, client):
    report_id = submit(client)
    server.set_faults([Fault(endpoint="/finish", kind="code", code=1300, status=500, root="reportDoneResponse")])
    response = client.post("finish", data={"id": str(report_id)})
    assert response.status_code == 500
    assert root(response).tag == "reportDoneResponse"
    assert code(response) == 1300
    assert reports(server)[0].state == "open"


def test_an_html_page_with_200(server, client):
    server.set_faults([Fault(endpoint="/finish", kind="html", applied=True)])
    report_id = submit(client)
    response = client.post("finish", data={"id": str(report_id)})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html>" in response.content
    assert reports(server)[0].state == "finished"  # applied: it was finished behind the page


@pytest.mark.parametrize("applied", [True, False])
def test_a_delay(server, client, applied):
    server.set_faults([Fault(endpoint="/submit", kind="delay", seconds=0.4, applied=applied)])
    started = time.monotonic()
    response = open_report(client)
    assert time.monotonic() - started >= 0.4
    assert code(response) == (0 if applied else 1000)
    assert response.status_code == (200 if applied else 500)
    assert len(reports(server)) == (1 if applied else 0)


def test_a_delay_longer_than_the_clients_patience_still_takes_effect(server, client):
    server.set_faults([Fault(endpoint="/submit", kind="delay", seconds=1.0, applied=True)])
    with pytest.raises(httpx.ReadTimeout):
        client.post("submit", content=minimal_report_xml(), headers=XML, timeout=0.2)
    deadline = time.monotonic() + 5
    while not reports(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(reports(server)) == 1  # processed before the wait: opened, the id never reached the client


@pytest.mark.parametrize("applied", [True, False])
def test_a_hang_ends_at_its_limit_by_closing(server, client, applied):
    server.set_faults([Fault(endpoint="/submit", kind="hang", seconds=0.3, applied=applied)])
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        open_report(client)
    assert time.monotonic() - started >= 0.3
    assert len(reports(server)) == (1 if applied else 0)


def test_a_hang_ends_when_the_server_stops(clock):
    server = PracticeServer(clock=clock, faults=[Fault(endpoint="/status", kind="hang")]).start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        import base64

        credentials = base64.b64encode(f"{server.username}:{server.password}".encode()).decode()
        sock.sendall(f"GET /ispws/status HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {credentials}\r\n\r\n".encode())
        time.sleep(0.2)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 3
        assert sock.recv(1024) == b""  # closed, never answered


def test_a_trickle_sends_the_answer_a_byte_at_a_time_past_any_read_timeout(server, client):
    """Each byte comes well within the 0.3 s read timeout, so only an overall deadline catches it."""
    server.set_faults([Fault(endpoint="/retract", kind="trickle", rate=100, applied=True)])
    report_id = submit(client)
    started = time.monotonic()
    pieces = []
    with client.stream("POST", "retract", data={"id": str(report_id)}, timeout=0.3) as response:
        assert response.status_code == 200
        length = int(response.headers["content-length"])
        for piece in response.iter_raw():
            pieces.append(piece)
    assert time.monotonic() - started >= (length - 1) / 100 * 0.9 > 0.3
    assert len(pieces) > length // 4  # arrived in many small pieces, not at once
    assert code(httpx.Response(200, content=b"".join(pieces))) == 0
    assert reports(server)[0].state == "retracted"


def test_the_default_trickle_is_one_byte_a_second():
    assert Fault(endpoint="/status", kind="trickle").rate == 1.0


@pytest.mark.parametrize("applied", [True, False])
def test_a_truncated_answer(server, client, applied):
    server.set_faults([Fault(endpoint="/submit", kind="truncate", keep=40, applied=applied)])
    with pytest.raises(httpx.RemoteProtocolError), client.stream("POST", "submit", content=minimal_report_xml()) as r:
        assert int(r.headers["content-length"]) > 40
        r.read()
    assert len(reports(server)) == (1 if applied else 0)


def test_faults_load_from_a_json_file_and_from_the_constructor(tmp_path, clock):
    path = tmp_path / "faults.json"
    path.write_text(
        json.dumps(
            {
                "faults": [
                    {"endpoint": "/submit", "call": 1, "kind": "drop", "applied": True},
                    {"endpoint": "/status", "call": "every", "kind": "status", "status": 429, "retry_after": "2"},
                ]
            }
        )
    )
    faults = load_faults(path)
    assert faults[0] == Fault(endpoint="/submit", call=1, kind="drop", applied=True)
    assert faults[1].call is None
    assert load_faults(json.dumps([f.to_data() for f in faults]).encode()) == faults
    with PracticeServer(clock=clock, faults=faults) as server:
        response = httpx.get(server.url + "/status", auth=(server.username, server.password), trust_env=False)
        assert response.status_code == 429 and response.headers["retry-after"] == "2"
        assert server.faults == tuple(faults)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"endpoint": "/nowhere", "kind": "drop"}, "endpoint"),
        ({"endpoint": "/submit", "kind": "explode"}, "kind"),
        ({"endpoint": "/submit", "kind": "status"}, "HTTP status"),
        ({"endpoint": "/submit", "kind": "drop", "call": 0}, "call"),
        ({"endpoint": "/submit", "kind": "drop", "colour": "red"}, "colour"),
        ({"endpoint": "/submit", "kind": "code", "root": "html"}, "root"),
        ({"endpoint": "/submit", "kind": "drop", "applied": "yes"}, "applied"),
        ({"endpoint": "/submit", "kind": "status", "status": "503"}, "status"),
        ({"endpoint": "/submit", "kind": "delay", "seconds": True}, "seconds"),
    ],
)
def test_a_bad_fault_says_what_is_wrong(data, message):
    with pytest.raises(ValueError, match=message):
        Fault.from_data(data)


def test_a_fault_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not JSON"):
        load_faults(path)


def test_faults_fire_after_authentication_only(server):
    server.set_faults([Fault(endpoint="/status", kind="status", status=500)])
    assert httpx.get(server.url + "/status", trust_env=False).status_code == 401
    authorised = httpx.get(server.url + "/status", auth=(server.username, server.password), trust_env=False)
    assert authorised.status_code == 500
