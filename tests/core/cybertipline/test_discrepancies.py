"""Where NCMEC's documentation and its XSD disagree (docs/cybertipline-service.md §4), the model follows the XSD."""

import pytest

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.parse import parse_document
from desktop_app.core.cybertipline.schema_types import XsdType
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.cybertipline.structure import check_structure
from desktop_app.core.cybertipline.validate import check_document
from tests.core.cybertipline.samples import minimal_file_details, minimal_report


def _codes(data):
    return {(f.path, f.code) for f in check_document(data).findings}


def _report_with_account():
    report = minimal_report()
    account = report.add("personOrUserReported").add("associatedAccount", type="Linked")
    account.add("platform", "Example Chat", thirdPartyUser=True)
    return report, account


def test_associated_account_type_is_the_required_type_attribute(ncmec_xsd):
    decl = schema.decl_at("report/personOrUserReported/associatedAccount/@type")
    assert decl.required and "Parent/Guardian" in decl.enum
    report, account = _report_with_account()
    data = serialize(report)
    assert b'<associatedAccount type="Linked">' in data
    assert ncmec_xsd.validate_bytes(data) == []

    as_documented = data.replace(b'<associatedAccount type="Linked">', b'<associatedAccount accountType="Linked">')
    assert ncmec_xsd.validate_bytes(as_documented)
    path = "report/personOrUserReported[0]/associatedAccount[0]"
    assert {(f"{path}/@accountType", "unknown-attribute"), (f"{path}/@type", "attribute-required")} <= _codes(
        as_documented
    )
    with pytest.raises(KeyError):
        account.set_attribute("accountType", "Linked")
    account.attributes.clear()
    assert (f"{path}/@type", "attribute-required") in {(f.path, f.code) for f in check_structure(report)}


def test_third_party_user_is_an_attribute_of_platform(ncmec_xsd):
    report, account = _report_with_account()
    data = serialize(report)
    assert b'<platform thirdPartyUser="true">Example Chat</platform>' in data
    assert ncmec_xsd.validate_bytes(data) == []
    with pytest.raises(KeyError):
        account.set_attribute("thirdPartyUser", True)

    as_documented = data.replace(b'type="Linked">', b'type="Linked" thirdPartyUser="true">').replace(
        b' thirdPartyUser="true">Example', b">Example"
    )
    assert ncmec_xsd.validate_bytes(as_documented)
    assert ("report/personOrUserReported[0]/associatedAccount[0]/@thirdPartyUser", "unknown-attribute") in _codes(
        as_documented
    )


def test_metadata_type_sits_on_details_not_on_the_pair(ncmec_xsd):
    details = minimal_file_details()
    metadata = details.add("details", type="EXIF")
    pair = metadata.add("nameValuePair")
    pair.add("name", "Model")
    pair.add("value", "Example Camera")
    data = serialize(details)
    assert b'<details type="EXIF">' in data
    assert ncmec_xsd.validate_bytes(data) == []
    with pytest.raises(KeyError):
        pair.set_attribute("type", "EXIF")

    as_documented = data.replace(b'<details type="EXIF">', b"<details>").replace(
        b"<nameValuePair>", b'<nameValuePair type="EXIF">'
    )
    assert ncmec_xsd.validate_bytes(as_documented)
    assert ("fileDetails/details[0]/nameValuePair[0]/@type", "unknown-attribute") in _codes(as_documented)


@pytest.mark.parametrize(
    "file_id",
    ["00000000000000000000000000000001", "b0754af766b426f2928a02c651ed4b99", "ffffffffffffffffffffffffffffffff"],
)
def test_file_ids_are_strings_not_numbers(file_id, ncmec_xsd):
    assert schema.decl_at("fileDetails/fileId").type is XsdType.TOKEN
    assert schema.decl_at("fileDetails/reportId").type is XsdType.LONG
    details = minimal_file_details()
    details.set("fileId", file_id)
    data = serialize(details)
    assert ncmec_xsd.validate_bytes(data) == []
    assert parse_document(data).root.text("fileId") == file_id  # leading zeros and all; no int() anywhere
    assert "invalid-integer" not in {f.code for f in check_document(data).findings}


def test_other_documented_differences_follow_the_xsd(ncmec_xsd):
    report = minimal_report()
    recipient = report.add("intendedRecipient")
    recipient.add("additionalInfo", "first note")
    recipient.add("additionalInfo", "second note")  # DOC: 0|1; XSD: 0+
    report.add("personOrUserReported")
    report.add("personOrUserReported")  # XSD: 0+; one per report is a business rule, not a schema one
    details = minimal_file_details()
    details.add("fileName", "as-sent.jpg")  # XSD only
    details.add("potentialMeme", True)  # legacy top-level form, XSD only
    for document in (report, details):
        assert ncmec_xsd.validate_bytes(serialize(document)) == []
        assert check_structure(document) == []
