"""Issue 15, finding 15: documents that broke or slipped past the report checks.

* An address with a street but no city, zip, state or country crashed the referral hints (the
  street line is itself an element named ``address``), so ``report validate`` died with a
  traceback and exit status 1, which means "NCMEC would reject it".
* ``xsi:nil`` and ``xsi:type`` were skipped like ``xsi:noNamespaceSchemaLocation``, so documents
  NCMEC's validator rejects passed the offline check.
* A set annotation flag written ``1`` was echoed back as ``1``.
* The drift check compared names and types but not order: an XSD that reorders a sequence (which
  makes every report the model serializes invalid) looked clean.
"""

import copy
import os
import subprocess
import sys

import pytest

from desktop_app.core.cybertipline import drift, schema
from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.cybertipline.validate import check_document, check_report
from desktop_app.core.cybertipline.xsd import parse_xsd_tree
from tests.core.cybertipline.samples import minimal_report

XS = "{http://www.w3.org/2001/XMLSchema}"
ADDRESS_PATHS = [
    path
    for path, decl in schema.iter_decls(schema.REPORT)
    if decl.name in ("address", "incidentAddress") and decl.has_child("city")
]


def with_street_only(path):
    report = minimal_report()
    node = report
    for name in path.split("/")[1:]:
        node = node.ensure(name)
    node.add("address", "1 Main Street")
    return report


@pytest.mark.parametrize("path", ADDRESS_PATHS)
def test_an_address_with_only_a_street_is_checked_without_crashing(path):
    report = with_street_only(path)
    codes = {f.code for f in check_report(report)}
    assert "referral-no-location" in codes  # a street alone places no one
    assert check_document(serialize(report)).kind == "report"


def test_report_validate_on_a_street_only_address_does_not_crash(tmp_path):
    document = tmp_path / "street.xml"
    document.write_bytes(serialize(with_street_only("report/reporter/reportingPerson/address")))
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "report", "validate", str(document)],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(tmp_path / "p")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "referral-no-location" in done.stdout


def _valid_document():
    return serialize(minimal_report())


@pytest.mark.parametrize(
    ("attribute", "code"),
    [('xsi:nil="true"', "xsi-nil"), ('xsi:type="xs:int"', "xsi-type"), ('xsi:type="xs:string"', "xsi-type")],
)
def test_xsi_nil_and_type_are_findings_as_they_are_for_ncmec(attribute, code, ncmec_xsd):
    data = _valid_document().replace(b"<incidentType>", f"<incidentType {attribute}>".encode())
    assert b"xmlns:xsi" in data
    ours = [f for f in check_document(data).findings if f.severity == "error"]
    assert [(f.path.split("/@")[0], f.code) for f in ours] == [("report/incidentSummary/incidentType", code)]
    if attribute != 'xsi:type="xs:string"':  # the one spelling NCMEC's validator tolerates; we refuse it too
        assert ncmec_xsd.validate_bytes(data), "NCMEC's schema rejects this document"


def test_schema_location_hints_are_still_allowed(ncmec_xsd):
    data = _valid_document()
    assert b"xsi:noNamespaceSchemaLocation" in data
    assert ncmec_xsd.validate_bytes(data) == []
    assert not [f for f in check_document(data).findings if f.severity == "error"]


def _with_flag(spelling):
    report = minimal_report()
    report.get("incidentSummary").ensure("reportAnnotations").add("csamSolicitation")
    data = serialize(report)
    assert b"<csamSolicitation/>" in data
    return data.replace(b"<csamSolicitation/>", f"<csamSolicitation>{spelling}</csamSolicitation>".encode())


@pytest.mark.parametrize("spelling", ["1", " 1 ", "\ttrue\n"])
def test_a_set_flag_spelt_otherwise_is_flagged_and_sent_as_true(spelling, ncmec_xsd):
    data = _with_flag(spelling)
    assert ncmec_xsd.validate_bytes(data), "NCMEC's schema (libxml2) takes only the fixed spelling 'true'"
    path = "report/incidentSummary/reportAnnotations/csamSolicitation"
    assert (path, "fixed-value-spelling") in {(f.path, f.code) for f in check_document(data).findings}
    parsed = parse_document(data)
    assert parsed.root.find("incidentSummary/reportAnnotations/csamSolicitation").value == "true"
    again = serialize(parsed.root)
    assert b"<csamSolicitation>true</csamSolicitation>" in again and ncmec_xsd.validate_bytes(again) == []
    assert Node(schema.decl_at(path), 1).value == "true"


def test_the_canonical_spellings_pass(ncmec_xsd):
    for spelling in ("true", ""):
        data = _with_flag(spelling)
        assert ncmec_xsd.validate_bytes(data) == []
        assert not [f for f in check_document(data).findings if f.severity == "error"]


def test_a_flag_set_to_false_stays_an_error():
    findings = check_document(_with_flag("0")).findings
    assert "fixed-value" in {f.code for f in findings}


def _reordered(xsd_path, element, first, second):
    tree = copy.deepcopy(parse_xsd_tree(xsd_path))
    root = tree.getroot()
    node = next(e for e in root.findall(f"{XS}element") if e.get("name") == element)
    sequence = node.find(f"{XS}complexType/{XS}sequence")
    a = next(e for e in sequence.iter(f"{XS}element") if (e.get("name") or e.get("ref")) == first)
    b = next(e for e in sequence.iter(f"{XS}element") if (e.get("name") or e.get("ref")) == second)
    a_parent, b_parent = a.getparent(), b.getparent()
    a_index, b_index = a_parent.index(a), b_parent.index(b)
    a_parent.remove(a)
    b_parent.insert(b_index if a_parent is not b_parent or b_index < a_index else b_index - 1, a)
    return tree


def test_drift_notices_a_reordered_sequence(xsd_path):
    assert drift.schema_drift(xsd_path).clean
    found = drift.schema_drift(_reordered(xsd_path, "incidentSummary", "incidentType", "incidentDateTime"))
    (item,) = found.items
    assert item.kind == "order-changed" and item.path == "report/incidentSummary"
    assert "model incidentType" in item.detail and "XSD " in item.detail
