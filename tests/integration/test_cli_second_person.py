"""A full-evidence ``bundle export`` from the command line when the settings ask for a second person."""

from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from tests.conftest import PASSPHRASE
from tests.integration.test_cli_bundle import run, stored  # noqa: F401 - the fixture, shared

SECOND_PASSPHRASE = "the second reviewer's own passphrase"


def _add_second_reviewer(profile) -> None:
    workspace = Workspace.open(AppPaths.resolve(profile))
    try:
        workspace.unlock(PASSPHRASE, quiet=True)
        workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
        workspace.lock()
    finally:
        workspace.close()


def test_full_evidence_export_needs_the_second_person_hash_only_does_not(stored, tmp_path):  # noqa: F811
    profile, report_id, key, _ = stored
    AppSettings(second_person_confirmation=True).save(AppPaths.resolve(profile).settings_file)
    export = [
        *("export", report_id[:8], "--to", key.recipient.text, "--recipient", "ICAC", "--role", "law-enforcement"),
        *("--legal-basis", "agency request"),
    ]
    alone = run(profile, *export, "-o", tmp_path / "alone.age")
    assert alone.returncode == 2 and "second person" in alone.stderr
    assert not (tmp_path / "alone.age").exists()
    assert run(profile, *export, "--hash-only", "-o", tmp_path / "hashes.age").returncode == 0

    secret = tmp_path / "second.txt"
    secret.write_text(PASSPHRASE + "\n")
    mine = ("--second-person", "Second Reviewer", "--second-passphrase-file", secret)
    refused = run(profile, *export, *mine, "-o", tmp_path / "alone.age")  # the acting reviewer's own passphrase
    assert refused.returncode != 0 and "does not open" in refused.stderr
    assert not (tmp_path / "alone.age").exists()
    _add_second_reviewer(profile)
    secret.write_text(SECOND_PASSPHRASE + "\n")
    second = ("--second-person", "Second Reviewer", "--second-passphrase-file", secret)
    done = run(profile, *export, *second, "-o", tmp_path / "full.age")
    assert done.returncode == 0, done.stderr

    workspace = Workspace.open(AppPaths.resolve(profile))
    try:
        workspace.unlock(PASSPHRASE, quiet=True)
        exported = [e.event.data for e in workspace.events() if e.event.type == "bundle.exported"]
    finally:
        workspace.close()
    assert [(d["profile"], d.get("confirmed_by")) for d in exported] == [
        ("hash-only", None),
        ("full-evidence", "Second Reviewer"),
    ]
