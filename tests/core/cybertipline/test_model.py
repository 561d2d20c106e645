"""The model: a closed tree bound to the declarations, typed values in XSD form, paths, drafts."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from desktop_app.core.cybertipline import schema
from desktop_app.core.cybertipline.model import DraftFile, Node, ReportDraft, new_report
from desktop_app.core.cybertipline.schema_types import AttributeDecl, Content, ElementDecl
from desktop_app.core.cybertipline.validate import check_draft, check_field
from desktop_app.core.cybertipline.values import lexical, parse_date_time
from tests.core.cybertipline.samples import NOW, good_draft


def test_only_declared_children_and_attributes_exist():
    report = new_report()
    with pytest.raises(KeyError):
        report.add("suspect")
    summary = report.add("incidentSummary")
    with pytest.raises(KeyError):
        summary.set_attribute("priority", "high")
    with pytest.raises(ValueError):
        report.add("reporter", "text where elements belong")
    with pytest.raises(KeyError):
        report.append(Node(schema.FILE_DETAILS))
    same_name_other_place = Node(schema.FILE_DETAILS.child("additionalInfo"), "note")
    with pytest.raises(ValueError):
        report.append(same_name_other_place)


def test_values_are_stored_in_canonical_xsd_form():
    report = new_report()
    summary = report.add("incidentSummary")
    summary.add("incidentDateTime", datetime(2024, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=2))))
    assert summary.text("incidentDateTime") == "2024-05-01T14:30:00+02:00"
    assert lexical(datetime(2024, 5, 1, tzinfo=UTC)) == "2024-05-01T00:00:00Z"
    assert lexical(True) == "true" and lexical(date(2009, 5, 1)) == "2009-05-01" and lexical(443) == "443"
    with pytest.raises(ValueError, match="time zone"):
        summary.set("incidentDateTime", datetime(2024, 5, 1, 14, 30))
    flag = summary.add("reportAnnotations").add("sextortion")
    assert flag.value == ""  # written as <sextortion/>


def test_set_ensure_remove_and_find():
    draft = good_draft()
    report = draft.report
    assert report.find("personOrUserReported[0]/ipCaptureEvent[0]/port").value == "51234"
    assert report.find("personOrUserReported/ipCaptureEvent/port").value == "51234"  # index 0 by default
    assert report.find("victim[3]") is None and report.find("nonsense/path") is None
    user = report.get("personOrUserReported")
    user.set("screenName", None)
    assert user.get("screenName") is None
    assert user.ensure("estimatedLocation") is user.get("estimatedLocation")
    report.remove("internetDetails", 0)
    assert [d.decl.name for d in report.get("internetDetails").children()] == ["emailIncident"]
    paths = [p for p, _ in report.walk()]
    assert "report/personOrUserReported[0]/personOrUserReportedPerson/email[0]" in paths
    assert paths == sorted(paths, key=paths.index)  # document order


def test_decl_at_and_paths():
    decl = schema.decl_at("report/victim[2]/victimPerson/phone[0]/@countryCallingCode")
    assert isinstance(decl, AttributeDecl) and decl.pattern
    section = schema.decl_at("fileDetails[0]/fileAnnotations")
    assert isinstance(section, ElementDecl) and section.content is Content.ALL
    with pytest.raises(KeyError):
        schema.decl_at("report/nothing")
    with pytest.raises(ValueError):
        schema.parse_path("report/@type/child")


def test_every_declaration_has_a_label_and_help_for_the_form():
    for root in schema.ROOTS.values():
        for path, decl in schema.iter_decls(root):
            assert decl.label and decl.help.endswith((".", ")")), path
            for attribute in decl.attributes:
                assert attribute.label and attribute.help.endswith("."), f"{path}/@{attribute.name}"


def test_draft_json_records_the_model_version():
    data = good_draft().to_json()
    assert data["model"] == schema.MODEL_VERSION
    with pytest.raises(ValueError, match="newer|model version"):
        ReportDraft.from_json({**data, "model": schema.MODEL_VERSION + 1})
    with pytest.raises(KeyError):
        ReportDraft.from_json({**data, "report": {"children": {"suspect": [{}]}}})


@pytest.mark.parametrize(
    ("path", "value", "codes"),
    [
        ("report/reporter/reportingPerson/email[0]", "trust@example.org", []),
        ("report/reporter/reportingPerson/email[0]", "trust@", ["invalid-email"]),
        ("report/personOrUserReported[0]/ipCaptureEvent[0]/port", "70000", ["out-of-range"]),
        ("report/personOrUserReported[0]/ipCaptureEvent[0]/port", "eighty", ["invalid-integer"]),
        ("report/incidentSummary/incidentDateTime", "2025-05-01T10:00:00", ["missing-timezone"]),
        ("report/incidentSummary/incidentType", "Child Sex Tourism", []),
        ("report/incidentSummary/incidentType", "child sex tourism", ["invalid-choice"]),
        ("report/victim[0]/victimPerson/phone[0]/@extension", "12a", ["pattern-mismatch"]),
        ("report/victim[0]/victimPerson/phone[0]/@extension", "12345678901", ["too-long"]),
    ],
)
def test_check_field_validates_one_value_as_typed(path, value, codes):
    assert [f.code for f in check_field(path, value, now=NOW)] == codes
    assert all(f.path == path for f in check_field(path, value, now=NOW))


def test_check_field_refuses_a_section():
    with pytest.raises(ValueError):
        check_field("report/reporter", "x", now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        (
            " 2024-01-01T23:59:59.5-14:00 ",
            datetime(2024, 1, 1, 23, 59, 59, 500000, tzinfo=timezone(-timedelta(hours=14))),
        ),
        ("2024-01-01T24:00:00Z", datetime(2024, 1, 2, tzinfo=UTC)),
        ("2024-02-30T00:00:00Z", None),
        ("2024-01-01T00:00:00+15:00", None),
        ("2024-01-01 00:00:00Z", None),
        ("0000-01-01T00:00:00Z", None),
    ],
)
def test_date_time_lexical_space(text, expected):
    assert parse_date_time(text) == expected


def test_a_clean_draft_survives_json_and_stays_clean():
    draft = good_draft()
    again = ReportDraft.from_json(draft.to_json())
    assert again.report == draft.report and again.files[0].details == draft.files[0].details
    assert again.files[0].item_id == "item-1"
    assert check_draft(again, now=NOW) == []
    assert isinstance(again.files[0], DraftFile)
