"""NCMEC's cross-field and batched-report rules (docs/cybertipline-service.md §5, §6), each kept once and broken once.

Every case starts from a clean draft (a referral-quality report, or a valid batched report),
applies a change that keeps the rule and one that breaks it, and checks the finding codes.
"""

import pytest

from desktop_app.core.cybertipline.cross_rules import prior_report_rules
from desktop_app.core.cybertipline.findings import Severity
from tests.core.cybertipline.rule_cases import (
    P,
    Rule,
    account,
    add_file,
    annotations,
    assert_broken,
    assert_kept,
    both,
    details,
    disabled,
    location,
    person,
    set_attribute,
    set_in,
    summary,
    user,
    user_email,
    user_phone,
    victim_person,
)
from tests.core.cybertipline.samples import batched_draft, good_draft


def file_device(details):
    device = details.add("deviceId")
    device.add("idType", "IMEI")
    device.add("idValue", "356938035643809")


def file_exif(details):
    pair = details.add("details", type="EXIF").add("nameValuePair")
    pair.add("name", "Model")
    pair.add("value", "Example Phone 3")


RULES = [
    # cross-field
    Rule(
        "verified before a verification date",
        "verification-unverified",
        set_attribute(user_email, "verified", "1"),
        set_attribute(user_email, "verified", None),
        f"{P}/personOrUserReportedPerson/email[0]/@verificationDate",
    ),
    Rule(
        "verified false with a verification date",
        "verification-unverified",
        both(
            set_attribute(user_phone, "verified", True),
            set_attribute(user_phone, "verificationDate", "2025-01-01T00:00:00Z"),
        ),
        both(
            set_attribute(user_phone, "verified", False),
            set_attribute(user_phone, "verificationDate", "2025-01-01T00:00:00Z"),
        ),
        f"{P}/personOrUserReportedPerson/phone[0]/@verificationDate",
    ),
    Rule(
        "calling code in the number",
        "phone-includes-calling-code",
        set_in(person, "phone", "555 0100", countryCallingCode="+1"),
        set_in(person, "phone", "+1 555 0100", countryCallingCode="+1"),
        f"{P}/personOrUserReportedPerson/phone[0]",
    ),
    Rule(
        "approximate age xor date of birth",
        "age-and-birth-date",
        set_in(account, "dateOfBirth", "1990-01-01"),
        both(set_in(account, "dateOfBirth", "1990-01-01"), set_in(account, "approximateAge", 35)),
        f"{P}/associatedAccount[0]/dateOfBirth",
    ),
    Rule(
        "EXIF viewed implies file viewed",
        "exif-viewed-without-file",
        set_in(details, "exifViewedByEsp", True),
        both(set_in(details, "exifViewedByEsp", True), set_in(details, "fileViewedByEsp", False)),
        "fileDetails[0]/exifViewedByEsp",
    ),
    Rule(
        "email-incident addresses on a person",
        "incident-email-not-on-person",
        both(
            set_in(victim_person, "email", "user.two@example.net"),
            lambda d: (
                d.report.all("internetDetails")[1].get("emailIncident").add("emailAddress", "user.two@example.net")
            ),
        ),
        lambda d: d.report.all("internetDetails")[1].get("emailIncident").add("emailAddress", "stranger@example.net"),
        "report/internetDetails[1]/emailIncident/emailAddress[1]",
    ),
    # NCMEC gives no rule on case: domains compare without it (DNS), local parts exactly (cross_rules.email_key).
    Rule(
        "newsgroup addresses on a person, domain in any case",
        "incident-email-not-on-person",
        lambda d: d.report.add("internetDetails").add("newsgroupIncident").add("emailAddress", "user.one@EXAMPLE.Net"),
        lambda d: d.report.add("internetDetails").add("newsgroupIncident").add("emailAddress", "USER.ONE@example.net"),
        "report/internetDetails[2]/newsgroupIncident/emailAddress[0]",
    ),
    Rule(
        "email-incident address on a person whose domain is in capitals",
        "incident-email-not-on-person",
        both(
            set_in(person, "email", "user.one@Example.NET"),
            lambda d: (
                d.report.all("internetDetails")[1].get("emailIncident").add("emailAddress", "user.one@example.net")
            ),
        ),
        both(
            set_in(person, "email", "user.one@Example.NET"),
            lambda d: (
                d.report.all("internetDetails")[1].get("emailIncident").add("emailAddress", "User.One@example.net")
            ),
        ),
        "report/internetDetails[1]/emailIncident/emailAddress[1]",
    ),
    Rule(
        "supplemental file tagged as meme",
        "supplemental-with-meme",
        set_in(details, "fileRelevance", "Supplemental Reported"),
        both(set_in(details, "fileRelevance", "Supplemental Reported"), lambda d: annotations(d).add("potentialMeme")),
        "fileDetails[0]/fileRelevance",
    ),
    Rule(
        "supplemental file with the legacy meme flag",
        "supplemental-with-meme",
        both(set_in(details, "fileRelevance", "Supplemental Reported"), set_in(details, "potentialMeme", False)),
        both(set_in(details, "fileRelevance", "Supplemental Reported"), set_in(details, "potentialMeme", True)),
        "fileDetails[0]/fileRelevance",
    ),
    Rule(
        "supplemental file with a classification",
        "supplemental-with-classification",
        set_in(details, "industryClassification", "B2"),
        both(
            set_in(details, "fileRelevance", "Supplemental Reported"), set_in(details, "industryClassification", "B2")
        ),
        "fileDetails[0]/industryClassification",
    ),
    Rule(
        "one reported user unless batched",
        "multiple-reported-persons",
        lambda d: d.report.add("personOrUserReported").add("espIdentifier", "u-2003"),
        lambda d: d.report.remove("batchedReport"),
        "report/personOrUserReported[1]",
        base=batched_draft,
    ),
    Rule(
        "one reported user, plain report",
        "multiple-reported-persons",
        lambda d: None,
        lambda d: d.report.add("personOrUserReported").add("espIdentifier", "u-1002"),
        "report/personOrUserReported[1]",
    ),
    Rule(
        "submitter email",
        "reporting-person-email",
        lambda d: None,
        lambda d: d.report.get("reporter").get("reportingPerson").remove("email"),
        "report/reporter/reportingPerson/email[0]",
    ),
    Rule(
        "location country",
        "location-country-missing",
        lambda d: None,
        lambda d: location(d).remove("countryCode"),
        f"{P}/estimatedLocation/countryCode",
    ),
    Rule(
        "US region is a state",
        "location-region-not-us-state",
        set_in(location, "region", "DC"),
        set_in(location, "region", "Illinois"),
        f"{P}/estimatedLocation/region",
    ),
    Rule(
        "US city needs a region",
        "location-region-missing",
        both(lambda d: location(d).remove("region"), set_in(location, "countryCode", "FR")),
        lambda d: location(d).remove("region"),
        f"{P}/estimatedLocation/region",
    ),
    Rule(
        "notified after disabled",
        "notified-before-disabled",
        set_attribute(disabled, "userNotifiedDate", "2025-05-01T00:00:00Z"),
        set_attribute(disabled, "userNotifiedDate", "2025-04-30T23:59:59Z"),
        f"{P}/accountTemporarilyDisabled/@userNotifiedDate",
    ),
    Rule(
        "re-enabled after disabled",
        "reenabled-before-disabled",
        set_attribute(disabled, "reenabledDate", "2025-05-01T02:00:01+02:00"),
        set_attribute(disabled, "reenabledDate", "2025-05-01T02:00:00+02:00"),
        f"{P}/accountTemporarilyDisabled/@reenabledDate",
    ),
    # batched reports
    *[
        Rule(f"batched report without {name}", "batched-forbidden", lambda d: None, change, path, base=batched_draft)
        for name, change, path in [
            (
                "escalation",
                set_in(summary, "escalateToHighPriority", "urgent"),
                "report/incidentSummary/escalateToHighPriority",
            ),
            (
                "internet details",
                lambda d: d.report.add("internetDetails").add("webPageIncident"),
                "report/internetDetails[0]",
            ),
            (
                "law enforcement",
                lambda d: d.report.add("lawEnforcement").add("agencyName", "Example PD"),
                "report/lawEnforcement",
            ),
            ("intended recipient", lambda d: d.report.add("intendedRecipient"), "report/intendedRecipient[0]"),
            ("victim", lambda d: d.report.add("victim").add("victimPerson"), "report/victim[0]"),
            ("additional info", lambda d: d.report.add("additionalInfo", "more"), "report/additionalInfo"),
        ]
    ],
    Rule(
        "batched users carry only an account ID",
        "batched-person-fields",
        set_in(user, "espIdentifier", "u-9"),
        set_in(user, "screenName", "meme_sharer"),
        "report/personOrUserReported[0]",
        base=batched_draft,
    ),
    Rule(
        "batched users need an account ID",
        "batched-person-identifier",
        lambda d: None,
        lambda d: user(d).remove("espIdentifier"),
        "report/personOrUserReported[0]/espIdentifier",
        base=batched_draft,
    ),
    Rule(
        "batched report has exactly one file",
        "batched-file-count",
        lambda d: None,
        add_file,
        "report/batchedReport",
        base=batched_draft,
    ),
    Rule(
        "batched report without a file",
        "batched-file-count",
        lambda d: None,
        lambda d: d.files.clear(),
        "report/batchedReport",
        base=batched_draft,
    ),
    Rule(
        "batched file tagged viral or meme",
        "batched-file-annotation",
        both(lambda d: annotations(d).remove("viral"), lambda d: annotations(d).add("potentialMeme")),
        lambda d: details(d).remove("fileAnnotations"),
        "fileDetails[0]/fileAnnotations",
        base=batched_draft,
    ),
    Rule(
        "batched file with other tags",
        "batched-file-forbidden",
        lambda d: annotations(d).add("potentialMeme"),
        lambda d: annotations(d).add("generativeAi"),
        "fileDetails[0]/fileAnnotations/generativeAi",
        base=batched_draft,
    ),
    Rule(
        "batched file without a hash",
        "batched-file-forbidden",
        set_in(details, "industryClassification", "A1"),
        set_in(details, "originalFileHash", "0" * 32, hashType="MD5"),
        "fileDetails[0]/originalFileHash[0]",
        base=batched_draft,
    ),
    Rule(
        "batched file without an original name",
        "batched-file-forbidden",
        set_in(details, "publiclyAvailable", True),
        set_in(details, "originalFileName", "meme.jpg"),
        "fileDetails[0]/originalFileName",
        base=batched_draft,
    ),
    # the rest of what a batched report's file must not carry (docs/cybertipline-service.md §6);
    # each kept with a field it may carry
    *[
        Rule(f"batched file without {name}", "batched-file-forbidden", keep, fail, path, base=batched_draft)
        for name, keep, fail, path in [
            (
                "a location",
                set_in(details, "uploadedToEspTimestamp", "2025-05-30T20:55:00Z"),
                set_in(details, "locationOfFile", "https://forum.example.org/media/meme"),
                "fileDetails[0]/locationOfFile",
            ),
            (
                "an upload IP event",
                set_in(details, "publiclyAvailable", True),
                lambda d: details(d).add("ipCaptureEvent").add("ipAddress", "1.0.0.1"),
                "fileDetails[0]/ipCaptureEvent",
            ),
            (
                "a device",
                set_in(details, "exifViewedByEsp", True),
                lambda d: file_device(details(d)),
                "fileDetails[0]/deviceId[0]",
            ),
            (
                "metadata details",
                set_in(details, "industryClassification", "B1"),
                lambda d: file_exif(details(d)),
                "fileDetails[0]/details[0]",
            ),
            (
                "additional information",
                lambda d: annotations(d).add("potentialMeme"),
                set_in(details, "additionalInfo", "Seen in 40 groups."),
                "fileDetails[0]/additionalInfo[0]",
            ),
        ]
    ],
    Rule(
        "batched file is reported",
        "batched-file-relevance",
        set_in(details, "fileRelevance", "Reported"),
        set_in(details, "fileRelevance", "Supplemental Reported"),
        "fileDetails[0]/fileRelevance",
        base=batched_draft,
    ),
    # what the serializer would change, and likely typos
    Rule(
        "control characters",
        "xml-illegal-characters",
        set_in(lambda d: d.report, "additionalInfo", "tab\tok"),
        set_in(lambda d: d.report, "additionalInfo", "bell\x07"),
        "report/additionalInfo",
        severity=Severity.WARNING,
    ),
    Rule(
        "hash length",
        "hash-format",
        lambda d: None,
        set_in(details, "originalFileHash", "0123456789abcdef0123456789abcde", hashType="md5"),
        "fileDetails[0]/originalFileHash[0]",
        severity=Severity.WARNING,
    ),
    Rule(
        "legacy meme flag",
        "legacy-potential-meme",
        lambda d: annotations(d).add("potentialMeme"),
        set_in(details, "potentialMeme", True),
        "fileDetails[0]/potentialMeme",
        severity=Severity.HINT,
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_kept(rule):
    assert_kept(rule)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_broken(rule):
    assert_broken(rule)


# Needs the workspace's history, so it is not part of check_draft: the report service and the editor apply it.
def prior_unknown(draft, known):
    return [(f.path, f.severity) for f in prior_report_rules(draft.report, known) if f.code == "prior-report-unknown"]


def citing(*ids):
    draft = good_draft()
    for number in ids:
        user(draft).add("priorCTReports", number)
    account(draft).add("priorCTReport", 4564700)  # associatedAccount's element is singular
    return draft


def test_cited_reports_the_workspace_recorded_pass():
    assert prior_unknown(citing(4564654, 4564655), {4564654, 4564655, 4564700}) == []


def test_a_cited_report_the_workspace_never_recorded_is_a_warning():
    assert prior_unknown(citing(4564654, 4564655), {4564654}) == [
        (f"{P}/priorCTReports[1]", Severity.WARNING),
        (f"{P}/associatedAccount[0]/priorCTReport[0]", Severity.WARNING),
    ]


def test_a_malformed_citation_is_left_to_the_range_and_type_checks():
    draft = good_draft()
    user(draft).add("priorCTReports", 0)
    user(draft).add("priorCTReports", "CT-12")
    assert prior_unknown(draft, set()) == []
