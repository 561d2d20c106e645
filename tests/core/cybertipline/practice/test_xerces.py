"""libxml2's schema errors reworded as the Xerces messages NCMEC's server answers with."""

import pytest
from lxml import etree

from desktop_app.core.cybertipline.model_xsd import model_xsd
from desktop_app.core.cybertipline.practice.xerces import xerces_message
from desktop_app.core.cybertipline.xsd import SchemaProblem, load_xsd
from tests import reference

SUMMARY = (
    "<incidentSummary><incidentType>Child Sex Tourism</incidentType>{annotations}"
    "<incidentDateTime>2012-10-15T08:00:00Z</incidentDateTime></incidentSummary>"
)


def report(annotations: str = "", person: str = "", before: str = "") -> bytes:
    return (
        f"<report>{before}{SUMMARY.format(annotations=annotations)}"
        f"<reporter><reportingPerson>{person}</reportingPerson></reporter></report>"
    ).encode()


CASES = [
    (
        report(before="stray text"),
        "cvc-complex-type.2.3: Element 'report' cannot have character [children], "
        "because the type's content type is element-only.",
    ),
    (
        report(annotations="<reportAnnotations><spam>false</spam></reportAnnotations>"),
        "cvc-elt.5.2.2.2.2: The value 'false' of element 'spam' does not match the {value constraint} value 'true'.",
    ),
    (
        report(person="<phone countryCallingCode='1'>555 0100</phone>"),
        "cvc-pattern-valid: Value '1' is not facet-valid with respect to pattern '\\+[0-9]{1,3}' for type "
        "'countryCallingCode'. cvc-attribute.3: The value '1' of attribute 'countryCallingCode' on element 'phone' "
        "is not valid with respect to its type.",
    ),
    (
        report(person="<phone colour='red'>555 0100</phone>"),
        "cvc-complex-type.3.2.2: Attribute 'colour' is not allowed to appear in element 'phone'.",
    ),
    (
        report(annotations="<reportAnnotations><spam><x/></spam></reportAnnotations>"),
        "cvc-type.3.1.2: Element 'spam' is a simple type, so it must have no element information item [children].",
    ),
    (
        report().replace(
            b"</report>", b"<additionalInfo>a</additionalInfo><additionalInfo>b</additionalInfo></report>"
        ),
        "cvc-complex-type.2.4.d: Invalid content was found starting with element 'additionalInfo'. "
        "No child element is expected at this point.",
    ),
]


@pytest.fixture(params=["model", "ncmec"])
def schema(request):
    return load_xsd(model_xsd() if request.param == "model" else reference.xsd_path())


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_each_error_family_reads_as_xerces_writes_it(schema, body, expected):
    problems = schema.problems(etree.fromstring(body))
    assert problems
    assert xerces_message(problems[0]) == expected


def test_an_unlisted_family_still_names_the_element():
    problem = SchemaProblem("/report/x", "SCHEMAV_SOMETHING_NEW", "Element 'x': Something new went wrong.")
    assert xerces_message(problem) == "cvc-type.3.1.3: The value of element 'x' is not valid: Something new went wrong."


def test_an_unparseable_message_is_kept():
    assert xerces_message(SchemaProblem(None, "X", "odd")) == "cvc-type.3.1.3: odd"
