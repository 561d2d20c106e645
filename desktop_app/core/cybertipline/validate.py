"""One place to ask "is this report right?": every check in the package, composed.

``check_draft`` is what the form's findings panel shows and what gates submission; ``check_field``
is the as-you-type check of one field; ``check_document`` validates serialized bytes (the CLI's
``report validate``, and the last check before sending) with NCMEC's XSD when one is at hand.
All take ``now`` so tests (and a reviewer's clock) decide what "in the past" means.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.cybertipline import cross_rules, referral, schema
from desktop_app.core.cybertipline.findings import Finding, error, ordered
from desktop_app.core.cybertipline.model import Node, ReportDraft
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.rules import check_value, check_values
from desktop_app.core.cybertipline.schema_types import AttributeDecl
from desktop_app.core.cybertipline.structure import check_structure, check_value_form
from desktop_app.core.cybertipline.xsd import CompiledXsd
from desktop_app.core.errors import ReportDocumentRejected

# NCMEC assigns these when the report is opened and the file uploaded; a draft cannot have them yet.
PENDING_IDS = frozenset({"fileDetails/reportId", "fileDetails/fileId"})


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def check_report(report: Node, *, now: datetime | None = None, hints: bool = True) -> list[Finding]:
    """Structure, value rules, cross-field rules and (``hints``) referral hints of a report."""
    found = check_structure(report) + check_values(report, now=_now(now)) + list(cross_rules.report_rules(report))
    if hints:
        found += referral.referral_hints(report)
    return ordered(found)


def check_file_details(
    details: Node,
    *,
    now: datetime | None = None,
    batched: bool = False,
    path: str = "fileDetails",
    pending_ids: bool = False,
    hints: bool = True,
) -> list[Finding]:
    """The checks for one file's details (``pending_ids``: a draft, reportId and fileId not yet known)."""
    found = check_structure(details, path, skip_required=PENDING_IDS if pending_ids else frozenset())
    found += check_values(details, path, now=_now(now))
    found += cross_rules.file_rules(details, path, batched=batched)
    if hints:
        found += referral.file_hints(details, path)
    return ordered(found)


def check_draft(draft: ReportDraft, *, now: datetime | None = None) -> list[Finding]:
    """Everything about a draft: the report, each file (``fileDetails[i]``), and both together."""
    moment = _now(now)
    batched = draft.report.get("batchedReport") is not None
    found = check_report(draft.report, now=moment, hints=False)
    for index, entry in enumerate(draft.files):
        found += check_file_details(
            entry.details, now=moment, batched=batched, path=f"fileDetails[{index}]", pending_ids=True, hints=False
        )
    found += cross_rules.batched_file_count(draft.report, len(draft.files))
    found += referral.referral_hints(draft.report, [f.details for f in draft.files])
    return ordered(found)


def check_field(path: str, value: str, *, now: datetime | None = None) -> list[Finding]:
    """The checks of one value as the reviewer types it (form and business rules, no cross-field)."""
    decl = schema.decl_at(path)
    if not isinstance(decl, AttributeDecl) and not decl.has_value:
        raise ValueError(f"{path} is a section, not a field")
    return ordered(check_value_form(decl, value, path) + check_value(decl, value, path, _now(now)))


@dataclass(frozen=True)
class DocumentCheck:
    """The result of validating one serialized document."""

    kind: str | None  # "report", "fileDetails", or None when the document could not be read
    findings: list[Finding]
    xsd_sha256: str | None  # the XSD it was also validated against, if any


def check_document(data: bytes, *, xsd: CompiledXsd | None = None, now: datetime | None = None) -> DocumentCheck:
    """Parse a document and run NCMEC's XSD (if given) and every model check on it."""
    sha = xsd.sha256 if xsd is not None else None
    try:
        parsed = parse_document(data)
    except ReportDocumentRejected as problem:
        return DocumentCheck(None, [error("", "document-unreadable", problem.message)], sha)
    found = list(parsed.findings)
    if xsd is not None:
        found += xsd.validate(parsed.tree)
    if parsed.kind == "report":
        found += check_report(parsed.root, now=now)
    else:
        found += check_file_details(parsed.root, now=now)
    return DocumentCheck(parsed.kind, ordered(found), sha)
