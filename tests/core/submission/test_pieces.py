"""The small parts of a submission: answers, file ids, Retry-After, the upload body, advice, expiry."""

import io
import os
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.cybertipline.advice import advice_for
from desktop_app.core.cybertipline.client import parse_response, retry_after_seconds
from desktop_app.core.cybertipline.upload_body import StreamingBody
from desktop_app.core.domain.submission import ncmec_expiry, preservation_until
from desktop_app.core.errors import BlobIntegrityError, OperationCancelled
from desktop_app.core.services.submission_calls import Outcome, RetryPolicy, classify

DONE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<reportDoneResponse><responseCode>0</responseCode><reportId>250799407</reportId>
<files><fileId>00000000000000000000000000000123</fileId><fileId>b0754af766b426f2928a02c651ed4b99</fileId></files>
</reportDoneResponse>"""


def test_file_ids_stay_strings_even_when_all_digits():
    response = parse_response(200, DONE)
    assert response.ok and response.report_id == 250799407 and response.root == "reportDoneResponse"
    assert response.file_ids == ("00000000000000000000000000000123", "b0754af766b426f2928a02c651ed4b99")


def test_success_only_from_code_zero_whatever_the_http_status():
    ok_with_500 = parse_response(500, b"<reportResponse><responseCode>0</responseCode></reportResponse>")
    assert ok_with_500.ok
    refused_with_200 = parse_response(200, b"<reportResponse><responseCode>4100</responseCode></reportResponse>")
    assert not refused_with_200.ok and classify("upload:1", refused_with_200).outcome is Outcome.REJECTED
    html = parse_response(200, b"<html><body>Sign in to the hotel wifi</body></html>")
    assert html.response_code is None and classify("submit", html).outcome is Outcome.UNKNOWN
    assert classify("submit", parse_response(503, b"")).outcome is Outcome.RETRY
    assert classify("finish", parse_response(409, b"<reportResponse><responseCode>5102</responseCode>"
                                                   b"</reportResponse>")).outcome is Outcome.ALREADY
    assert classify("retract", parse_response(409, b"<reportResponse><responseCode>5101</responseCode>"
                                                    b"</reportResponse>")).outcome is Outcome.ALREADY
    # "Already finished" is not success for an upload: the report cannot take files any more.
    assert classify("upload:1", parse_response(409, b"<reportResponse><responseCode>5102</responseCode>"
                                                     b"</reportResponse>")).outcome is Outcome.REJECTED


def test_a_dtd_in_an_answer_is_not_parsed():
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><reportResponse><responseCode>0</responseCode>' \
           b"</reportResponse>"
    assert parse_response(200, evil).response_code is None


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= retry_after_seconds(later) <= 31
    policy = RetryPolicy(first_delay=1, max_delay=4, longest_wait=60)
    assert policy.delay(1, 12.0) == 12.0 and policy.delay(1, 3600.0) is None
    assert 4.0 <= policy.delay(5, None) <= 4.4


def test_the_upload_body_reports_its_length_without_reading_and_hashes_what_it_hands_out():
    chunks = [b"a" * 70_000, b"b" * 30_000]
    body = StreamingBody(iter(chunks), 100_000)
    position = body.tell()
    assert body.seek(0, os.SEEK_END) == 100_000 and body.seek(position) == 0  # httpx's length probe
    data = b"".join(iter(lambda: body.read(65536), b""))
    assert data == b"".join(chunks) and body.finished
    import hashlib

    assert body.md5() == hashlib.md5(data).hexdigest()
    with pytest.raises(io.UnsupportedOperation):
        body.seek(0)


def test_the_upload_body_refuses_a_blob_of_the_wrong_length_and_stops_when_told():
    shorter = StreamingBody(iter([b"x" * 10]), 20)
    with pytest.raises(BlobIntegrityError):
        b"".join(iter(lambda: shorter.read(8), b""))
    longer = StreamingBody(iter([b"x" * 10, b"y"]), 10)
    with pytest.raises(BlobIntegrityError):
        longer.read(10)

    def stop():
        raise OperationCancelled("stop")

    with pytest.raises(OperationCancelled):
        StreamingBody(iter([b"x"]), 1, stop).read(1)


@pytest.mark.parametrize("code", [0, 1000, 1100, 1110, 1111, 1210, 1300, 2000, 3000, 3100, 3300, 4000, 4100, 4110,
                                  4200, 5001, 5002, 5101, 5102, 4999, 7777])
def test_every_code_gets_advice(code):
    for step in ("submit", "upload:1", "fileinfo:1", "finish", "retract"):
        text = advice_for(code, 400, step)
        assert len(text) > 20


@pytest.mark.parametrize("status", [200, 301, 401, 403, 404, 413, 429, 500, 502, 503, 504, 599])
def test_every_http_status_without_ncmecs_xml_gets_advice(status):
    assert len(advice_for(None, status, "submit")) > 20
    assert "unknown" in advice_for(None, None, "submit")


def test_ncmecs_discard_time_and_the_preservation_year():
    opened = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert ncmec_expiry(opened, None) == opened + timedelta(hours=24)
    assert ncmec_expiry(opened, opened + timedelta(hours=2)) == opened + timedelta(hours=24)
    assert ncmec_expiry(opened, opened + timedelta(hours=23, minutes=30)) == opened + timedelta(hours=24, minutes=30)
    finished = datetime(2027, 3, 1, tzinfo=UTC)
    assert preservation_until(finished) >= datetime(2028, 3, 1, tzinfo=UTC)  # 2028 is a leap year
