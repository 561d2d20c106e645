"""NCMEC's rules that relate several fields (cybertipline-service.md §5, §6).

Within one element: verified before a verification date, a phone number without its calling code,
an approximate age or a date of birth (not both), a US location's region, disabled/notified/
re-enabled dates in order. Within a report: one reported user unless batched, the submitter's
email, email-incident addresses that also appear on a person, and the restrictions of a batched
report. Within a file: EXIF viewed implies file viewed, and what a supplemental file or a batched
report's file may carry. With the workspace's history (``prior_report_rules``): cited earlier
reports the workspace has no record of.
"""

from collections.abc import Collection, Iterator
from datetime import datetime

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.findings import Finding, error, hint, warning
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.schema_types import XsdType
from desktop_app.core.cybertipline.values import parse_boolean, parse_date_time, parse_integer

BATCHED_FORBIDDEN_IN_REPORT = ("internetDetails", "lawEnforcement", "intendedRecipient", "victim", "additionalInfo")
BATCHED_FORBIDDEN_IN_FILE = (
    "originalFileName",
    "locationOfFile",
    "originalFileHash",
    "ipCaptureEvent",
    "deviceId",
    "details",
    "additionalInfo",
)
BATCHED_FILE_ANNOTATIONS = ("viral", "potentialMeme")
_HASH_HEX_LENGTHS = {"MD5": 32, "SHA1": 40, "SHA-1": 40, "SHA256": 64, "SHA-256": 64}


def _is_true(value: str | None) -> bool:
    return value is not None and parse_boolean(value) is True


def element_rules(node: Node, path: str) -> Iterator[Finding]:
    """The rules inside one element, whatever its place in the report."""
    decl = node.decl
    names = {a.name for a in decl.attributes}
    verification_date = node.attributes.get("verificationDate") if "verificationDate" in names else None
    if verification_date is not None and not _is_true(node.attributes.get("verified")):
        yield error(
            f"{path}/@verificationDate", "verification-unverified", "A verification date needs Verified set to true."
        )
    code = node.attributes.get("countryCallingCode")
    if "countryCallingCode" in names and code and (node.value or "").strip().startswith(code):
        yield error(
            path,
            "phone-includes-calling-code",
            f"Remove {code} from the number; it goes in the country calling code field only.",
        )
    if decl.name == "associatedAccount" and node.get("approximateAge") and node.get("dateOfBirth"):
        yield error(
            f"{path}/dateOfBirth", "age-and-birth-date", "Give an approximate age or a date of birth, not both."
        )
    if decl.name == "estimatedLocation":
        yield from _location(node, path)
    if "disabledDate" in names:
        yield from _disabled_dates(node, path)


def _location(node: Node, path: str) -> Iterator[Finding]:
    country = (node.text("countryCode") or "").strip()
    if not country:
        yield error(f"{path}/countryCode", "location-country-missing", "An estimated location needs its country.")
    if country != "US":
        return
    region = node.text("region")
    if region is None or not region.strip():
        if node.text("city"):
            yield error(
                f"{path}/region",
                "location-region-missing",
                "A US location with a city needs the state (postal abbreviation) as its region.",
            )
    elif region.strip() not in enums.US_STATES:
        yield error(
            f"{path}/region",
            "location-region-not-us-state",
            f"For the US, the region must be a state's postal abbreviation (e.g. CA); {region!r} is not.",
        )


def _aware(node: Node, name: str) -> datetime | None:
    value = node.attributes.get(name)
    parsed = parse_date_time(value) if value is not None else None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _disabled_dates(node: Node, path: str) -> Iterator[Finding]:
    disabled, notified = _aware(node, "disabledDate"), _aware(node, "userNotifiedDate")
    reenabled = _aware(node, "reenabledDate")
    if disabled is not None and notified is not None and notified < disabled:
        yield error(
            f"{path}/@userNotifiedDate",
            "notified-before-disabled",
            "The user cannot have been notified before the account was disabled.",
        )
    if disabled is not None and reenabled is not None and reenabled <= disabled:
        yield error(
            f"{path}/@reenabledDate",
            "reenabled-before-disabled",
            "The account must be re-enabled after it was disabled.",
        )


def email_key(address: str) -> str:
    """What two email addresses are compared by: the domain without regard to case, the local part as is.

    NCMEC gives no rule on case (cybertipline-service.md §5 only says the address must reappear on a
    person; the XSD types it as a plain string). Domain names are case-insensitive (RFC 1035 §2.3.3,
    RFC 5321 §2.4), so ``Example.NET`` and ``example.net`` are one domain. The local part may be
    case-sensitive (RFC 5321 §2.4): on some hosts ``Alex@`` and ``alex@`` are two mailboxes, and
    matching them would link an incident address to a person the reviewer never linked it to. The
    finding is an error, so being strict there costs the reviewer retyping one address to match;
    being lax could let through a report NCMEC rejects or that links the wrong account.
    """
    local, at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.casefold()}" if at else address.strip()


def _person_emails(report: Node) -> set[str]:
    found: set[str] = set()
    for section, person in (
        ("personOrUserReported", "personOrUserReportedPerson"),
        ("intendedRecipient", "intendedRecipientPerson"),
        ("victim", "victimPerson"),
    ):
        for entry in report.all(section):
            holder = entry.get(person)
            if holder is not None:
                found.update(email_key(e.value or "") for e in holder.all("email"))
    return found


def report_rules(report: Node, path: str = "report") -> Iterator[Finding]:
    """The cross-field rules of a report."""
    for where, node in report.walk(path):
        yield from element_rules(node, where)
    batched = report.get("batchedReport") is not None
    persons = report.all("personOrUserReported")
    if len(persons) > 1 and not batched:
        yield error(
            f"{path}/personOrUserReported[1]",
            "multiple-reported-persons",
            "A report may name only one reported user unless it is a batched report; file one report per user.",
        )
    reporter = report.get("reporter")
    submitter = reporter.get("reportingPerson") if reporter is not None else None
    if submitter is not None and not any((e.value or "").strip() for e in submitter.all("email")):
        yield error(
            f"{path}/reporter/reportingPerson/email[0]",
            "reporting-person-email",
            "NCMEC needs the submitter's email address: the receipt is the legally required notification.",
        )
    known = _person_emails(report)
    folded = {key.casefold(): key for key in known}
    for index, details in enumerate(report.all("internetDetails")):
        for kind in ("emailIncident", "newsgroupIncident"):
            incident = details.get(kind)
            for position, address in enumerate(incident.all("emailAddress") if incident is not None else []):
                key = email_key(address.value or "")
                if key in known:
                    continue
                near = folded.get(key.casefold())
                note = (
                    f" A person has {near!r}: the part before @ differs in letter case, which some mail "
                    "systems treat as another mailbox; write it the same way in both places."
                    if near is not None
                    else ""
                )
                yield error(
                    f"{path}/internetDetails[{index}]/{kind}/emailAddress[{position}]",
                    "incident-email-not-on-person",
                    f"{address.value!r} must also be given as an email "
                    f"of the reported user, an intended recipient or a victim.{note}",
                )
    if batched:
        yield from _batched_report(report, path)


def prior_report_rules(report: Node, known: Collection[int], path: str = "report") -> Iterator[Finding]:
    """Cited earlier reports (``priorCTReports``, ``priorCTReport``) whose id ``known`` lacks.

    ``known`` holds the NCMEC report ids this workspace recorded. NCMEC rejects ids that are not
    real reports (cybertipline-service.md §5), so an id nobody here recorded may be a typo; but reports filed
    before Evidence Desk (or from another workspace) are legitimate to cite, so this is a warning.
    Only a caller with the workspace's history can apply it (``ReportService``, the editor).
    """
    for where, node in report.walk(path):
        if node.decl.name not in ("priorCTReports", "priorCTReport"):
            continue
        number = parse_integer(node.value or "", XsdType.LONG)
        if number is None or number < 1:
            continue  # the structure and range checks say what is wrong with it
        if number not in known:
            yield warning(
                where,
                "prior-report-unknown",
                f"Report {number} is not a report this workspace recorded an NCMEC report ID for. Check the "
                "number; a report filed before Evidence Desk or from another workspace is fine to cite.",
            )


def _batched_report(report: Node, path: str) -> Iterator[Finding]:
    summary = report.get("incidentSummary")
    if summary is not None and summary.get("escalateToHighPriority") is not None:
        yield error(
            f"{path}/incidentSummary/escalateToHighPriority",
            "batched-forbidden",
            "A batched report cannot be escalated.",
        )
    for name in BATCHED_FORBIDDEN_IN_REPORT:
        occurrences = report.all(name)
        if occurrences:
            child = report.decl.child(name)
            where = f"{path}/{name}[0]" if child.repeatable else f"{path}/{name}"
            yield error(where, "batched-forbidden", f"A batched report cannot carry {child.label}.")
    for index, person in enumerate(report.all("personOrUserReported")):
        where = f"{path}/personOrUserReported[{index}]"
        extra = [child.decl.label for child in person.children() if child.decl.name != "espIdentifier"]
        if extra:
            yield error(
                where,
                "batched-person-fields",
                f"In a batched report a reported user has only an account ID; remove: {', '.join(extra)}.",
            )
        if not (person.text("espIdentifier") or "").strip():
            yield error(
                f"{where}/espIdentifier",
                "batched-person-identifier",
                "In a batched report each reported user needs their account ID.",
            )


def file_rules(details: Node, path: str = "fileDetails", *, batched: bool = False) -> Iterator[Finding]:
    """The cross-field rules of one file's details (``batched``: the report is a batched report)."""
    for where, node in details.walk(path):
        yield from element_rules(node, where)
    if _is_true(details.text("exifViewedByEsp")) and not _is_true(details.text("fileViewedByEsp")):
        yield error(
            f"{path}/exifViewedByEsp",
            "exif-viewed-without-file",
            "If your company viewed the EXIF data it "
            "must also have viewed the file; set Viewed by your company, or clear EXIF viewed.",
        )
    annotations = details.get("fileAnnotations")
    legacy_meme = details.get("potentialMeme")
    meme = (annotations is not None and annotations.get("potentialMeme") is not None) or (
        legacy_meme is not None and _is_true(legacy_meme.value)
    )
    if legacy_meme is not None:
        yield hint(
            f"{path}/potentialMeme",
            "legacy-potential-meme",
            "The top-level potential-meme element is a legacy form; use the Potential meme file tag.",
        )
    if details.text("fileRelevance") == "Supplemental Reported":
        if meme:
            yield error(
                f"{path}/fileRelevance",
                "supplemental-with-meme",
                "A supplemental file cannot be tagged as a potential meme; only reported files can.",
            )
        if details.get("industryClassification") is not None:
            yield error(
                f"{path}/industryClassification",
                "supplemental-with-classification",
                "A supplemental file cannot carry an industry classification; only reported files can.",
            )
    for index, digest in enumerate(details.all("originalFileHash")):
        kind = (digest.attributes.get("hashType") or "").strip().upper()
        length = _HASH_HEX_LENGTHS.get(kind)
        value = (digest.value or "").strip()
        if length and (len(value) != length or any(c not in "0123456789abcdefABCDEF" for c in value)):
            yield warning(
                f"{path}/originalFileHash[{index}]",
                "hash-format",
                f"A {kind} hash is {length} hex digits; check the value.",
            )
    if batched:
        yield from _batched_file(details, path)


def _batched_file(details: Node, path: str) -> Iterator[Finding]:
    annotations = details.get("fileAnnotations")
    tags = {child.decl.name for child in annotations.children()} if annotations is not None else set()
    if not tags & set(BATCHED_FILE_ANNOTATIONS):
        yield error(
            f"{path}/fileAnnotations",
            "batched-file-annotation",
            "The file of a batched report must be tagged Viral and/or Potential meme.",
        )
    for tag in sorted(tags - set(BATCHED_FILE_ANNOTATIONS)):
        yield error(
            f"{path}/fileAnnotations/{tag}",
            "batched-file-forbidden",
            "The file of a batched report may carry only the Viral and Potential meme tags.",
        )
    for name in BATCHED_FORBIDDEN_IN_FILE:
        if details.all(name):
            child = details.decl.child(name)
            where = f"{path}/{name}[0]" if child.repeatable else f"{path}/{name}"
            yield error(where, "batched-file-forbidden", f"The file of a batched report cannot carry {child.label}.")
    relevance = details.text("fileRelevance")
    if relevance is not None and relevance != "Reported":
        yield error(f"{path}/fileRelevance", "batched-file-relevance", "The file of a batched report must be Reported.")


def batched_file_count(report: Node, files: int, path: str = "report") -> Iterator[Finding]:
    """A batched report carries exactly one file (NCMEC fails ``/finish`` otherwise)."""
    if report.get("batchedReport") is not None and files != 1:
        yield error(
            f"{path}/batchedReport",
            "batched-file-count",
            f"A batched report carries exactly one file; this one has {files}. NCMEC would refuse to finish it.",
        )
