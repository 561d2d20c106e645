"""The practice server's normal flow over real loopback sockets, with raw httpx requests."""

import dataclasses
import hashlib
import json

import httpx
import pytest
from lxml import etree

from desktop_app.core.cybertipline.model_xsd import model_xsd
from desktop_app.core.cybertipline.practice import PracticeServer
from desktop_app.core.cybertipline.xsd import load_xsd
from tests import reference
from tests.core.cybertipline.practice.wire import (
    FILE_ID,
    XML,
    code,
    file_details_xml,
    file_ids,
    root,
    submit,
    text,
    upload,
)


def test_status_echoes_the_user_and_the_address(server, client):
    response = client.get("status")
    assert response.status_code == 200
    assert code(response) == 0
    assert text(response, "responseDescription") == f"Remote User : {server.username}, Remote Ip : 127.0.0.1"
    assert root(response).find("reportId") is None
    assert response.headers["content-type"] == "application/xml"
    assert response.headers["request-id"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')


def test_every_answer_has_its_own_request_id(client):
    ids = {client.get("status").headers["request-id"] for _ in range(3)}
    assert len(ids) == 3


def test_xsd_serves_the_models_schema_by_default(client):
    response = client.get("xsd")
    assert response.status_code == 200
    assert response.content == model_xsd()
    load_xsd(response.content)  # it compiles


def test_xsd_serves_ncmecs_schema_when_given(clock):
    path = reference.xsd_path()
    with (
        PracticeServer(xsd=path, clock=clock) as server,
        httpx.Client(auth=(server.username, server.password), trust_env=False) as http,
    ):
        assert http.get(server.url + "/xsd").content == path.read_bytes()
        assert server.xsd_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_report_with_two_files_from_submit_to_finish(server, client):
    report_id = submit(client)
    first = upload(client, report_id, b"first synthetic file", "one.jpg")
    second = upload(client, report_id, b"second synthetic file" * 1000, "two.mp4")
    assert FILE_ID.match(first) and FILE_ID.match(second) and first != second
    response = client.post("fileinfo", content=file_details_xml(report_id, first), headers=XML)
    assert code(response) == 0 and int(text(response, "reportId")) == report_id
    done = client.post("finish", data={"id": str(report_id)})
    assert done.status_code == 200
    assert root(done).tag == "reportDoneResponse"
    assert code(done) == 0 and int(text(done, "reportId")) == report_id
    assert file_ids(done) == [first, second]

    held = server.snapshot().report(report_id)
    assert held.state == "finished"
    assert [f.file_id for f in held.files] == [first, second]
    assert held.files[0].md5 == hashlib.md5(b"first synthetic file").hexdigest()
    assert held.files[1].size == len(b"second synthetic file") * 1000
    assert [f.has_file_details for f in held.files] == [True, False]
    assert held.files[0].filename == "one.jpg"
    assert held.closed_at == server.clock.now()


def test_the_same_bytes_twice_give_one_hash_and_two_file_ids(client):
    report_id = submit(client)
    data = b"the same synthetic image"
    assert upload(client, report_id, data) != upload(client, report_id, data)


def test_a_report_without_files_finishes_with_an_empty_files_element(client):
    report_id = submit(client)
    done = client.post("finish", data={"id": str(report_id)})
    assert code(done) == 0
    files = root(done).find("files")
    assert files is not None and len(files) == 0


def test_report_ids_are_sequential(client):
    first = submit(client)
    assert [submit(client) for _ in range(3)] == [first + 1, first + 2, first + 3]


def test_retract_cancels_an_open_report(server, client):
    report_id = submit(client)
    upload(client, report_id)
    response = client.post("retract", data={"id": str(report_id)})
    assert response.status_code == 200 and code(response) == 0
    assert text(response, "responseDescription") == "Success"
    assert int(text(response, "reportId")) == report_id
    assert server.snapshot().report(report_id).state == "retracted"


def test_every_answer_is_valid_against_ncmecs_schema(clock):
    """Success and error answers alike, checked with NCMEC's own XSD."""
    ncmec = load_xsd(reference.xsd_path())
    with (
        PracticeServer(clock=clock) as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        report_id = submit(http)
        file_id = upload(http, report_id)
        answers = [
            http.get("status"),
            http.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML),
            http.post("upload", data={"id": "999"}, files={"file": ("x", b"x")}),
            http.post("submit", content=b"<report", headers=XML),
            http.post("finish", data={"id": str(report_id)}),
            http.post("finish", data={"id": str(report_id)}),
            http.post("retract", data={"id": "nonsense"}),
        ]
        unauthorised = httpx.get(server.url + "/status", trust_env=False)
    for response in [*answers, unauthorised]:
        assert ncmec.problems(etree.fromstring(response.content)) == [], response.text
        if root(response).tag == "reportResponse":
            assert text(response, "responseDescription")


def test_snapshot_records_every_request_and_serialises_to_json(server, client):
    report_id = submit(client)
    upload(client, report_id)
    client.post("finish", data={"id": str(report_id)})
    httpx.get(server.url + "/status", trust_env=False)
    snap = server.snapshot()
    assert [(r.method, r.path, r.status, r.response_code) for r in snap.requests] == [
        ("POST", "/submit", 200, 0),
        ("POST", "/upload", 200, 0),
        ("POST", "/finish", 200, 0),
        ("GET", "/status", 401, 1000),
    ]
    assert [r.authorised for r in snap.requests] == [True, True, True, False]
    assert [r.method for r in snap.requests_to("/status")] == ["GET"]
    assert snap.in_state("finished") == snap.reports and snap.in_state("open") == ()
    assert snap.requests[0].report_id == report_id
    data = json.loads(snap.to_json())
    assert data["reports"][0]["reportId"] == report_id
    assert data["reports"][0]["state"] == "finished"
    assert data["reports"][0]["files"][0]["md5"] == snap.reports[0].files[0].md5
    assert data["requests"][3]["responseCode"] == 1000
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.reports[0].state = "open"  # type: ignore[misc]


def test_the_inspection_route_answers_the_snapshot(server, client):
    report_id = submit(client)
    response = client.get("_practice/state")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["reports"][0]["reportId"] == report_id
    assert httpx.get(server.url + "/_practice/state", trust_env=False).status_code == 401


def test_given_credentials_are_used(clock):
    with PracticeServer(username="esp-user", password="s3cret", clock=clock) as server:
        assert (server.username, server.password) == ("esp-user", "s3cret")
        assert httpx.get(server.url + "/status", auth=("esp-user", "s3cret"), trust_env=False).status_code == 200


def test_generated_credentials_differ_per_server():
    first, second = PracticeServer(), PracticeServer()
    assert first.username != second.username and first.password != second.password
    assert len(first.password) >= 20


def test_the_server_listens_on_loopback_only(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0
