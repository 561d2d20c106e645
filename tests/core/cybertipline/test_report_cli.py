"""``evidence-desk report validate`` as a user runs it: a real process on real files."""

import json
import os
import subprocess
import sys

import pytest

from desktop_app.core.cybertipline.serialize import serialize
from tests.core.cybertipline.samples import good_draft, minimal_file_details, minimal_report


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "report", "validate", *map(str, args)],
        capture_output=True,
        input=stdin,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def valid_report(tmp_path):
    path = tmp_path / "report.xml"
    path.write_bytes(serialize(good_draft().report))
    return path


@pytest.fixture
def invalid_report(tmp_path):
    report = minimal_report()
    report.get("incidentSummary").set("incidentDateTime", "2999-01-01T00:00:00Z")
    report.get("reporter").get("reportingPerson").set("email", "not an address")
    data = serialize(report).replace(b"<reporter>", b"<madeUp/><reporter>")
    path = tmp_path / "broken.xml"
    path.write_bytes(data)
    return path


def test_valid_report_exits_zero(valid_report, xsd_path):
    done = run(valid_report, "--xsd", xsd_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert out.startswith(f"{valid_report}: report VALID: 0 errors, 0 warnings, 0 hints; checked against XSD aee4c8")


def test_valid_file_details_from_standard_input(xsd_path):
    done = run("-", "--xsd", xsd_path, "--json", stdin=serialize(minimal_file_details()))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["document"] == "fileDetails" and result["valid"] is True
    assert [f["code"] for f in result["findings"]] == ["referral-file-not-viewed"]


def test_invalid_report_exits_one_with_findings_as_json(invalid_report, xsd_path):
    done = run(invalid_report, "--json", "--xsd", xsd_path)
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    assert result["valid"] is False and result["xsd_sha256"].startswith("aee4c880")
    found = {(f["path"], f["code"]) for f in result["findings"]}
    assert {
        ("report/madeUp", "unknown-element"),
        ("report/incidentSummary/incidentDateTime", "not-in-past"),
        ("report/reporter/reportingPerson/email[0]", "invalid-email"),
    } <= found
    assert any(code == "xsd-invalid" for _, code in found)  # NCMEC's schema agrees: no <madeUp>
    assert result["counts"]["error"] == sum(f["severity"] == "error" for f in result["findings"])


def test_invalid_report_as_text_without_an_xsd(invalid_report):
    done = run(invalid_report)
    assert done.returncode == 1
    out = done.stdout.decode()
    assert "report INVALID" in out and "model only (no --xsd)" in out
    assert "ERROR    report/incidentSummary/incidentDateTime  [not-in-past]" in out
    assert "why: " in out  # referral hints explain themselves


def test_unreadable_document_is_a_finding(tmp_path):
    path = tmp_path / "entity.xml"
    path.write_bytes(b'<!DOCTYPE report [<!ENTITY x "y">]><report>&x;</report>')
    done = run(path, "--json")
    assert done.returncode == 1
    assert [f["code"] for f in json.loads(done.stdout)["findings"]] == ["document-unreadable"]


def test_cannot_run_exits_two(tmp_path, valid_report):
    missing = run(tmp_path / "missing.xml")
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
    bad_xsd = tmp_path / "bad.xsd"
    bad_xsd.write_bytes(b"<notASchema/>")
    unusable = run(valid_report, "--xsd", bad_xsd)
    assert unusable.returncode == 2 and b"[xsd-unusable]" in unusable.stderr
