"""``bundle export``, ``bundle verify`` and ``bundle import`` as a user runs them: real processes, real files."""

import json

import pytest

from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.cli_process import run_cli
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads


def run(profile, *args):
    return run_cli(profile, "bundle", *args)


@pytest.fixture
def stored(paths, isolated_profile, tmp_path):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        service = ReportService(workspace, items)
        uploads = import_uploads(items, tmp_path)
        record = service.create_draft([item_id for item_id, _ in uploads.values()])
        record.draft.report = good_draft().report
        service.save(record)
    finally:
        workspace.close()
    key = X25519Identity.generate()
    key_file = tmp_path / "recipient-key.txt"
    key_file.write_text(f"# created: test\n{key.text}\n")
    return isolated_profile, record.report_id, key, key_file


def test_export_verify_and_import_from_the_command_line(stored, tmp_path):
    profile, report_id, key, key_file = stored
    out = tmp_path / "bundle.age"
    exported = run(profile, "export", report_id[:8], "--to", key.recipient.text, "-o", out, "--recipient", "ICAC",
                   "--role", "law-enforcement", "--legal-basis", "agency request")
    assert exported.returncode == 0, exported.stderr
    assert "SHA-256" in exported.stdout and out.is_file()

    verified = run(profile, "verify", out, "--identity", key_file, "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["ok"] is True

    other = tmp_path / "other-profile"
    Workspace.create(AppPaths.resolve(other), PASSPHRASE, "Other", fast_kdf())[0].close()
    imported = run(other, "import", out, "--identity", key_file)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 evidence files" in imported.stdout


def test_a_damaged_bundle_fails_verification_with_a_clear_message(stored, tmp_path):
    profile, report_id, key, key_file = stored
    out = tmp_path / "bundle.age"
    assert run(profile, "export", report_id, "--to", key.recipient.text, "-o", out, "--recipient", "counsel",
               "--role", "counsel", "--hash-only").returncode == 0
    data = bytearray(out.read_bytes())
    data[-100] ^= 1
    out.write_bytes(bytes(data))
    verified = run(profile, "verify", out, "--identity", key_file)
    assert verified.returncode == 2
    assert "[age-payload-damaged]" in verified.stderr


def test_evidence_to_counsel_without_legal_process_is_refused(stored, tmp_path):
    profile, report_id, key, _ = stored
    out = tmp_path / "bundle.age"
    refused = run(profile, "export", report_id, "--to", key.recipient.text, "-o", out, "--recipient", "counsel",
                  "--role", "counsel", "--legal-basis", "asked")
    assert refused.returncode == 2 and "[bundle-not-allowed]" in refused.stderr
    assert not out.exists()


def test_a_passphrase_bundle_opens_with_our_verify(stored, tmp_path):
    profile, report_id, _, _ = stored
    secret = tmp_path / "bundle-passphrase.txt"
    secret.write_text("a long bundle passphrase\n")
    out = tmp_path / "bundle.age"
    assert run(profile, "export", report_id, "--age-passphrase-file", secret, "-o", out, "--recipient", "NCMEC",
               "--role", "ncmec", "--legal-basis", "2258A").returncode == 0
    verified = run(profile, "verify", out, "--age-passphrase-file", secret)
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout


def run_backup(profile, *args):
    return run_cli(None, "--profile-dir", profile, "backup", *args)


def test_backup_create_and_restore_from_the_command_line(stored, tmp_path):
    profile, _, key, key_file = stored
    out = tmp_path / "workspace.backup.age"
    created = run_backup(profile, "create", "--to", key.recipient.text, "-o", out)
    assert created.returncode == 0, created.stderr
    fresh = tmp_path / "fresh"
    restored = run_backup(fresh, "restore", out, "--identity", key_file)
    assert restored.returncode == 0, restored.stderr
    assert "custody log verified" in restored.stdout
    again = run_backup(fresh, "restore", out, "--identity", key_file)
    assert again.returncode == 2 and "[workspace-exists]" in again.stderr
