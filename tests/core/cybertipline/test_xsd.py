"""Loading an XSD (NCMEC's live one, later) safely and offline."""

import hashlib

import pytest

from desktop_app.core.cybertipline.xsd import load_xsd
from desktop_app.core.errors import XsdUnusable

SMALL = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  %s
  <xs:element name="report" type="xs:string"/>
</xs:schema>"""


def test_reference_xsd_compiles_and_is_named_by_its_digest(xsd_path, ncmec_xsd):
    assert ncmec_xsd.sha256 == hashlib.sha256(xsd_path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "source",
    [
        SMALL % b'<xs:include schemaLocation="http://127.0.0.1:9/other.xsd"/>',
        SMALL % b'<xs:import namespace="urn:x" schemaLocation="other.xsd"/>',
        b'<!DOCTYPE xs:schema SYSTEM "http://127.0.0.1:9/x.dtd">' + SMALL % b"",
        b"<notASchema/>",
        b"<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element name='a' type='nope'/></xs:schema>",
        b"",
    ],
)
def test_unusable_schemas_are_refused(source):
    with pytest.raises(XsdUnusable) as raised:
        load_xsd(source)
    assert raised.value.code == "xsd-unusable"


def test_unreadable_schema_file(tmp_path):
    with pytest.raises(XsdUnusable, match="Cannot read"):
        load_xsd(tmp_path / "missing.xsd")


def test_a_self_contained_schema_validates(tmp_path):
    path = tmp_path / "small.xsd"
    path.write_bytes(SMALL % b"")
    compiled = load_xsd(path)
    assert compiled.validate_bytes(b"<report>anything</report>") == []
    assert [f.code for f in compiled.validate_bytes(b"<other/>")] == ["xsd-invalid"]
    assert [f.code for f in compiled.validate_bytes(b"<report>")] == ["xml-unreadable"]
