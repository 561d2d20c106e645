"""Referral-readiness hints: warnings (never errors) that say what is missing and why it matters."""

import pytest

from desktop_app.core.cybertipline.findings import Severity
from desktop_app.core.cybertipline.referral import HASH_MATCH_NAME, WHY, referral_hints
from desktop_app.core.cybertipline.validate import check_draft, check_report
from tests.core.cybertipline.samples import NOW, batched_draft, good_draft, minimal_report

P = "report/personOrUserReported[0]"


def user(d):
    return d.report.get("personOrUserReported")


def remove_ip_port(d):
    user(d).get("ipCaptureEvent").remove("port")
    d.files[0].details.get("ipCaptureEvent").remove("port")


def keep_only_upload_ip(d):
    user(d).remove("ipCaptureEvent")  # the file's upload event names time and port


def remove_contact(d):
    person = user(d).get("personOrUserReportedPerson")
    person.remove("email")
    person.remove("phone")
    d.report.remove("internetDetails", 1)  # its address was the user's: keep the report otherwise valid


def contact_on_associated_account(d):
    remove_contact(d)
    user(d).add("associatedAccount", type="Billing").add("phone", "555 0199")


def remove_location(d):
    user(d).remove("estimatedLocation")


def location_from_an_offline_address(d):
    remove_location(d)
    d.report.add("internetDetails").add("nonInternetIncident").add("incidentAddress").add("city", "Springfield")


def remove_victim(d):
    d.report.remove("victim")


def recipient_instead_of_victim(d):
    remove_victim(d)
    d.report.add("intendedRecipient").add("screenName", "user_two")


def victimless_incident_type(d):
    remove_victim(d)
    d.report.get("incidentSummary").set("incidentType", "Misleading Domain Name")


def file_not_viewed(d):
    d.files[0].details.set("fileViewedByEsp", False)


def file_view_unknown(d):
    d.files[0].details.remove("fileViewedByEsp")


def hash_matched(d):
    metadata = d.files[0].details.add("details", type="HASH")
    pair = metadata.add("nameValuePair")
    pair.add("name", HASH_MATCH_NAME)
    pair.add("value", 'PDQ distance 4, list "Industry"')


def hash_matched_not_viewed(d):
    hash_matched(d)
    file_not_viewed(d)


CASES = [
    ("referral-no-ip-event", keep_only_upload_ip, remove_ip_port, f"{P}/ipCaptureEvent[0]"),
    ("referral-no-contact", contact_on_associated_account, remove_contact, f"{P}/personOrUserReportedPerson/email[0]"),
    ("referral-no-location", location_from_an_offline_address, remove_location, f"{P}/estimatedLocation"),
    ("referral-no-victim", recipient_instead_of_victim, remove_victim, "report/victim[0]"),
    ("referral-no-victim", victimless_incident_type, remove_victim, "report/victim[0]"),
    ("referral-file-not-viewed", lambda d: None, file_not_viewed, "fileDetails[0]/fileViewedByEsp"),
    ("referral-file-not-viewed", lambda d: None, file_view_unknown, "fileDetails[0]/fileViewedByEsp"),
    ("referral-file-hash-matched-not-viewed", hash_matched, hash_matched_not_viewed, "fileDetails[0]/fileViewedByEsp"),
    ("referral-no-reported-person", lambda d: None, lambda d: d.report.remove("personOrUserReported"), P),
    (
        "referral-no-incident-details",
        lambda d: d.report.remove("internetDetails", 0),
        lambda d: d.report.remove("internetDetails"),
        "report/internetDetails[0]",
    ),
]


@pytest.mark.parametrize(("code", "keep", "fail", "path"), CASES, ids=[f"{c[0]}-{c[2].__name__}" for c in CASES])
def test_referral_hint(code, keep, fail, path):
    kept = good_draft()
    keep(kept)
    assert code not in {f.code for f in check_draft(kept, now=NOW)}

    broken = good_draft()
    fail(broken)
    (found,) = [f for f in check_draft(broken, now=NOW) if f.code == code]
    assert found.path == path
    assert found.severity is Severity.WARNING
    assert found.why == WHY[code] and len(found.why.splitlines()) == 1 and len(found.why) > 40
    assert "why" in found.to_json()


def test_every_hint_has_a_reason_and_a_test():
    assert {c[0] for c in CASES} == set(WHY)


def test_a_bare_report_gets_every_report_level_hint_and_no_errors():
    codes = [f.code for f in check_report(minimal_report(), now=NOW)]
    assert codes == ["referral-no-incident-details", "referral-no-reported-person", "referral-no-location"]


def test_a_batched_report_gets_no_hints():
    draft = batched_draft()
    draft.files[0].details.set("fileViewedByEsp", False)
    assert referral_hints(draft.report, [f.details for f in draft.files]) == []
    assert check_draft(draft, now=NOW) == []
