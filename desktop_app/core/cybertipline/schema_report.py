"""The declaration of ``<report>``, the document opened with ``/submit`` (cybertipline-mapping.md).

Element order is the XSD's sequence order: the serializer writes children in the order declared
here, which is what NCMEC's validator insists on.
"""

from dataclasses import replace

from desktop_app.core.cybertipline import enums
from desktop_app.core.cybertipline.schema_accounts import account_fields
from desktop_app.core.cybertipline.schema_common import contact_person, person
from desktop_app.core.cybertipline.schema_incident import INCIDENT_SUMMARY, INTERNET_DETAILS
from desktop_app.core.cybertipline.schema_types import (
    UNBOUNDED,
    Content,
    ElementDecl,
    Format,
    attribute,
    boolean,
    group,
    text,
)

_LAW_ENFORCEMENT = group(
    "lawEnforcement",
    "Law enforcement",
    "Fill in if you already reported this to law enforcement, or the request came from them.",
    (
        text("agencyName", "Agency", "The law enforcement agency involved.", min_occurs=1, max_length=255),
        text("caseNumber", "Case number", "Their case number, if known.", max_length=100),
        contact_person("officerContact", "Officer", "The investigator or officer on the case."),
        boolean(
            "reportedToLe",
            "You reported it to law enforcement",
            "Your company reported this incident to law enforcement.",
        ),
        boolean(
            "servedLegalProcessDomestic",
            "Domestic legal process served",
            "US law enforcement served legal process about this user or incident.",
        ),
        boolean(
            "servedLegalProcessInternational",
            "International legal process served",
            "Law enforcement outside the US served legal process about this user or incident.",
            attributes=(
                attribute(
                    "fleaCountry",
                    "Country",
                    "The country that served legal process.",
                    values=enums.COUNTRIES,
                    enum_name="country",
                ),
            ),
        ),
    ),
)

_REPORTER = group(
    "reporter",
    "Reporter",
    "Your company and the person submitting the report. Usually filled from your saved reporter profile.",
    (
        person(
            "reportingPerson",
            "Submitted by",
            "The person submitting the report, with the company's address. "
            "NCMEC requires an email address: the receipt goes there.",
            min_occurs=1,
        ),
        contact_person(
            "contactPerson",
            "Contact for law enforcement",
            "Someone other than the submitter whom law enforcement should contact about the report.",
        ),
        text(
            "companyTemplate",
            "Company statement",
            "Text you want in every report: company details, how to serve "
            "legal process, data retention, a 24-hour emergency number.",
        ),
        text("termsOfService", "Terms of service", "The terms of service relevant to this incident."),
        text(
            "legalURL",
            "Legal information URL",
            "A web page with further information for law enforcement.",
            max_length=2083,
            fmt=Format.URL,
        ),
    ),
    min_occurs=1,
)


def _account_section(
    name: str,
    label: str,
    help: str,
    whose: str,
    order: tuple[str, ...],
    first: tuple[ElementDecl, ...],
    extra: dict[str, ElementDecl],
) -> ElementDecl:
    fields = {**account_fields(whose), **extra}
    return group(name, label, help, (*first, *(fields[n] for n in order)), max_occurs=UNBOUNDED)


_REPORTED = _account_section(
    "personOrUserReported",
    "Reported user",
    "The person or account the report is about. Only one unless the report is batched.",
    "the reported user",
    (
        "vehicleDescription",
        "espIdentifier",
        "espService",
        "compromisedAccount",
        "screenName",
        "displayName",
        "profileUrl",
        "profileBio",
        "ipCaptureEvent",
        "deviceId",
        "thirdPartyUserReported",
        "priorCTReports",
        "groupIdentifier",
        "accountTemporarilyDisabled",
        "accountPermanentlyDisabled",
        "estimatedLocation",
        "allEmailsReported",
        "associatedAccount",
        "additionalInfo",
    ),
    (person("personOrUserReportedPerson", "Person", "Name, contact details and age of the reported user."),),
    {
        "vehicleDescription": text(
            "vehicleDescription", "Vehicle", "A description of the reported person's vehicle.", max_length=300
        ),
        "thirdPartyUserReported": boolean(
            "thirdPartyUserReported",
            "User of another company's service",
            "The user is on another company's service; you have nothing more.",
        ),
    },
)

_RECIPIENT_FIELDS = _account_section(
    "intendedRecipient",
    "Intended recipient",
    "Someone the content or messages were meant for.",
    "the intended recipient",
    (
        "espIdentifier",
        "espService",
        "compromisedAccount",
        "screenName",
        "displayName",
        "profileUrl",
        "profileBio",
        "ipCaptureEvent",
        "deviceId",
        "priorCTReports",
        "groupIdentifier",
        "accountTemporarilyDisabled",
        "accountPermanentlyDisabled",
        "estimatedLocation",
        "allEmailsReported",
        "additionalInfo",
    ),
    (person("intendedRecipientPerson", "Person", "Name, contact details and age of the intended recipient."),),
    {},
)
# The XSD lets an intended recipient carry several additional-information notes (cybertipline-service.md §4).
_RECIPIENT = replace(
    _RECIPIENT_FIELDS,
    children=tuple(
        replace(c, max_occurs=UNBOUNDED) if c.name == "additionalInfo" else c for c in _RECIPIENT_FIELDS.children
    ),
)

_VICTIM = _account_section(
    "victim",
    "Child victim",
    "A child victim. Every detail helps law enforcement find and protect the child.",
    "the victim",
    (
        "espIdentifier",
        "espService",
        "compromisedAccount",
        "screenName",
        "displayName",
        "profileUrl",
        "profileBio",
        "ipCaptureEvent",
        "deviceId",
        "schoolName",
        "priorCTReports",
        "accountTemporarilyDisabled",
        "accountPermanentlyDisabled",
        "estimatedLocation",
        "allEmailsReported",
        "associatedAccount",
        "additionalInfo",
    ),
    (
        person(
            "victimPerson",
            "Person",
            "Name, contact details and age of the victim (all may be left empty).",
            min_occurs=1,
        ),
    ),
    {"schoolName": text("schoolName", "School", "The victim's school.", max_length=255)},
)

REPORT = group(
    "report",
    "CyberTipline report",
    "A report to NCMEC's CyberTipline.",
    (
        ElementDecl(
            "batchedReport",
            "Batched report",
            "Report many users who shared the same viral or meme file in one report (exactly one file).",
            content=Content.EMPTY,
            attributes=(
                attribute(
                    "reason",
                    "Reason",
                    "Why the reports are batched.",
                    required=True,
                    values=enums.BATCHED_REPORT_REASONS,
                    enum_name="batchedReportReason",
                ),
            ),
        ),
        INCIDENT_SUMMARY,
        INTERNET_DETAILS,
        _LAW_ENFORCEMENT,
        _REPORTER,
        _REPORTED,
        _RECIPIENT,
        _VICTIM,
        text("additionalInfo", "Additional information", "Anything about the incident no other section covers."),
    ),
    min_occurs=1,
)
