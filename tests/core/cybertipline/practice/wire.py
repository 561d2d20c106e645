"""Synthetic documents and small helpers for talking to the practice server with raw httpx."""

import hashlib
import re

import httpx
from lxml import etree

from desktop_app.core.cybertipline.serialize import serialize
from tests.core.cybertipline import samples

XML = {"Content-Type": "text/xml; charset=utf-8"}


def report_xml() -> bytes:
    """A referral-quality synthetic report, serialized as the app sends it."""
    return serialize(samples.good_draft().report)


def minimal_report_xml() -> bytes:
    return serialize(samples.minimal_report())


def batched_report_xml() -> bytes:
    return serialize(samples.batched_draft().report)


def file_details_xml(report_id: int, file_id: str, *, batched: bool = False) -> bytes:
    draft = samples.batched_draft() if batched else samples.good_draft()
    details = draft.files[0].details.copy()
    details.set("reportId", report_id)
    details.set("fileId", file_id)
    return serialize(details)


def root(response: httpx.Response) -> etree._Element:
    return etree.fromstring(response.content)


def code(response: httpx.Response) -> int:
    return int(root(response).findtext("responseCode"))


def text(response: httpx.Response, name: str) -> str | None:
    return root(response).findtext(name)


def submit(client: httpx.Client, body: bytes | None = None) -> int:
    response = client.post("submit", content=body or report_xml(), headers=XML)
    assert code(response) == 0, response.text
    return int(text(response, "reportId"))


def upload(client: httpx.Client, report_id: int, data: bytes = b"synthetic bytes", name: str = "a.jpg") -> str:
    response = client.post("upload", data={"id": str(report_id)}, files={"file": (name, data, "image/jpeg")})
    assert code(response) == 0, response.text
    assert text(response, "hash") == hashlib.md5(data).hexdigest()
    return text(response, "fileId")


def file_ids(response: httpx.Response) -> list[str]:
    return [e.text for e in root(response).iterfind("files/fileId")]


FILE_ID = re.compile(r"^[0-9a-f]{32}$")
