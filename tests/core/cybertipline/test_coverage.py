"""The model declares everything NCMEC's XSD declares, and the drift check would say if it did not."""

import copy

import pytest
from lxml import etree

from desktop_app.core.cybertipline import drift, schema
from desktop_app.core.cybertipline.xsd import parse_xsd_tree

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_the_model_covers_every_element_attribute_and_enum_value_of_the_xsd(xsd_path):
    facts = drift.xsd_facts(xsd_path)
    # The walk really went everywhere: both roots, refs, named types, simple-content attributes.
    assert len(facts.elements) > 350 and len(facts.attributes) > 100
    assert "report/personOrUserReported/associatedAccount/platform" in facts.elements
    assert "fileDetails/details/@type" in facts.attributes
    assert len(facts.enums["report/reporter/reportingPerson/address/country"]) == 258
    assert not facts.unsupported

    found = drift.schema_drift(xsd_path)
    assert found.clean, "\n".join(map(str, found.items))


def test_model_facts_match_the_declarations():
    facts = drift.model_facts()
    assert set(facts.elements) == {p for root in schema.ROOTS.values() for p, _ in schema.iter_decls(root)}


def _modified(xsd_path, change):
    tree = copy.deepcopy(parse_xsd_tree(xsd_path))
    change(tree.getroot())
    return tree


def _global(root, kind, name):
    return next(e for e in root.findall(f"{XS}{kind}") if e.get("name") == name)


def test_drift_reports_an_element_attribute_and_enum_value_the_model_lacks(xsd_path):
    def change(root):
        sequence = _global(root, "element", "incidentSummary").find(f"{XS}complexType/{XS}sequence")
        sequence.append(etree.Element(f"{XS}element", name="handMadeElement", minOccurs="0", type="xs:string"))
        reporter = _global(root, "element", "reporter").find(f"{XS}complexType")
        reporter.append(etree.Element(f"{XS}attribute", name="handMadeAttribute", type="xs:boolean"))
        restriction = _global(root, "simpleType", "ipCaptureType").find(f"{XS}restriction")
        restriction.append(etree.Element(f"{XS}enumeration", value="Hand-made event"))

    found = drift.schema_drift(_modified(xsd_path, change))
    assert [str(i) for i in found.missing_from_model] == [
        "attribute-missing-from-model: report/reporter/@handMadeAttribute",
        "element-missing-from-model: report/incidentSummary/handMadeElement",
    ] + [
        f"enum-value-missing-from-model: {p}/eventName ('Hand-made event')"
        for p in sorted(p.rsplit("/", 1)[0] for p in drift.model_facts().elements if p.endswith("/eventName"))
    ]
    assert not found.of_kind("changed") and not found.of_kind("element-not-in-xsd")


def test_drift_reports_what_the_xsd_dropped_and_changed_cardinality(xsd_path):
    def change(root):
        law = _global(root, "element", "lawEnforcement").find(f"{XS}complexType/{XS}sequence")
        case_number = next(e for e in law if e.get("name") == "caseNumber")
        law.remove(case_number)
        agency = next(e for e in law if e.get("name") == "agencyName")
        agency.set("maxOccurs", "unbounded")
        batched = _global(root, "simpleType", "batchedReportReason").find(f"{XS}restriction")
        batched.remove(batched[0])

    found = drift.schema_drift(_modified(xsd_path, change))
    assert [str(i) for i in found.of_kind("element-not-in-xsd")] == [
        "element-not-in-xsd: report/lawEnforcement/caseNumber"
    ]
    (changed,) = found.of_kind("changed")
    assert changed.path == "report/lawEnforcement/agencyName" and "max_occurs: model 1, XSD None" in changed.detail
    assert [i.path for i in found.of_kind("enum-value-not-in-xsd")] == ["report/batchedReport/@reason"]
    assert not found.missing_from_model


def test_drift_flags_constructs_it_cannot_follow(xsd_path):
    def change(root):
        root.insert(0, etree.Element(f"{XS}include", schemaLocation="other.xsd"))

    tree = _modified(xsd_path, change)
    found = drift.compare(drift.model_facts(), drift.xsd_facts(tree))
    assert [str(i) for i in found.of_kind("unsupported")] == ["unsupported: xs:include"]


@pytest.mark.parametrize("missing_root", ["report", "fileDetails"])
def test_drift_flags_a_missing_root(xsd_path, missing_root):
    def change(root):
        root.remove(_global(root, "element", missing_root))

    found = drift.schema_drift(_modified(xsd_path, change))
    assert f"unsupported: {missing_root}: no such global element" in [str(i) for i in found.items]
    assert found.of_kind("element-not-in-xsd")
