"""Serialized documents validate against NCMEC's XSD and parse back to the same model."""

import pytest
from hypothesis import HealthCheck, given, settings

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.model import new_report
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.serialize import serialize, serialize_draft, serialize_file_details
from desktop_app.core.cybertipline.structure import check_structure
from desktop_app.core.cybertipline.validate import check_document, check_report
from desktop_app.core.cybertipline.values import xml_safe
from tests.core.cybertipline.samples import (
    good_draft,
    maximal,
    minimal_file_details,
    minimal_report,
)
from tests.core.cybertipline.strategies import nodes


def _paths(node):
    """Index-free element and attribute paths a document uses."""
    found = set()
    for path, child in node.walk():
        bare = "/".join(step.split("[")[0] for step in path.split("/"))
        found.add(bare)
        found.update(f"{bare}/@{name}" for name in child.attributes)
    return found


def _declared_paths():
    found = set()
    for root in schema.ROOTS.values():
        for path, decl in schema.iter_decls(root):
            found.add(path)
            found.update(f"{path}/@{a.name}" for a in decl.attributes)
    return found


def _assert_sendable(node, ncmec_xsd):
    data = serialize(node)
    assert ncmec_xsd.validate_bytes(data) == []
    assert check_structure(node) == []
    parsed = parse_document(data)
    assert parsed.findings == ()
    assert parsed.root == node
    return data


def test_minimal_report_and_file_details_validate_and_round_trip(ncmec_xsd):
    report = _assert_sendable(minimal_report(), ncmec_xsd)
    assert report.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<report xmlns:xsi=')
    _assert_sendable(minimal_file_details(), ncmec_xsd)


def test_maximal_documents_use_every_declared_element_and_attribute(ncmec_xsd):
    documents = [
        maximal(schema.REPORT),
        maximal(schema.FILE_DETAILS),
        maximal(schema.FILE_DETAILS, prefer="potentialMeme"),  # the legacy branch of the choice
    ]
    for document in documents:
        _assert_sendable(document, ncmec_xsd)
    assert set().union(*map(_paths, documents)) == _declared_paths()


def test_output_is_deterministic_and_in_xsd_order_whatever_the_order_of_entry(ncmec_xsd):
    forwards = minimal_report()
    backwards = new_report()
    person = backwards.add("reporter").add("reportingPerson")
    person.add("email", "sam.reviewer@example.org")
    person.add("lastName", "Reviewer")
    person.add("firstName", "Sam")
    summary = backwards.add("incidentSummary")
    summary.add("incidentDateTime", "2012-10-15T08:00:00-07:00")
    summary.add("incidentType", "Child Pornography (possession, manufacture, and distribution)")
    assert serialize(backwards) == serialize(forwards) == serialize(forwards.copy())
    text = serialize(backwards).decode()
    assert text.index("<incidentSummary>") < text.index("<reporter>")
    assert text.index("<firstName>") < text.index("<lastName>") < text.index("<email>")


def test_draft_serializes_one_file_details_document_per_file(ncmec_xsd):
    draft = good_draft()
    draft.files.append(good_draft().files[0])
    report, files = serialize_draft(draft, 4564654, ["0" * 32, "b0754af766b426f2928a02c651ed4b99"])
    assert ncmec_xsd.validate_bytes(report) == []
    assert len(files) == 2
    for data, file_id in zip(files, ["0" * 32, "b0754af766b426f2928a02c651ed4b99"], strict=True):
        assert ncmec_xsd.validate_bytes(data) == []
        parsed = parse_document(data).root
        assert parsed.text("reportId") == "4564654" and parsed.text("fileId") == file_id
    assert draft.files[0].details.get("fileId") is None  # the draft itself is untouched
    with pytest.raises(ValueError):
        serialize_draft(draft, 1, ["x"])


@pytest.mark.parametrize(
    "value",
    [
        "  leading and trailing  ",
        "line one\r\nline two\rthree\n",
        "tab\there",
        "markup <b> & \"quotes\" 'apostrophes' ]]> end",
        "non-ASCII: Zoë, 東京, emoji 😀, RTL \u202e",
        "",
    ],
)
def test_text_survives_exactly(value, ncmec_xsd):
    report = minimal_report()
    report.add("additionalInfo", value)
    report.get("reporter").get("reportingPerson").get("email").set_attribute("type", "Work")
    _assert_sendable(report, ncmec_xsd)
    details = minimal_file_details()
    details.add("originalFileHash", "abc", hashType=value or "MD5")
    _assert_sendable(details, ncmec_xsd)


def test_xml_illegal_characters_are_removed_and_warned_about(ncmec_xsd):
    report = minimal_report()
    report.add("additionalInfo", "bell\x07 nul\x00 esc\x1b surrogate\ud800 nonchar\ufffe kept\ttab")
    data = serialize(report)
    assert ncmec_xsd.validate_bytes(data) == []
    sent = parse_document(data).root.text("additionalInfo")
    assert sent == "bell nul esc surrogate nonchar kept\ttab" == xml_safe(report.text("additionalInfo"))
    # The reviewer is warned before anything is sent (the sent document no longer has them).
    assert ("report/additionalInfo", "xml-illegal-characters") in {(f.path, f.code) for f in check_report(report)}
    assert "xml-illegal-characters" not in {f.code for f in check_document(data).findings}


def test_file_details_ids_are_filled_in_from_the_upload(ncmec_xsd):
    details = minimal_file_details()
    details.remove("reportId")
    details.remove("fileId")
    data = serialize_file_details(details, report_id=7855763, file_id="00ff" * 8)
    assert ncmec_xsd.validate_bytes(data) == []
    assert b"<fileId>00ff00ff00ff00ff00ff00ff00ff00ff</fileId>" in data


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(report=nodes(schema.REPORT), details=nodes(schema.FILE_DETAILS))
def test_random_valid_models_validate_and_round_trip(report, details, ncmec_xsd):
    for document in (report, details):
        data = serialize(document)
        assert ncmec_xsd.validate_bytes(data) == [], data.decode()
        assert check_structure(document) == []  # the offline check agrees with NCMEC's schema
        parsed = parse_document(data)
        assert parsed.findings == ()
        assert parsed.root == document
        assert serialize(parsed.root) == data
