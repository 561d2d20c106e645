"""Judging the XML a client sends to ``/submit`` and ``/fileinfo``, in NCMEC's order and words.

First the bytes must be a well-formed document (parsed with ``xmlsafe``: no DTD, no entities, no
network, a size cap); if not, code 4110 and never a stack trace. Then the root must be the one the
endpoint takes and the document must satisfy the schema (NCMEC's, or the model's own), which gives
4100 with a Xerces-style ``cvc-...`` message. Then the rules NCMEC enforces beyond its schema (time
zones, "in the past", lengths, formats, the batched-report rules) give 4100 naming the field. The
state checks (does the report exist, is it open) belong to ``state``.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.practice.xerces import xerces_message
from desktop_app.core.cybertipline.validate import check_file_details, check_report
from desktop_app.core.cybertipline.xmlsafe import UnreadableXml, parse_xml
from desktop_app.core.cybertipline.xsd import CompiledXsd
from desktop_app.core.errors import ReportDocumentRejected

MALFORMED = 4110
INVALID = 4100


class Rejected(Exception):
    """The practice server refuses a request with an NCMEC response code (and a description)."""

    def __init__(self, code: int, description: str | None = None, *, report_id: int | None = None) -> None:
        super().__init__(code, description)
        self.code = code
        self.description = description
        self.report_id = report_id


@dataclass(frozen=True)
class Document:
    """A document that passed parsing and the schema: the model tree, the text as stored."""

    root: Node
    xml: str


def read_document(body: bytes, expected: str, xsd: CompiledXsd) -> Document:
    """Parse and schema-check ``body`` whose root must be ``expected``; ``Rejected`` (4110/4100) if not."""
    try:
        tree = parse_xml(body)
    except UnreadableXml as problem:
        # lxml names its own input "<string>"; that means nothing to the client.
        reason = re.sub(r"\s*\(<string>, line \d+\)", "", str(problem))
        raise Rejected(MALFORMED, f"Malformed XML submittal: {reason}") from None
    problems = xsd.problems(tree)
    if problems:
        raise Rejected(INVALID, xerces_message(problems[0]))
    tag = tree.getroot().tag
    if tag != expected:
        # NCMEC's schema declares all four roots, so a wrong but declared root passes the schema.
        raise Rejected(INVALID, f"cvc-elt.1.a: Cannot find the declaration of element '{tag}' for this request.")
    try:
        parsed = parse_document(body, expected)
    except ReportDocumentRejected as problem:  # pragma: no cover - parse_xml above already passed
        raise Rejected(MALFORMED, problem.message) from None
    errors = [f for f in parsed.findings if f.severity is Severity.ERROR]
    if errors:
        # The schema passed but the model cannot hold the document (schema drift): say so as a 4100.
        raise Rejected(INVALID, _describe(errors[0]))
    return Document(parsed.root, _text(tree))


def _text(tree: Any) -> str:
    text: str = etree.tostring(tree.getroot(), encoding="unicode")
    return text


def _describe(finding: Finding) -> str:
    return f"{finding.message} (at {finding.path})"


def check_report_rules(report: Node, now: datetime) -> None:
    """NCMEC's rules beyond the schema for a report; ``Rejected`` (4100) naming the first broken one."""
    _first_error(check_report(report, now=now, hints=False))


def check_file_rules(details: Node, now: datetime, *, batched: bool) -> None:
    """NCMEC's rules beyond the schema for one file's details (``batched``: its report is batched)."""
    _first_error(check_file_details(details, now=now, batched=batched, hints=False))


def _first_error(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise Rejected(INVALID, _describe(errors[0]))
