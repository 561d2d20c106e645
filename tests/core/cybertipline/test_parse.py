"""Parsing: safe against hostile XML, lenient enough to report everything wrong in one pass."""

import pytest

from desktop_app.core.cybertipline.parse import parse_document, parse_file_details, parse_report
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.errors import ReportDocumentRejected
from tests.core.cybertipline.samples import minimal_report

REPORT_BODY = (
    "<incidentSummary><incidentType>Child Sex Tourism</incidentType>"
    "<incidentDateTime>2024-01-01T00:00:00Z</incidentDateTime></incidentSummary>"
    "<reporter><reportingPerson><email>a@example.org</email></reportingPerson></reporter>"
)


def _codes(parsed):
    return [(f.path, f.code) for f in parsed.findings]


@pytest.mark.parametrize(
    "document",
    [
        b'<!DOCTYPE report [<!ENTITY x "boom">]><report>&x;</report>',
        b'<!DOCTYPE report [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><report>&b;</report>',
        b'<!DOCTYPE report SYSTEM "http://127.0.0.1:9/evil.dtd"><report/>',
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><report><additionalInfo>&e;</additionalInfo></report>',
        b"<report><incidentSummary>",
        b"not xml at all",
        b"",
    ],
)
def test_hostile_or_broken_documents_are_rejected(document):
    with pytest.raises(ReportDocumentRejected) as raised:
        parse_document(document)
    assert raised.value.code == "report-document-rejected"


def test_wrong_root_is_rejected():
    with pytest.raises(ReportDocumentRejected, match="reportResponse"):
        parse_document(b"<reportResponse><responseCode>0</responseCode></reportResponse>")
    with pytest.raises(ReportDocumentRejected):
        parse_file_details(serialize(minimal_report()))
    with pytest.raises(ReportDocumentRejected):
        parse_document(b'<report xmlns="urn:other"/>')


def test_oversized_documents_are_rejected(monkeypatch):
    from desktop_app.core.cybertipline import xmlsafe

    monkeypatch.setattr(xmlsafe, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(ReportDocumentRejected, match="limit"):
        parse_report(b"<report>" + b" " * 200 + b"</report>")


def test_what_the_model_cannot_hold_becomes_findings():
    parsed = parse_report(
        b'<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="x" '
        b'bogus="1">'
        b"<reporter><reportingPerson><email>a@example.org</email></reportingPerson></reporter>"
        b"<incidentSummary><incidentType>Child Sex Tourism</incidentType>"
        b"<incidentDateTime>2024-01-01T00:00:00Z<b/></incidentDateTime></incidentSummary>"
        b"stray text<madeUp/><victim xmlns='urn:x'/>"
        b"</report>"
    )
    assert _codes(parsed) == [
        ("report/@bogus", "unknown-attribute"),
        ("report", "unexpected-text"),
        ("report/incidentSummary", "element-order"),
        ("report/incidentSummary/incidentDateTime/b", "unexpected-element"),
        ("report/madeUp", "unknown-element"),
        ("report/{urn:x}victim", "unknown-element"),
    ]
    # What could be placed was kept.
    assert parsed.root.get("incidentSummary").text("incidentType") == "Child Sex Tourism"


def test_values_are_kept_exactly_as_written():
    parsed = parse_report(
        f"<report>{REPORT_BODY}<additionalInfo>  &lt;b&gt; &amp; &#x1F600; &#13;</additionalInfo></report>".encode()
    )
    assert parsed.findings == ()
    assert parsed.root.text("additionalInfo") == "  <b> & \U0001f600 \r"


def test_repeated_elements_get_indexed_paths_and_parse_in_document_order():
    body = REPORT_BODY + "".join(
        f"<victim><victimPerson><firstName>{n}</firstName></victimPerson></victim>" for n in ("A", "B", "C")
    )
    parsed = parse_report(f"<report>{body}</report>".encode())
    victims = parsed.root.all("victim")
    assert [v.get("victimPerson").text("firstName") for v in victims] == ["A", "B", "C"]
    assert parsed.root.find("victim[2]/victimPerson/firstName").value == "C"
