"""Referral-readiness hints: what makes NCMEC classify a report as a referral, not informational.

Only the incident type and time are legally required, but a report without a way to identify a
person or place a location mostly goes nowhere (cybertipline-service.md §8). These warnings never block a report;
each says what is missing and, in ``why``, why law enforcement needs it. A batched report (a viral
meme shared by many users) is informational by nature and gets none.
"""

from collections.abc import Iterator, Sequence

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.findings import Finding, warning
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.values import parse_boolean

# The name of the file-metadata entry (``details`` of type HASH) that records a hash-list match.
HASH_MATCH_NAME = "Hash list match"

WHY = {
    "referral-no-reported-person": "An account ID, screen name or profile URL is what law enforcement serves legal "
    "process with to obtain the user's records.",
    "referral-no-ip-event": "Providers share one IP address among many subscribers (carrier-grade NAT); only the "
    "address with its exact time and source port identifies one of them.",
    "referral-no-contact": "An email address or phone number lets investigators trace the user to a real person "
    "and across services.",
    "referral-no-location": "NCMEC routes a report to the agency with jurisdiction; without any location it "
    "often stays informational.",
    "referral-no-victim": "This kind of incident involves a child at risk; what you know about the child is what "
    "lets law enforcement find and protect them.",
    "referral-file-not-viewed": "Law enforcement may need a search warrant to open a file no one at your company "
    "viewed (United States v. Wilson, 9th Cir. 2021), which delays the case.",
    "referral-file-hash-matched-not-viewed": "No one at your company viewed this file: it is reported because its "
    "hash matched a list of known material. NCMEC and law enforcement learn that it matched, and the match is what "
    "justifies a search warrant; opening the file without one may be unlawful (United States v. Wilson, 9th Cir. "
    "2021), so the case waits for the warrant. Keep it marked as not viewed unless someone really viewed it.",
    "referral-no-incident-details": "Where it happened (a URL, chat, email, game) tells investigators which "
    "records to request and from whom.",
}


def _hint(path: str, code: str, message: str) -> Finding:
    return warning(path, code, message, WHY[code])


def _complete_event(event: Node) -> bool:
    return all((event.text(name) or "").strip() for name in ("ipAddress", "dateTime", "port"))


def _part(node: Node, name: str) -> str:
    """A child's value, stripped; "" when absent or not declared there.

    An address's street line is itself an element named ``address``: asking it for a city must
    answer "none", not raise.
    """
    return (node.text(name) or "").strip() if node.decl.has_child(name) else ""


def _has_location(report: Node) -> bool:
    for _, node in report.walk():
        name = node.decl.name
        if name == "estimatedLocation" and _part(node, "countryCode"):
            return True
        if name in ("address", "incidentAddress") and any(
            _part(node, part) for part in ("city", "zipCode", "state", "country")
        ):
            return True
        if name == "cellPhoneIncident" and node.get("latitude") and node.get("longitude"):
            return True
    return False


def referral_hints(
    report: Node, files: Sequence[Node] | None = None, path: str = "report", file_prefix: str = "fileDetails"
) -> list[Finding]:
    """The referral-readiness warnings for a report and (when known) its files' details.

    Files are addressed as ``{file_prefix}[i]``; pass ``files=None`` when they are not known (a
    report document validated on its own) to skip the file hints.
    """
    if report.get("batchedReport") is not None:
        return []
    return list(_hints(report, files, path, file_prefix))


def _hints(report: Node, files: Sequence[Node] | None, path: str, file_prefix: str) -> Iterator[Finding]:
    persons = report.all("personOrUserReported")
    first = f"{path}/personOrUserReported[0]"
    if not report.all("internetDetails"):
        yield _hint(
            f"{path}/internetDetails[0]",
            "referral-no-incident-details",
            "Say where the incident happened (web page, chat, email, ...).",
        )
    if not persons:
        yield _hint(first, "referral-no-reported-person", "The report names no reported user.")
    else:
        events = [e for p in persons for e in p.all("ipCaptureEvent")]
        uploads = [f.get("ipCaptureEvent") for f in files or ()]
        if not any(_complete_event(e) for e in events + [u for u in uploads if u is not None]):
            partial = "has IP addresses but none with both time and port" if events else "has no IP address"
            yield _hint(f"{first}/ipCaptureEvent[0]", "referral-no-ip-event", f"The reported user {partial}.")
        reachable = False
        for person in persons:
            holders = [h for h in [person.get("personOrUserReportedPerson"), *person.all("associatedAccount")] if h]
            reachable |= any(h.all("email") or h.all("phone") for h in holders)
        if not reachable:
            yield _hint(
                f"{first}/personOrUserReportedPerson/email[0]",
                "referral-no-contact",
                "The reported user has no email address or phone number.",
            )
    if not _has_location(report):
        yield _hint(
            f"{first}/estimatedLocation",
            "referral-no-location",
            "The report has no location: no estimated location, address or coordinates.",
        )
    summary = report.get("incidentSummary")
    incident = summary.text("incidentType") if summary is not None else None
    if (
        incident in enums.INCIDENT_TYPES_WITH_A_VICTIM
        and not report.all("victim")
        and not report.all("intendedRecipient")
    ):
        yield _hint(
            f"{path}/victim[0]", "referral-no-victim", f"A report of {incident} names no victim or intended recipient."
        )
    for index, details in enumerate(files or ()):
        yield from file_hints(details, f"{file_prefix}[{index}]")


def hash_list_matches(details: Node) -> list[str]:
    """The file's hash-list matches as its metadata records them (``HASH_MATCH_NAME`` entries)."""
    return [
        pair.text("value") or ""
        for meta in details.all("details")
        if meta.attributes.get("type") == "HASH"
        for pair in meta.all("nameValuePair")
        if pair.text("name") == HASH_MATCH_NAME
    ]


def file_hints(details: Node, path: str = "fileDetails") -> list[Finding]:
    """The referral-readiness warnings for one file's details."""
    viewed = details.text("fileViewedByEsp")
    matched = hash_list_matches(details)
    if (viewed is None or parse_boolean(viewed) is not True) and matched:
        return [
            _hint(
                f"{path}/fileViewedByEsp",
                "referral-file-hash-matched-not-viewed",
                f"Reported on a hash match ({matched[0]}), not viewed by anyone at your company.",
            )
        ]
    if viewed is None or parse_boolean(viewed) is not True:
        return [
            _hint(
                f"{path}/fileViewedByEsp",
                "referral-file-not-viewed",
                "No one at your company is recorded as having viewed this file. Say so only if it is true.",
            )
        ]
    return []
