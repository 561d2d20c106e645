"""``report list`` and ``report export-xml`` as a user runs them: a real process on a real workspace."""

import json
import stat

import pytest

from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import compiled_xsd, import_uploads


def run(profile, *args, cwd=None):
    return run_cli(profile, "report", *args, cwd=cwd)


@pytest.fixture
def stored(paths, isolated_profile, tmp_path):
    """A closed workspace holding one complete report with two files and one incomplete draft."""
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        service = ReportService(workspace, items)
        ids = [item_id for item_id, _ in import_uploads(items, tmp_path).values()]
        complete = service.create_draft(ids)
        complete.draft.report = good_draft().report
        service.save(complete)
        incomplete = service.create_draft()
    finally:
        workspace.close()
    return isolated_profile, complete.report_id, incomplete.report_id


def test_export_writes_each_document_owner_only_and_they_validate(stored, tmp_path):
    xsd = compiled_xsd()
    profile, complete, _ = stored
    out = tmp_path / "out"
    done = run(profile, "export-xml", complete[:8], "-o", out, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["exported"] and [d["name"] for d in result["documents"]] == [
        "report.xml",
        "fileDetails-01.xml",
        "fileDetails-02.xml",
    ]
    for document in result["documents"]:
        path = out / document["name"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert xsd.validate_bytes(path.read_bytes()) == []

    again = run(profile, "export-xml", complete, "-o", out)
    assert again.returncode == 2 and "already exists" in again.stderr  # never overwrites


def test_a_report_with_errors_is_not_exported_and_exits_1(stored, tmp_path):
    profile, _, incomplete = stored
    done = run(profile, "export-xml", incomplete, "-o", tmp_path / "out")
    assert done.returncode == 1
    assert "not exported" in done.stdout and "[reporting-person-email]" in done.stdout
    assert not (tmp_path / "out").exists()


def test_list_shows_both_reports_and_an_unknown_id_exits_2(stored):
    profile, complete, incomplete = stored
    listed = [json.loads(line) for line in run(profile, "list", "--json").stdout.splitlines()]
    assert {r["report_id"] for r in listed} == {complete, incomplete}
    assert {r["report_id"]: r["files"] for r in listed}[complete] == 2
    missing = run(profile, "export-xml", "ffffffff")
    assert missing.returncode == 2 and "matches no report" in missing.stderr


def test_export_checks_against_the_schema_the_workspace_fetched(stored, paths, cybertipline_emulator, tmp_path):
    from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore
    from desktop_app.core.platform.secrets import MemorySecretStore
    from desktop_app.core.services.cybertipline import CyberTiplineService
    from tests.core.test_cybertipline_service import drifted_xsd
    from tests.cybertipline_emulator import PASSWORD, USERNAME

    profile, complete, _ = stored
    # NCMEC's schema now requires an element the report lacks; the workspace has fetched it.
    cybertipline_emulator.xsd = drifted_xsd()
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        credentials = CredentialStore(MemorySecretStore())
        credentials.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
        CyberTiplineService(workspace, credentials, cybertipline_emulator.url).refresh_schema()
    finally:
        workspace.close()

    done = run(profile, "export-xml", complete, "-o", tmp_path / "out")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[xsd-invalid]" in done.stdout and "escalateToHighPriority" in done.stdout
    assert not (tmp_path / "out").exists()
