"""NCMEC's single-value rules (docs/cybertipline-service.md §5): lengths, formats, ranges, time.

Each kept once, broken once.

Every case starts from a clean draft (a referral-quality report, or a valid batched report),
applies a change that keeps the rule and one that breaks it, and checks the finding codes.
"""

import pytest

from desktop_app.core.cybertipline.findings import Severity
from tests.core.cybertipline.rule_cases import (
    P,
    Rule,
    account,
    address,
    assert_broken,
    assert_kept,
    cell_phone,
    details,
    device,
    disabled,
    location,
    login,
    person,
    set_attribute,
    set_in,
    summary,
    user,
    user_email,
    victim_person,
)

RULES = [
    # lengths, counted as NCMEC's Java server counts them
    Rule(
        "platform length",
        "too-long",
        set_in(summary, "platform", "p" * 256),
        set_in(summary, "platform", "p" * 257),
        "report/incidentSummary/platform",
    ),
    Rule(
        "name length in UTF-16 units",
        "too-long",
        set_in(person, "firstName", "😀" * 50),
        set_in(person, "firstName", "😀" * 51),
        f"{P}/personOrUserReportedPerson/firstName",
    ),
    Rule(
        "hash type length",
        "too-long",
        set_attribute(lambda d: details(d).get("originalFileHash"), "hashType", "H" * 64),
        set_attribute(lambda d: details(d).get("originalFileHash"), "hashType", "H" * 65),
        "fileDetails[0]/originalFileHash[0]/@hashType",
    ),
    # non-blank
    Rule(
        "escalation reason",
        "blank",
        set_in(summary, "escalateToHighPriority", "A child is at immediate risk."),
        set_in(summary, "escalateToHighPriority", "  \n"),
        "report/incidentSummary/escalateToHighPriority",
    ),
    Rule("device id type", "blank", lambda d: device(d, "IMEI"), lambda d: device(d, " "), f"{P}/deviceId[0]/idType"),
    Rule(
        "device id value",
        "blank",
        lambda d: device(d, "IMEI", "356938035643809"),
        lambda d: device(d, "IMEI", "\t "),
        f"{P}/deviceId[0]/idValue",
    ),
    Rule(
        "IP address present",
        "blank",
        set_in(login, "ipAddress", "1.0.0.1"),
        set_in(login, "ipAddress", "   "),
        f"{P}/ipCaptureEvent[0]/ipAddress",
    ),
    Rule(
        "upload IP address present",
        "blank",
        set_in(lambda d: details(d).get("ipCaptureEvent"), "ipAddress", "2001:4860:4860::8844"),
        set_in(lambda d: details(d).get("ipCaptureEvent"), "ipAddress", ""),
        "fileDetails[0]/ipCaptureEvent/ipAddress",
    ),
    Rule(
        "file id",
        "blank",
        set_in(details, "fileId", "b0754af766b426f2928a02c651ed4b99"),
        set_in(details, "fileId", "   "),
        "fileDetails[0]/fileId",
    ),
    # formats
    Rule(
        "profile URL with a space",
        "invalid-url",
        set_in(user, "profileUrl", "https://forum.example.org/u/a?tab=1#top"),
        set_in(user, "profileUrl", "https://forum.example.org/u/user one"),
        f"{P}/profileUrl[0]",
    ),
    Rule(
        "URL scheme",
        "invalid-url",
        set_in(details, "locationOfFile", "ftp://files.example.org/a.jpg"),
        set_in(details, "locationOfFile", "javascript:alert(1)"),
        "fileDetails[0]/locationOfFile",
    ),
    Rule(
        "URL without host",
        "invalid-url",
        set_in(lambda d: d.report.get("reporter"), "legalURL", "http://example.org"),
        set_in(lambda d: d.report.get("reporter"), "legalURL", "https:///legal"),
        "report/reporter/legalURL",
    ),
    Rule(
        "IP address",
        "invalid-ip",
        set_in(login, "ipAddress", "2001:4860:4860::8888"),
        set_in(login, "ipAddress", "203.0.113.300"),
        f"{P}/ipCaptureEvent[0]/ipAddress",
    ),
    Rule(
        "private IP address",
        "ip-not-public",
        set_in(login, "ipAddress", "::ffff:93.184.216.34"),
        set_in(login, "ipAddress", "192.168.1.20"),
        f"{P}/ipCaptureEvent[0]/ipAddress",
        severity=Severity.WARNING,
    ),
    Rule(
        "email without a domain",
        "invalid-email",
        set_in(lambda d: d.report.get("reporter").get("reportingPerson"), "email", "first.last+tag@mail.example.co.uk"),
        set_in(lambda d: d.report.get("reporter").get("reportingPerson"), "email", "trust@localhost"),
        "report/reporter/reportingPerson/email[0]",
    ),
    Rule(
        "email local part over 64",
        "invalid-email",
        set_in(victim_person, "email", "v" * 64 + "@example.org"),
        set_in(victim_person, "email", "v" * 65 + "@example.org"),
        "report/victim[0]/victimPerson/email[0]",
    ),
    Rule(
        "email with a space",
        "invalid-email",
        set_in(victim_person, "email", "a.b@example.org"),
        set_in(victim_person, "email", "a b@example.org"),
        "report/victim[0]/victimPerson/email[0]",
    ),
    Rule(
        "country code",
        "invalid-country",
        set_in(location, "countryCode", "DE"),
        set_in(location, "countryCode", "Germany"),
        f"{P}/estimatedLocation/countryCode",
    ),
    Rule(
        "address country",
        "invalid-country",
        set_in(address, "country", "GB"),
        set_in(address, "country", "gb"),
        f"{P}/personOrUserReportedPerson/address[0]/country",
    ),
    Rule(
        "US state",
        "invalid-state",
        set_in(address, "state", "CA"),
        set_in(address, "state", "California"),
        f"{P}/personOrUserReportedPerson/address[0]/state",
    ),
    # ranges
    Rule(
        "age",
        "out-of-range",
        set_in(victim_person, "age", 150),
        set_in(victim_person, "age", 151),
        "report/victim[0]/victimPerson/age",
    ),
    Rule(
        "approximate age",
        "out-of-range",
        set_in(account, "approximateAge", 0),
        set_in(account, "approximateAge", -1),
        f"{P}/associatedAccount[0]/approximateAge",
    ),
    Rule("port", "out-of-range", set_in(login, "port", 65535), set_in(login, "port", 0), f"{P}/ipCaptureEvent[0]/port"),
    Rule(
        "port above 65535",
        "out-of-range",
        set_in(login, "port", 1),
        set_in(login, "port", 65536),
        f"{P}/ipCaptureEvent[0]/port",
    ),
    Rule(
        "latitude",
        "out-of-range",
        set_in(cell_phone, "latitude", -90.0),
        set_in(cell_phone, "latitude", 90.5),
        "report/internetDetails[2]/cellPhoneIncident/latitude",
    ),
    Rule(
        "prior report id",
        "out-of-range",
        set_in(user, "priorCTReports", 250799407),
        set_in(user, "priorCTReports", 0),
        f"{P}/priorCTReports[0]",
    ),
    # time: in the past, with a zone
    Rule(
        "incident time",
        "not-in-past",
        set_in(summary, "incidentDateTime", "2025-06-01T13:59:59+02:00"),
        set_in(summary, "incidentDateTime", "2025-06-01T12:00:01Z"),
        "report/incidentSummary/incidentDateTime",
    ),
    Rule(
        "upload time",
        "not-in-past",
        set_in(details, "uploadedToEspTimestamp", "2025-06-01T11:00:00Z"),
        set_in(details, "uploadedToEspTimestamp", "2026-01-01T00:00:00Z"),
        "fileDetails[0]/uploadedToEspTimestamp",
    ),
    Rule(
        "date of birth",
        "not-in-past",
        set_in(victim_person, "dateOfBirth", "2012-01-01"),
        set_in(victim_person, "dateOfBirth", "2030-01-01"),
        "report/victim[0]/victimPerson/dateOfBirth",
    ),
    Rule(
        "disabled date",
        "not-in-past",
        set_attribute(disabled, "disabledDate", "2025-05-01T00:00:00Z"),
        set_attribute(disabled, "disabledDate", "2025-07-01T00:00:00Z"),
        f"{P}/accountTemporarilyDisabled/@disabledDate",
    ),
    Rule(
        "IP event zone",
        "missing-timezone",
        set_in(login, "dateTime", "2025-05-30T21:15:00-07:00"),
        set_in(login, "dateTime", "2025-05-30T21:15:00"),
        f"{P}/ipCaptureEvent[0]/dateTime",
    ),
    Rule(
        "verification date zone",
        "missing-timezone",
        set_attribute(user_email, "verificationDate", "2025-01-01T00:00:00+05:30"),
        set_attribute(user_email, "verificationDate", "2025-01-01T00:00:00"),
        f"{P}/personOrUserReportedPerson/email[0]/@verificationDate",
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_kept(rule):
    assert_kept(rule)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_broken(rule):
    assert_broken(rule)
