"""The offline structure check rejects what NCMEC's XSD rejects, with a finding on the right field."""

import pytest
from hypothesis import HealthCheck, given, settings

from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.cybertipline.structure import check_structure
from desktop_app.core.cybertipline.validate import check_draft
from tests.core.cybertipline.samples import NOW, good_draft, minimal_file_details, minimal_report
from tests.core.cybertipline.strategies import mutated_documents


def _report(change):
    report = minimal_report()
    change(report)
    return report


def _details(change):
    details = minimal_file_details()
    change(details)
    return details


def _set_value(path, value):
    def change(node):
        node.find(path).value = value

    return change


def _remove(name):
    def change(node):
        node.remove(name)

    return change


def _add_person_with(**attributes):
    def change(report):
        report.add("personOrUserReported").add("associatedAccount").attributes.update(attributes)

    return change


def _internet_details(*kinds):
    def change(report):
        holder = report.add("internetDetails")
        for kind in kinds:
            holder.append(Node(holder.decl.child(kind)))

    return change


def _twice(name):
    def change(report):
        report.append(Node(report.decl.child(name), "x"))
        report.append(Node(report.decl.child(name), "y"))

    return change


def _flag(value):
    def change(report):
        report.get("incidentSummary").add("reportAnnotations").add("spam").value = value

    return change


def _both_meme_forms(details):
    details.add("potentialMeme", True)
    details.add("fileAnnotations").add("viral")


def _bad_calling_code(report):
    report.get("reporter").get("reportingPerson").add("phone", "555 0100").attributes["countryCallingCode"] = "1"


def _no_name_value_pairs(details):
    details.add("details", type="EXIF")


CASES = [
    ("missing incident type", _report(_remove("incidentSummary")), "report/incidentSummary", "required-missing"),
    (
        "unknown incident type",
        _report(_set_value("incidentSummary/incidentType", "Something else")),
        "report/incidentSummary/incidentType",
        "invalid-choice",
    ),
    (
        "not a date",
        _report(_set_value("incidentSummary/incidentDateTime", "yesterday")),
        "report/incidentSummary/incidentDateTime",
        "invalid-date-time",
    ),
    ("empty internet details", _report(_internet_details()), "report/internetDetails[0]", "choice-empty"),
    (
        "two incident kinds in one",
        _report(_internet_details("webPageIncident", "chatImIncident")),
        "report/internetDetails[0]",
        "choice-multiple",
    ),
    ("two additional infos", _report(_twice("additionalInfo")), "report/additionalInfo", "too-many"),
    (
        "associated account without type",
        _report(_add_person_with()),
        "report/personOrUserReported[0]/associatedAccount[0]/@type",
        "attribute-required",
    ),
    (
        "associated account of an unknown type",
        _report(_add_person_with(type="Friend")),
        "report/personOrUserReported[0]/associatedAccount[0]/@type",
        "invalid-choice",
    ),
    ("a tag set to false", _report(_flag("false")), "report/incidentSummary/reportAnnotations/spam", "fixed-value"),
    (
        "a calling code without +",
        _report(_bad_calling_code),
        "report/reporter/reportingPerson/phone[0]/@countryCallingCode",
        "pattern-mismatch",
    ),
    ("report id not a number", _details(_set_value("reportId", "R-1")), "fileDetails/reportId", "invalid-integer"),
    (
        "legacy meme and file tags together",
        _details(_both_meme_forms),
        "fileDetails/fileAnnotations",
        "choice-multiple",
    ),
    (
        "metadata without entries",
        _details(_no_name_value_pairs),
        "fileDetails/details[0]/nameValuePair[0]",
        "required-missing",
    ),
    ("missing file id", _details(_remove("fileId")), "fileDetails/fileId", "required-missing"),
]


@pytest.mark.parametrize(("document", "path", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_structure_check_and_xsd_agree_on_invalid_documents(document, path, code, ncmec_xsd):
    assert ncmec_xsd.validate_bytes(serialize(document)), "NCMEC's schema should reject this"
    assert (path, code) in [(f.path, f.code) for f in check_structure(document)]


def test_xsd_findings_carry_model_paths(ncmec_xsd):
    report = minimal_report()
    for age in ("12", "B"):
        report.add("victim").add("victimPerson").add("age", age)
    (finding,) = ncmec_xsd.validate_bytes(serialize(report))
    assert finding.path == "report/victim[1]/victimPerson/age"
    assert finding.code == "xsd-invalid" and "'B'" in finding.message


def test_a_draft_may_lack_the_ids_ncmec_assigns_but_a_document_may_not():
    draft = good_draft()
    assert draft.files[0].details.get("fileId") is None
    assert not [f for f in check_draft(draft, now=NOW) if f.code == "required-missing"]
    assert {f.path for f in check_structure(draft.files[0].details)} == {"fileDetails/reportId", "fileDetails/fileId"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated_documents())
def test_offline_check_agrees_with_the_xsd_on_randomly_damaged_documents(data, ncmec_xsd):
    """Without NCMEC's XSD, the parser and the structure check reach the XSD's verdict."""
    parsed = parse_document(data)
    ours = list(parsed.findings) + check_structure(parsed.root)
    assert bool(ours) == bool(ncmec_xsd.validate_bytes(data)), (ours, data.decode())
