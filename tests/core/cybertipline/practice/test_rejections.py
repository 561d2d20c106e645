"""Malformed and invalid requests get NCMEC's codes (and never a stack trace)."""

import httpx
import pytest

from desktop_app.core.cybertipline.practice import PracticeServer
from tests import reference
from tests.core.cybertipline.practice.wire import (
    XML,
    batched_report_xml,
    code,
    file_details_xml,
    minimal_report_xml,
    report_xml,
    submit,
    text,
    upload,
)


def swap_summary_and_reporter(body: bytes) -> bytes:
    start, end = body.index(b"<incidentSummary>"), body.index(b"</incidentSummary>") + len(b"</incidentSummary>")
    summary = body[start:end]
    rest = body[:start] + body[end:]
    return rest.replace(b"</reporter>", b"</reporter>" + summary)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<report>",
        b"not xml at all",
        b"<report><incidentSummary></report>",
        b'<?xml version="1.0"?><!DOCTYPE report [<!ENTITY x "y">]><report>&x;</report>',
        b'<?xml version="1.0"?><!DOCTYPE report SYSTEM "http://example.invalid/x.dtd"><report/>',
    ],
    ids=["empty", "unclosed", "text", "mismatched", "entity", "external-dtd"],
)
def test_malformed_xml_is_4110(server, client, body):
    response = client.post("submit", content=body, headers=XML)
    assert response.status_code == 400
    assert code(response) == 4110
    assert text(response, "responseDescription").startswith("Malformed XML submittal")
    assert "Traceback" not in response.text
    assert server.snapshot().reports == ()


def test_malformed_file_details_are_4110(client):
    response = client.post("fileinfo", content=b"<fileDetails><reportId>1", headers=XML)
    assert code(response) == 4110


def schema_servers():
    """The checks hold with the model's schema and with NCMEC's (when ../shared has it)."""
    return ["model", "ncmec"]


@pytest.fixture(params=schema_servers())
def any_schema_client(request, clock):
    xsd = reference.xsd_path() if request.param == "ncmec" else None
    with (
        PracticeServer(xsd=xsd, clock=clock) as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        yield http


def test_elements_out_of_order_get_xerces_2_4_a_naming_the_element(any_schema_client):
    response = any_schema_client.post("submit", content=swap_summary_and_reporter(minimal_report_xml()), headers=XML)
    assert code(response) == 4100 and response.status_code == 400
    description = text(response, "responseDescription")
    assert description.startswith("cvc-complex-type.2.4.a: Invalid content was found starting with element 'reporter'.")
    assert "incidentSummary" in description and description.endswith("is expected.")


def test_a_missing_required_element_is_2_4_b(any_schema_client):
    body = b"<report><incidentSummary><incidentType>Child Sex Tourism</incidentType></incidentSummary></report>"
    description = text(any_schema_client.post("submit", content=body, headers=XML), "responseDescription")
    assert description.startswith("cvc-complex-type.2.4.b: The content of element 'incidentSummary' is not complete.")
    assert "'{incidentDateTime}'" in description or "incidentDateTime" in description


def test_an_unknown_element_is_refused(any_schema_client):
    body = minimal_report_xml().replace(b"</report>", b"<surprise/></report>")
    response = any_schema_client.post("submit", content=body, headers=XML)
    assert code(response) == 4100
    assert "element 'surprise'" in text(response, "responseDescription")


def test_an_enumeration_value_is_checked(any_schema_client):
    body = minimal_report_xml().replace(b"Child Pornography (possession, manufacture, and distribution)", b"Spam")
    description = text(any_schema_client.post("submit", content=body, headers=XML), "responseDescription")
    assert description.startswith("cvc-enumeration-valid: Value 'Spam' is not facet-valid with respect to enumeration")
    assert "element 'incidentType'" in description


def test_a_bad_date_time_is_a_datatype_error(any_schema_client):
    body = minimal_report_xml().replace(b"2012-10-15T08:00:00-07:00", b"last tuesday")
    description = text(any_schema_client.post("submit", content=body, headers=XML), "responseDescription")
    assert description.startswith("cvc-datatype-valid.1.2.1: 'last tuesday' is not a valid value for 'dateTime'.")
    assert "element 'incidentDateTime'" in description


def test_a_missing_required_attribute_is_complex_type_4(any_schema_client):
    report_id = submit(any_schema_client)
    file_id = upload(any_schema_client, report_id)
    body = file_details_xml(report_id, file_id).replace(b' hashType="MD5"', b"")
    description = text(any_schema_client.post("fileinfo", content=body, headers=XML), "responseDescription")
    assert description == "cvc-complex-type.4: Attribute 'hashType' must appear on element 'originalFileHash'."


def test_a_wrong_root_is_refused(any_schema_client):
    response = any_schema_client.post("submit", content=file_details_xml(1, "ab" * 16), headers=XML)
    assert code(response) == 4100 and "fileDetails" in text(response, "responseDescription")
    unknown = any_schema_client.post("submit", content=b"<complaint/>", headers=XML)
    assert text(unknown, "responseDescription") == "cvc-elt.1.a: Cannot find the declaration of element 'complaint'."


def test_a_date_time_without_a_zone_is_refused_although_the_schema_allows_it(server, client):
    response = client.post("submit", content=minimal_report_xml().replace(b"-07:00", b""), headers=XML)
    assert code(response) == 4100
    description = text(response, "responseDescription")
    assert "time zone" in description and "incidentDateTime" in description
    assert server.snapshot().reports == ()


def test_a_future_incident_is_refused(client):
    response = client.post("submit", content=minimal_report_xml().replace(b"2012-10-15", b"2099-10-15"), headers=XML)
    assert code(response) == 4100 and "future" in text(response, "responseDescription")


def test_a_value_over_its_maximum_length_is_refused(client):
    body = report_xml().replace(b"<platform>Example Forum</platform>", b"<platform>" + b"x" * 257 + b"</platform>")
    response = client.post("submit", content=body, headers=XML)
    assert code(response) == 4100
    assert "256" in text(response, "responseDescription") and "platform" in text(response, "responseDescription")


def test_two_reported_users_need_a_batched_report(client):
    body = report_xml().replace(
        b"<victim>",
        b"<personOrUserReported><espIdentifier>u-2</espIdentifier></personOrUserReported><victim>",
    )
    response = client.post("submit", content=body, headers=XML)
    assert code(response) == 4100 and "personOrUserReported" in text(response, "responseDescription")


def test_a_batched_report_cannot_carry_a_victim(client):
    body = batched_report_xml().replace(b"</report>", b"<victim><victimPerson/></victim></report>")
    response = client.post("submit", content=body, headers=XML)
    assert code(response) == 4100 and "victim" in text(response, "responseDescription")


def test_the_file_of_a_batched_report_must_be_tagged_viral_or_meme(client):
    report_id = submit(client, batched_report_xml())
    file_id = upload(client, report_id)
    body = file_details_xml(report_id, file_id, batched=True).replace(b"<viral/>", b"<infant/>")
    response = client.post("fileinfo", content=body, headers=XML)
    assert code(response) == 4100 and "fileAnnotations" in text(response, "responseDescription")


@pytest.mark.parametrize(
    ("endpoint", "data", "expected"),
    [
        ("finish", {}, 4000),
        ("finish", {"id": ""}, 4000),
        ("finish", {"id": "12abc"}, 4000),
        ("retract", {"id": "-5"}, 4000),
        ("retract", {"report": "5"}, 4000),
    ],
)
def test_a_missing_or_non_numeric_id_is_4000(client, endpoint, data, expected):
    response = client.post(endpoint, data=data)
    assert code(response) == expected and response.status_code == 400
    assert "id" in text(response, "responseDescription")


def test_an_upload_without_a_file_part_is_4200(server, client):
    report_id = submit(client)
    response = client.post("upload", data={"id": str(report_id)}, files={"other": ("x", b"x")})
    assert code(response) == 4200 and response.status_code == 400
    assert server.snapshot().report(report_id).files == ()


def test_an_upload_that_is_not_multipart_is_4200(client):
    report_id = submit(client)
    response = client.post("upload", content=b"just bytes", headers={"Content-Type": "application/octet-stream"})
    assert code(response) == 4200
    cut = client.post(
        "upload",
        content=f'--b\r\nContent-Disposition: form-data; name="id"\r\n\r\n{report_id}\r\n--b\r\n'.encode(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert code(cut) == 4200 and "closing boundary" in text(cut, "responseDescription")


def test_an_upload_without_an_id_is_4000(client):
    response = client.post("upload", files={"file": ("a.jpg", b"x")})
    assert code(response) == 4000


def test_two_file_parts_in_one_upload_are_refused(server, client):
    report_id = submit(client)
    response = client.post("upload", data={"id": str(report_id)}, files=[("file", ("a", b"1")), ("file", ("b", b"2"))])
    assert code(response) == 4200
    assert server.snapshot().report(report_id).files == ()


def test_an_unknown_path_is_1210(server, client):
    response = client.get("reports")
    assert response.status_code == 404 and code(response) == 1210
    outside = httpx.get(f"http://127.0.0.1:{server.port}/status", auth=(server.username, server.password))
    assert outside.status_code == 404 and code(outside) == 1210
    assert server.snapshot().requests[-1].path == "/status" and server.snapshot().requests[-1].response_code == 1210


def test_a_wrong_method_is_405_with_allow(client):
    response = client.get("submit")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert code(response) == 4000
    assert client.post("status").headers["allow"] == "GET, HEAD"


def test_legacy_mode_answers_errors_with_http_200(clock):
    with (
        PracticeServer(clock=clock, legacy_http_200=True) as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        response = http.post("finish", data={"id": "77"})
        assert response.status_code == 200 and code(response) == 5001
        assert httpx.get(server.url + "/status", trust_env=False).status_code == 401


def test_the_status_for_a_code_can_be_changed(clock):
    with (
        PracticeServer(clock=clock, status_for_code={5001: 410}) as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        assert http.post("finish", data={"id": "77"}).status_code == 410


def test_finish_errors_can_use_the_report_done_root(clock):
    with (
        PracticeServer(clock=clock, finish_error_root="reportDoneResponse") as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        response = http.post("finish", data={"id": "77"})
        assert response.status_code == 404
        assert response.content.count(b"<reportDoneResponse>") == 1
        assert code(response) == 5001 and text(response, "reportId") == "77"


@pytest.mark.expect_log_warnings("the practice server failed on POST /submit")
def test_a_bug_in_a_handler_is_a_server_error_and_the_server_carries_on(server, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(server.state, "open_report", broken)
    response = client.post("submit", content=minimal_report_xml(), headers=XML)
    assert response.status_code == 500 and code(response) == 1000
    assert "Traceback" not in response.text and "simulated" not in response.text
    assert "the practice server failed on POST /submit" in caplog.text
    assert client.get("status").status_code == 200


def test_the_message_ncmec_sent_in_2026_for_a_misordered_file_detail_is_reproduced(any_schema_client):
    """A live probe of NCMEC's test server answered exactly this for ipCaptureEvent before industryClassification."""
    report_id = submit(any_schema_client)
    file_id = upload(any_schema_client, report_id)
    body = (
        f"<fileDetails><reportId>{report_id}</reportId><fileId>{file_id}</fileId>"
        "<ipCaptureEvent><ipAddress>93.184.216.34</ipAddress></ipCaptureEvent>"
        "<industryClassification>A1</industryClassification></fileDetails>"
    ).encode()
    response = any_schema_client.post("fileinfo", content=body, headers=XML)
    assert code(response) == 4100
    assert text(response, "responseDescription") == (
        "cvc-complex-type.2.4.a: Invalid content was found starting with element 'industryClassification'. "
        "One of '{deviceId, details, additionalInfo}' is expected."
    )


def test_the_2016_answer_shapes_can_be_asked_for(clock):
    """A content type whose charset contradicts the prolog, and the fileId echoed by /fileinfo."""
    with (
        PracticeServer(
            clock=clock, xml_content_type="application/xml;charset=ISO-8859-1", echo_file_id_on_fileinfo=True
        ) as server,
        httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http,
    ):
        report_id = submit(http)
        file_id = upload(http, report_id)
        response = http.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML)
        assert response.headers["content-type"] == "application/xml;charset=ISO-8859-1"
        assert text(response, "fileId") == file_id
        assert http.get("xsd").headers["content-type"] == "application/xml;charset=ISO-8859-1"


def test_fileinfo_does_not_echo_the_file_id_by_default(client):
    report_id = submit(client)
    file_id = upload(client, report_id)
    response = client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML)
    assert text(response, "fileId") is None
