"""``report new/submit/status/retract`` as a user runs them: real processes, a real workspace.

``--env practice`` starts the practice server inside the CLI process, as the app does; production
is exercised only as far as its refusals (nothing here may reach NCMEC).
"""

import json
import os
import subprocess
import sys

import pytest

from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.submission.helpers import complete, import_media


def run(profile, *args, stdin=None):
    return run_cli(profile, "report", *args, stdin=stdin)


@pytest.fixture
def stored(paths, isolated_profile, tmp_path):
    """A closed workspace with three items and one complete report document written by 'another system'."""
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        reports = ReportService(workspace, items)
        item_ids = import_media(items, tmp_path / "media", pictures=2, video=True)
        template = reports.create_draft([])
        complete(reports, template.report_id)
        document = tmp_path / "from-moderation.xml"
        document.write_bytes(serialize(reports.load(template.report_id).draft.report))
    finally:
        workspace.close()
    return isolated_profile, item_ids, document


def test_new_from_xml_then_submit_to_practice_then_status(stored):
    profile, item_ids, document = stored
    created = run(profile, "new", "--from-xml", document, *[a for i in item_ids for a in ("--item", i)], "--json")
    assert created.returncode == 0, created.stderr
    report_id = json.loads(created.stdout)["report"]
    assert json.loads(created.stdout)["files"] == 3

    sent = run(profile, "submit", report_id[:8], "--env", "practice", "--json")
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)
    assert result["state"] == "finished" and result["environment"] == "practice"
    assert len(result["file_ids"]) == 3 and result["receipt_blob"]
    assert "[done    ] Finish the report" in sent.stderr

    shown = run(profile, "status", report_id, "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["ncmec_report_id"] == result["ncmec_report_id"]
    listed = run(profile, "status")
    assert "Finished" in listed.stdout and "1 report sent, 0 of them needing attention" in listed.stderr

    again = run(profile, "submit", report_id, "--env", "practice")
    assert again.returncode == 2 and "finished" in again.stderr
    retract = run(profile, "retract", report_id)
    assert retract.returncode == 2 and "not open at NCMEC" in retract.stderr
    verified = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "log", "verify"],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_production_needs_confirmation_and_credentials_and_sends_nothing_without(stored):
    profile, item_ids, document = stored
    created = run(profile, "new", "--from-xml", document, "--json")
    report_id = json.loads(created.stdout)["report"]

    unconfirmed = run(profile, "submit", report_id, "--env", "production")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    no_credentials = run(profile, "submit", report_id, "--env", "production", "--yes")
    assert no_credentials.returncode == 2 and "credentials-missing" in no_credentials.stderr
    status = json.loads(run(profile, "status", report_id, "--json").stdout)
    assert status["state"] == "draft"


def test_new_refuses_a_document_the_model_cannot_hold_and_creates_an_incomplete_one(stored, tmp_path):
    profile, _, document = stored
    foreign = tmp_path / "foreign.xml"
    foreign.write_bytes(document.read_bytes().replace(b"</report>", b"<notInSchema>x</notInSchema></report>"))
    refused = run(profile, "new", "--from-xml", foreign)
    assert refused.returncode == 1 and "unknown-element" in refused.stdout
    assert len(run(profile, "list", "--json").stdout.splitlines()) == 1  # only the template: nothing created

    bare = tmp_path / "bare.xml"
    bare.write_text('<?xml version="1.0" encoding="UTF-8"?><report><incidentSummary/></report>')
    incomplete = run(profile, "new", "--from-xml", bare)
    assert incomplete.returncode == 1 and "fix them before submitting" in incomplete.stdout
    report_id = incomplete.stdout.split()[1]
    refused_send = run(profile, "submit", report_id, "--env", "practice")
    assert refused_send.returncode == 1 and "not sent" in refused_send.stdout


def test_resume_of_a_practice_report_whose_server_is_gone_then_send_again(stored, paths, tmp_path):
    profile, item_ids, document = stored
    # Leave a practice report open, as a CLI process killed mid-way would: its server went with it.
    from desktop_app.core.cybertipline.endpoint import CredentialStore
    from desktop_app.core.cybertipline.practice import Fault
    from desktop_app.core.domain.submission import Environment
    from desktop_app.core.platform.secrets import MemorySecretStore
    from desktop_app.core.progress import CancelToken, run_to_completion
    from desktop_app.core.services.practice import PracticeEndpoint
    from desktop_app.core.services.submission import SubmissionService
    from tests.core.submission.conftest import FAST

    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        items = ItemService(workspace)
        reports = ReportService(workspace, items)
        practice = PracticeEndpoint()
        service = SubmissionService(
            workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=FAST
        )
        record = reports.create_draft(item_ids[:1])
        complete(reports, record.report_id)
        practice.connection()
        practice.server().set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
        left = run_to_completion(service.submit(record.report_id, Environment.PRACTICE, CancelToken()))
        assert left.state.value == "needs-decision"
        practice.close()
    finally:
        workspace.close()

    waiting = run(profile, "status")
    assert "1 of them needing attention" in waiting.stderr and "discards it unfinished" in waiting.stdout
    resumed = run(profile, "resume", record.report_id, "--json")
    assert resumed.returncode == 1 and json.loads(resumed.stdout)["state"] == "retracted"
    assert "stopped" in json.loads(resumed.stdout)["advice"]
    again = run(profile, "submit", record.report_id, "--env", "practice")
    assert again.returncode == 0 and "Finished" in again.stdout
