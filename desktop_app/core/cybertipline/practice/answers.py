"""The bodies the practice server answers with, shaped as NCMEC's are.

Every ``reportResponse`` carries ``responseCode`` and ``responseDescription`` (the XSD requires
both), then ``reportId``, ``fileId`` and ``hash`` when they apply, in the schema's order. The
``reportDoneResponse`` of ``/finish`` has no description in NCMEC's schema, so it carries none;
with no files it still has an empty ``<files/>``. The prolog is the one NCMEC's server writes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

PROLOG = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REPORT_RESPONSE = "reportResponse"
REPORT_DONE_RESPONSE = "reportDoneResponse"

# Short descriptions per code; the labels paraphrase NCMEC's documented table.
DESCRIPTIONS = {
    0: "Success",
    1000: "Server error",
    1100: "Save failed",
    1110: "Upload failed",
    1111: "File upload failed",
    1210: "Resource not found",
    1300: "Update failed",
    2000: "Authentication required",
    3000: "Not authorized for this action",
    3100: "Not authorized to make submissions",
    3300: "Not authorized to make updates",
    4000: "Invalid request",
    4100: "Validation failed",
    4110: "Malformed XML submittal",
    4200: "Malformed file submittal",
    5001: "Report does not exist",
    5002: "File does not exist",
    5101: "Report already retracted",
    5102: "Report already finished",
}


def describe(code: int) -> str:
    """NCMEC's label for a code (codes outside the table get a generic one)."""
    return DESCRIPTIONS.get(code, "Error" if code else "Success")


@dataclass(frozen=True)
class Answer:
    """One answer before any fault touches it: HTTP status, NCMEC code, body and extra headers."""

    status: int
    body: bytes
    response_code: int | None = None
    content_type: str = "application/xml"
    headers: tuple[tuple[str, str], ...] = ()
    report_id: int | None = None


def _text(parent: Any, name: str, value: object) -> None:
    etree.SubElement(parent, name).text = str(value)


def _document(root: Any) -> bytes:
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return PROLOG + body + b"\n"


def report_response(
    code: int,
    description: str | None = None,
    *,
    report_id: int | None = None,
    file_id: str | None = None,
    md5: str | None = None,
) -> bytes:
    """A ``reportResponse`` document."""
    root = etree.Element(REPORT_RESPONSE)
    _text(root, "responseCode", code)
    _text(root, "responseDescription", describe(code) if description is None else description)
    if report_id is not None:
        _text(root, "reportId", report_id)
    if file_id is not None:
        _text(root, "fileId", file_id)
    if md5 is not None:
        _text(root, "hash", md5)
    return _document(root)


def report_done_response(code: int, report_id: int, file_ids: Sequence[str] = ()) -> bytes:
    """A ``reportDoneResponse`` document (``/finish``); ``files`` is present even when empty."""
    root = etree.Element(REPORT_DONE_RESPONSE)
    _text(root, "responseCode", code)
    _text(root, "reportId", report_id)
    files = etree.SubElement(root, "files")
    for file_id in file_ids:
        _text(files, "fileId", file_id)
    return _document(root)


def html_page(title: str = "Service Unavailable") -> bytes:
    """An HTML page such as a proxy, captive portal or maintenance page sends instead of the API."""
    return (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>The service is temporarily unavailable. Please try again later.</p></body></html>\n"
    ).encode()
