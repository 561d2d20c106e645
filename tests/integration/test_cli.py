"""The CLI as a user runs it: a real process, a real profile, the passphrase from the environment."""

import json
import sqlite3

import pytest

from tests.cli_process import run_cli

PASSPHRASE = "cli passphrase ünïcode"


def run(profile, *args, passphrase=PASSPHRASE, check_code=None):
    return run_cli(profile, *args, passphrase=passphrase, check_code=check_code)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    profile = tmp_path_factory.mktemp("cli") / "profile"
    done = run(profile, "init", "--reviewer", "CLI Reviewer", check_code=0)
    return profile, done.stdout


def test_init_shows_the_recovery_key_once_and_refuses_a_second_init(initialised):
    profile, stdout = initialised
    assert "RECOVERY KEY" in stdout and "evidence-desk/" in stdout
    again = run(profile, "init", check_code=2)
    assert "already exists" in again.stderr


def test_verify_show_and_export(initialised, tmp_path):
    profile, _ = initialised
    verified = run(profile, "log", "verify", check_code=0)
    assert "Custody log intact" in verified.stdout
    shown = run(profile, "log", "show", "--json", check_code=0)
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    assert events[0]["type"] == "workspace.created" and events[0]["actor"] == "CLI Reviewer"
    assert any(e["type"] == "log.verified" for e in events)
    exported = tmp_path / "checkpoint.txt"
    run(profile, "checkpoint", "export", "-o", str(exported), check_code=0)
    assert "— evidence-desk/" in exported.read_text()
    structural = run(
        profile,
        "log",
        "verify",
        "--structure-only",
        "--json",
        "--checkpoint",
        str(exported),
        passphrase=None,
        check_code=0,
    )
    assert json.loads(structural.stdout)["with_keys"] is False


def test_wrong_or_missing_passphrase_is_a_clear_error(initialised):
    profile, _ = initialised
    wrong = run(profile, "log", "show", passphrase="nope", check_code=2)
    assert "Wrong passphrase" in wrong.stderr and "[wrong-passphrase]" in wrong.stderr
    missing = run(profile, "log", "show", passphrase=None, check_code=2)
    assert "EVIDENCE_DESK_PASSPHRASE" in missing.stderr


def test_passphrase_file_is_accepted(initialised, tmp_path):
    profile, _ = initialised
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    run(profile, "--passphrase-file", str(secret), "log", "verify", passphrase=None, check_code=0)


def test_tampering_makes_verify_fail_naming_the_entry(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "CLI Reviewer", check_code=0)
    db = profile / "data" / "workspace" / "workspace.db"
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER log_entries_no_update")
        (ciphertext,) = conn.execute("SELECT ciphertext FROM log_entries WHERE seq = 2").fetchone()
        flipped = bytes([ciphertext[0] ^ 0x01]) + ciphertext[1:]
        conn.execute("UPDATE log_entries SET ciphertext = ? WHERE seq = 2", (flipped,))
    for args in (("log", "verify"), ("log", "verify", "--structure-only")):
        failed = run(profile, *args, check_code=1)
        assert "First bad entry: 2" in failed.stdout
