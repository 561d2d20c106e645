"""Synthetic CyberTipline documents for the tests: a maximal filler driven by the declarations, and a
hand-built referral-quality draft the rule tests break one rule at a time. All names, addresses and
identifiers are made up (example domains, documentation-style values)."""

from datetime import UTC, datetime

from desktop_app.core.cybertipline.model import DraftFile, Node, ReportDraft, new_file_details, new_report
from desktop_app.core.cybertipline.schema_types import AttributeDecl, Content, ElementDecl, Format, XsdType

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PUBLIC_IP = "93.184.216.34"

_BY_TYPE = {
    XsdType.BOOLEAN: "true",
    XsdType.DATE_TIME: "2024-03-01T12:00:00Z",
    XsdType.DATE: "2008-05-01",
    XsdType.DOUBLE: "12.5",
    XsdType.INT: "30",
    XsdType.LONG: "4564654",
}
_BY_FORMAT = {Format.URL: "https://example.org/page", Format.IP: PUBLIC_IP, Format.EMAIL: "someone@example.org"}
_BY_NAME = {
    "phone": "555 0100",
    "phoneNumber": "555 0101",
    "countryCallingCode": "+1",
    "extension": "12",
    "hashType": "MD5",
    "originalFileHash": "0123456789abcdef0123456789abcdef",
    "port": "443",
    "region": "IL",
    "fileId": "b0754af766b426f2928a02c651ed4b99",
}


def sample_value(decl: ElementDecl | AttributeDecl) -> str:
    """A value valid for the declaration (and for NCMEC's single-value rules)."""
    if isinstance(decl, ElementDecl) and decl.fixed is not None:
        return ""
    if decl.name in _BY_NAME:
        return _BY_NAME[decl.name]
    if decl.enum:
        return "US" if decl.enum_name == "country" else next(v for v in decl.enum if v)
    if isinstance(decl, ElementDecl) and decl.format is not None:
        return _BY_FORMAT[decl.format]
    if decl.type in _BY_TYPE:
        return _BY_TYPE[decl.type]
    text = f"sample {decl.name}"
    return text[: decl.max_length] if decl.max_length else text


def maximal(decl: ElementDecl, prefer: str = "fileAnnotations") -> Node:
    """Every element and attribute under ``decl`` at least once (each choice alternative in its own
    occurrence; of an exclusive group only ``prefer``)."""
    node = Node(decl)
    if decl.has_value:
        node.value = sample_value(decl)
    for attribute in decl.attributes:
        node.attributes[attribute.name] = sample_value(attribute)
    for child in decl.children:
        if child.exclusive_group and child.name != prefer:
            continue
        if child.content is Content.CHOICE:
            for alternative in child.children:
                holder = Node(child)
                holder.append(maximal(alternative, prefer))
                node.append(holder)
        else:
            node.append(maximal(child, prefer))
    return node


def minimal_report() -> Node:
    report = new_report()
    summary = report.add("incidentSummary")
    summary.add("incidentType", "Child Pornography (possession, manufacture, and distribution)")
    summary.add("incidentDateTime", "2012-10-15T08:00:00-07:00")
    person = report.add("reporter").add("reportingPerson")
    person.add("firstName", "Sam")
    person.add("lastName", "Reviewer")
    person.add("email", "sam.reviewer@example.org")
    return report


def minimal_file_details() -> Node:
    details = new_file_details()
    details.add("reportId", 4564654)
    details.add("fileId", "b0754af766b426f2928a02c651ed4b99")
    return details


def good_file(name: str = "upload-1.jpg") -> DraftFile:
    details = new_file_details()
    details.add("originalFileName", name)
    details.add("uploadedToEspTimestamp", "2025-05-30T20:55:00Z")
    details.add("locationOfFile", "https://forum.example.org/media/abc123")
    details.add("fileViewedByEsp", True)
    details.add("fileRelevance", "Reported")
    details.add("originalFileHash", "0123456789abcdef0123456789abcdef", hashType="MD5")
    upload = details.add("ipCaptureEvent")
    upload.add("ipAddress", PUBLIC_IP)
    upload.add("eventName", "Upload")
    upload.add("dateTime", "2025-05-30T20:55:00Z")
    upload.add("port", 51234)
    return DraftFile(details, item_id="item-1")


def good_draft() -> ReportDraft:
    """A referral-quality report with one file: no errors, no warnings."""
    report = new_report()
    summary = report.add("incidentSummary")
    summary.add("incidentType", "Online Enticement of Children for Sexual Acts")
    summary.add("platform", "Example Forum")
    summary.add("incidentDateTime", "2025-05-30T21:15:00-04:00")
    chat = report.add("internetDetails").add("chatImIncident")
    chat.add("chatClient", "Example Forum direct messages")
    chat.add("content", "Transcript attached as a file.")
    mail = report.add("internetDetails").add("emailIncident")
    mail.add("emailAddress", "user.one@example.net")
    reporter = report.add("reporter")
    submitter = reporter.add("reportingPerson")
    submitter.add("firstName", "Alex")
    submitter.add("lastName", "Reviewer")
    submitter.add("email", "trust@example.org", type="Work")
    reporter.add("legalURL", "https://example.org/legal")
    user = report.add("personOrUserReported")
    person = user.add("personOrUserReportedPerson")
    person.add("phone", "555 0100", type="Mobile", countryCallingCode="+1")
    person.add("email", "user.one@example.net", verified=True, verificationDate="2025-01-01T00:00:00Z")
    user.add("espIdentifier", "u-1001")
    user.add("screenName", "user_one")
    user.add("profileUrl", "https://forum.example.org/u/user_one")
    login = user.add("ipCaptureEvent")
    login.add("ipAddress", PUBLIC_IP)
    login.add("eventName", "Login")
    login.add("dateTime", "2025-05-30T21:00:00Z")
    login.add("port", 51234)
    location = user.add("estimatedLocation")
    location.add("city", "Springfield")
    location.add("region", "IL")
    location.add("countryCode", "US")
    victim = report.add("victim")
    victim.add("victimPerson").add("age", 13)
    victim.add("screenName", "user_two")
    return ReportDraft(report, [good_file()])


def batched_draft() -> ReportDraft:
    """A valid batched (viral meme) report: two users by account ID only, one tagged file."""
    report = new_report()
    report.add("batchedReport", reason="VIRAL_POTENTIAL_MEME")
    summary = report.add("incidentSummary")
    summary.add("incidentType", "Child Pornography (possession, manufacture, and distribution)")
    summary.add("incidentDateTime", "2025-05-30T21:15:00Z")
    report.add("reporter").add("reportingPerson").add("email", "trust@example.org")
    for account in ("u-2001", "u-2002"):
        report.add("personOrUserReported").add("espIdentifier", account)
    details = new_file_details()
    details.add("fileViewedByEsp", True)
    details.add("fileRelevance", "Reported")
    details.add("fileAnnotations").add("viral")
    return ReportDraft(report, [DraftFile(details)])
