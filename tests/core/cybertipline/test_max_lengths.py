"""Every maximum length NCMEC documents (docs/cybertipline-service.md §5), pinned.

The table is written from NCMEC's documentation, by type as it gives them, not from the model; the tests
compare it with the model's declarations both ways, so a length changed in either shows here, and
a declared length the digest does not give (or a documented one the model lacks) fails too.
Lengths count UTF-16 code units, as NCMEC's Java server does (``rules.utf16_length``).
"""

from datetime import UTC, datetime

import pytest

from desktop_app.core.cybertipline.rules import check_value
from desktop_app.core.cybertipline.schema import ROOTS, decl_at, iter_decls

URL = 2083


def under(prefix: str, table: dict[str, int]) -> dict[str, int]:
    return {f"{prefix}/{path}" if path else prefix: limit for path, limit in table.items()}


# §3.11 common types
ADDRESS = {"address": 255, "city": 100, "zipCode": 20, "nonUsaState": 100}
PHONE = {"": 50, "@extension": 10}
EMAIL = {"": 255}  # and the local part at most 64: a format rule (test_rules_fields: "email local part over 64")
PERSON = {
    "firstName": 100,
    "lastName": 100,
    **under("phone", PHONE),
    **under("email", EMAIL),
    **under("address", ADDRESS),
}
DEVICE = {"idType": 255, "idValue": URL}
LOCATION = {"city": 255, "region": 255}
# §3.10
ACCOUNT = {
    "platform": 256,
    "firstName": 256,
    "middleName": 256,
    "lastName": 256,
    **under("phone", PHONE),
    **under("email", EMAIL),
    **under("address", ADDRESS),
    "espService": 256,
    "espIdentifier": 256,
    "profileUrl": URL,
    "screenName": 256,
    "displayName": 255,
    "groupIdentifier": 256,
    **under("deviceId", DEVICE),
}
# §3.7; §3.8 "same length limits as §3.7"; §3.9 the same fields
ONLINE = {
    "espIdentifier": 255,
    "espService": 100,
    "screenName": 256,
    "displayName": 255,
    "profileUrl": URL,
    **under("deviceId", DEVICE),
    **under("estimatedLocation", LOCATION),
}

EXPECTED: dict[str, int] = {
    # §3.3
    "report/incidentSummary/platform": 256,
    "report/incidentSummary/escalateToHighPriority": 3000,
    "report/incidentSummary/incidentDateTimeDescription": 3000,
    # §3.4
    "report/internetDetails/webPageIncident/url": URL,
    **under("report/internetDetails/emailIncident/emailAddress", EMAIL),
    "report/internetDetails/newsgroupIncident/name": 255,
    **under("report/internetDetails/newsgroupIncident/emailAddress", EMAIL),
    "report/internetDetails/chatImIncident/chatClient": 255,
    "report/internetDetails/chatImIncident/chatRoomName": 255,
    "report/internetDetails/onlineGamingIncident/gameName": 255,
    "report/internetDetails/onlineGamingIncident/console": 255,
    **under("report/internetDetails/cellPhoneIncident/phoneNumber", PHONE),
    "report/internetDetails/nonInternetIncident/locationName": 255,
    **under("report/internetDetails/nonInternetIncident/incidentAddress", ADDRESS),
    "report/internetDetails/peer2peerIncident/client": 255,
    # §3.5 (contactPerson: first and last name are person names, 100)
    "report/lawEnforcement/agencyName": 255,
    "report/lawEnforcement/caseNumber": 100,
    **under("report/lawEnforcement/officerContact", PERSON),
    # §3.6 (termsOfService has no documented limit: a 3000 some clients use is one client's own cap)
    **under("report/reporter/reportingPerson", PERSON),
    **under("report/reporter/contactPerson", PERSON),
    "report/reporter/legalURL": URL,
    # §3.7
    **under("report/personOrUserReported/personOrUserReportedPerson", PERSON),
    "report/personOrUserReported/vehicleDescription": 300,
    **under("report/personOrUserReported", ONLINE),
    "report/personOrUserReported/groupIdentifier": 255,
    **under("report/personOrUserReported/associatedAccount", ACCOUNT),
    # §3.8
    **under("report/intendedRecipient/intendedRecipientPerson", PERSON),
    **under("report/intendedRecipient", ONLINE),
    "report/intendedRecipient/groupIdentifier": 255,
    # §3.9 (no groupIdentifier; a school)
    **under("report/victim/victimPerson", PERSON),
    **under("report/victim", ONLINE),
    "report/victim/schoolName": 255,
    **under("report/victim/associatedAccount", ACCOUNT),
    # §3.12
    "fileDetails/originalFileName": 2056,
    "fileDetails/locationOfFile": URL,
    "fileDetails/originalFileHash/@hashType": 64,
    **under("fileDetails/deviceId", DEVICE),
    "fileDetails/details/nameValuePair/name": 64,
}


def declared() -> dict[str, int]:
    found: dict[str, int] = {}
    for root in ROOTS.values():
        for path, decl in iter_decls(root):
            if decl.max_length is not None:
                found[path] = decl.max_length
            for attribute in decl.attributes:
                if attribute.max_length is not None:
                    found[f"{path}/@{attribute.name}"] = attribute.max_length
    return found


@pytest.mark.parametrize(("path", "limit"), sorted(EXPECTED.items()), ids=sorted(EXPECTED))
def test_the_model_declares_the_documented_length_and_enforces_it(path, limit):
    decl = decl_at(path)
    assert decl.max_length == limit
    now = datetime(2025, 6, 1, tzinfo=UTC)
    # The length rule alone: an address or URL of the maximal length is not a valid one, so format findings
    # may come too.
    assert "too-long" not in {f.code for f in check_value(decl, "x" * limit, path, now)}
    assert "too-long" in {f.code for f in check_value(decl, "x" * (limit + 1), path, now)}


def test_the_model_declares_no_length_the_digest_does_not_give():
    assert sorted(set(declared()) - set(EXPECTED)) == []
