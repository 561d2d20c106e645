"""Shared machinery for the business-rule tests: a rule case keeps or breaks one rule of a clean draft."""

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.cybertipline.findings import Severity
from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.cybertipline.validate import check_draft
from tests.core.cybertipline.samples import NOW, good_draft, good_file

Change = Callable[[ReportDraft], None]


def user(d):
    return d.report.get("personOrUserReported")


def person(d):
    return user(d).get("personOrUserReportedPerson")


def summary(d):
    return d.report.get("incidentSummary")


def details(d):
    return d.files[0].details


def set_in(get, name, value, **attributes) -> Change:
    return lambda d: get(d).set(name, value, **attributes)


def set_attribute(get, name, value) -> Change:
    return lambda d: get(d).set_attribute(name, value)


def login(d):
    return user(d).get("ipCaptureEvent")


def location(d):
    return user(d).get("estimatedLocation")


def user_email(d):
    return person(d).get("email")


def user_phone(d):
    return person(d).get("phone")


def victim_person(d):
    return d.report.get("victim").get("victimPerson")


def account(d):
    found = user(d).get("associatedAccount")
    return found if found is not None else user(d).add("associatedAccount", type="Linked")


def address(d):
    found = person(d).get("address")
    return found if found is not None else person(d).add("address", type="Home")


def cell_phone(d):
    return d.report.add("internetDetails").add("cellPhoneIncident")


def disabled(d):
    found = user(d).get("accountTemporarilyDisabled")
    return (
        found
        if found is not None
        else user(d).add("accountTemporarilyDisabled", True, disabledDate="2025-05-01T00:00:00Z")
    )


def both(*changes: Change) -> Change:
    def run(d):
        for change in changes:
            change(d)

    return run


def annotations(d):
    return details(d).ensure("fileAnnotations")


def add_file(d):
    d.files.append(good_file("upload-2.jpg"))


@dataclass
class Rule:
    name: str
    code: str
    keep: Change
    fail: Change
    path: str | None = None
    base: Callable[[], ReportDraft] = good_draft
    severity: Severity = Severity.ERROR


P = "report/personOrUserReported[0]"


def device(d, id_type, id_value="356938035643809"):
    found = user(d).add("deviceId")
    found.add("idType", id_type)
    found.add("idValue", id_value)


def findings(rule, change):
    draft = rule.base()
    assert not check_draft(draft, now=NOW), "the base draft must be clean"
    change(draft)
    return check_draft(draft, now=NOW)


def assert_kept(rule):
    found = findings(rule, rule.keep)
    assert rule.code not in {f.code for f in found}
    assert not [f for f in found if f.severity is Severity.ERROR], found


def assert_broken(rule):
    found = [f for f in findings(rule, rule.fail) if f.code == rule.code]
    assert found, f"expected {rule.code}"
    assert rule.path in [f.path for f in found]
    assert {f.severity for f in found} == {rule.severity}
    assert all(f.message for f in found)
