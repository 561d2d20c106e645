"""Issue 15, the custody log's soundness, attacked as an outsider would: real CLI processes, no
passphrase for the attack itself, SQLite triggers dropped, files edited and folders restored."""

import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.integration.test_cli import run

ACK_REASON = "Restored the data folder from last week's backup after a disk failure; counsel told."


def db_path(profile):
    return profile / "data" / "workspace" / "workspace.db"


def anchor_file(profile):
    (found,) = (profile / "anchors").glob("*.anchor")
    return found


def anchored_size(profile) -> int:
    note = anchor_file(profile).read_text(encoding="utf-8").split("\n--- checkpoint ---\n")[1]
    return int(note.split("\n")[1])


def attacker(profile) -> sqlite3.Connection:
    """A direct connection to the workspace file with the app's append-only triggers dropped."""
    conn = sqlite3.connect(db_path(profile), isolation_level=None)
    for trigger in ("log_entries_no_update", "log_entries_no_delete", "log_checkpoints_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    return conn


def grown_workspace(profile):
    """A workspace whose log has grown through a few ordinary commands (each closes with a checkpoint)."""
    run(profile, "init", "--reviewer", "Attack Reviewer", check_code=0)
    for _ in range(2):
        run(profile, "log", "verify", check_code=0)


def no_traceback(done):
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


# -- finding 1 and the rollback test ------------------------------------------------------------


def test_restored_older_data_folder_stays_detected_through_three_commands_until_acknowledged(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Attack Reviewer", check_code=0)
    shutil.copytree(profile / "data", tmp_path / "old-data")
    for _ in range(2):
        run(profile, "log", "verify", check_code=0)  # the log grows and the anchor moves on
    size = anchored_size(profile)
    shutil.rmtree(profile / "data")
    shutil.copytree(tmp_path / "old-data", profile / "data")
    anchor_before = anchor_file(profile).read_bytes()

    # Any three commands: none may launder the detection by signing and re-anchoring the old log.
    items = run(profile, "items")
    shown = run(profile, "log", "show")
    exported = run(profile, "checkpoint", "export", "-o", str(tmp_path / "cp.txt"))
    for done in (items, shown, exported):
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert "Tampering detected" in done.stderr
        no_traceback(done)
    assert not (tmp_path / "cp.txt").exists()
    assert anchor_file(profile).read_bytes() == anchor_before

    verified = run(profile, "log", "verify", check_code=1)
    assert "anchored checkpoint" in verified.stdout and f"size {size}" in verified.stdout
    assert "older copy" in verified.stdout
    run(profile, "log", "verify", "--structure-only", passphrase=None, check_code=1)

    refused = run(profile, "log", "acknowledge", "--reason", " ", check_code=2)
    assert "[acknowledgement-reason-required]" in refused.stderr
    acknowledged = run(profile, "log", "acknowledge", "--reason", ACK_REASON, check_code=0)
    assert "Custody log intact" in acknowledged.stdout
    events = [json.loads(line) for line in run(profile, "log", "show", "--json", check_code=0).stdout.splitlines()]
    (ack,) = [e for e in events if e["type"] == "log.tampering-acknowledged"]
    assert ack["data"]["reason"] == ACK_REASON
    assert ack["data"]["superseded_anchor"] in anchor_before.decode()
    assert "older copy" in ack["data"]["detections"][0]["problem"]
    assert list((profile / "anchors").glob("*.superseded-*.txt"))  # the old anchor is kept, not deleted
    run(profile, "log", "verify", check_code=0)
    run(profile, "items", check_code=0)


# -- finding 2: verification reports what it found before anything is written ---------------------


def test_corrupted_head_seal_is_reported_by_every_verify_not_resealed(tmp_path):
    profile = tmp_path / "profile"
    grown_workspace(profile)
    conn = attacker(profile)
    (mac,) = conn.execute("SELECT mac FROM log_head").fetchone()
    conn.execute("UPDATE log_head SET mac = ?", (bytes([mac[0] ^ 1]) + mac[1:],))
    conn.close()
    for _ in range(2):
        failed = run(profile, "log", "verify", check_code=1)
        assert "head record is not sealed" in failed.stdout
    run(profile, "items", check_code=1)


@pytest.mark.parametrize("below_anchor", [0, 2], ids=["cut-to-the-anchor", "cut-below-the-anchor"])
def test_cut_tail_with_head_repointed_and_checkpoints_removed_never_reads_intact(tmp_path, below_anchor):
    profile = tmp_path / "profile"
    grown_workspace(profile)
    keep = anchored_size(profile) - below_anchor
    conn = attacker(profile)
    (new_tail,) = conn.execute("SELECT entry_hash FROM log_entries WHERE seq = ?", (keep,)).fetchone()
    conn.execute("DELETE FROM log_entries WHERE seq > ?", (keep,))
    conn.execute("DELETE FROM log_checkpoints WHERE size > ?", (keep,))
    conn.execute("UPDATE log_head SET seq = ?, head_hash = ?", (keep, new_tail))  # no key: the seal is stale
    conn.close()
    for _ in range(3):
        failed = run(profile, "log", "verify", check_code=1)
        assert "CUSTODY LOG FAILED VERIFICATION" in failed.stdout
    if below_anchor:
        assert f"size {keep + below_anchor}" in failed.stdout
    run(profile, "log", "verify", "--structure-only", passphrase=None, check_code=1)


# -- finding 14: the instance lock cannot be deleted away ------------------------------------------

HOLDER = """
import sys
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace import Workspace
ws = Workspace.open(AppPaths.resolve(sys.argv[1]))
print("holding", flush=True)
sys.stdin.read()
ws.close()
"""


def test_deleting_instance_lock_does_not_let_a_second_process_in(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(profile)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        (profile / "data" / "workspace" / "instance.lock").unlink()
        second = run(profile, "log", "verify", check_code=2)
        assert "[workspace-in-use]" in second.stderr
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
    run(profile, "log", "verify", check_code=0)


# -- finding 13: the recovery slot is checked at unlock --------------------------------------------


@pytest.mark.parametrize("damage", ["flip", "flip-and-strip", "delete"])
def test_damaged_or_deleted_recovery_slot_is_reported_and_can_be_replaced(tmp_path, damage):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    with sqlite3.connect(db_path(profile)) as conn:
        if damage.startswith("flip"):
            (wrapped,) = conn.execute("SELECT wrapped FROM key_slots WHERE kind = 'recovery'").fetchone()
            conn.execute("UPDATE key_slots SET wrapped = ? WHERE kind = 'recovery'", (wrapped[:-1] + b"\x00",))
        if damage == "flip-and-strip":  # the check value gone too: the log still knows the slot
            conn.execute("DELETE FROM workspace_meta WHERE key = 'recovery_slot_mac'")
        elif damage == "delete":
            conn.execute("DELETE FROM key_slots WHERE kind = 'recovery'")
    warned = run(profile, "items", check_code=0)
    assert "recovery key slot is" in warned.stderr and "recovery-key replace" in warned.stderr
    replaced = run(profile, "recovery-key", "replace", check_code=0)
    assert "NEW RECOVERY KEY" in replaced.stdout
    assert "recovery key slot" not in run(profile, "items", check_code=0).stderr
    shown = run(profile, "log", "show", "--type", "key.recovery-key-replaced", "--json", check_code=0)
    assert len(shown.stdout.splitlines()) == 1


# -- findings 10 and 11, the anchor and log parts ---------------------------------------------------


def test_non_utf8_or_oversized_anchor_fails_verification_without_a_traceback(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    anchor = anchor_file(profile)
    anchor.write_bytes(b"\xff\xfe not an anchor")
    failed = run(profile, "log", "verify", check_code=1)
    assert "anchor file is damaged" in failed.stdout and "UTF-8" in failed.stdout
    no_traceback(failed)
    with open(anchor, "wb") as handle:
        handle.truncate(8 << 30)  # sparse: 8 GiB by size, nothing on disk; must not be read whole
    started = time.monotonic()
    failed = run(profile, "log", "verify", "--structure-only", passphrase=None, check_code=1)
    assert "larger than" in failed.stdout and time.monotonic() - started < 60
    no_traceback(failed)


def test_checkpoint_files_are_read_to_a_cap_and_must_be_text(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x80\x81 checkpoint")
    sparse = tmp_path / "huge.txt"
    with open(sparse, "wb") as handle:
        handle.truncate(8 << 30)
    for name, expected in ((binary, "not UTF-8"), (sparse, "larger than"), (tmp_path / "absent", "no checkpoint")):
        refused = run(profile, "log", "verify", "--checkpoint", str(name), check_code=2)
        assert "[checkpoint-unreadable]" in refused.stderr and expected in refused.stderr
        no_traceback(refused)


def test_duplicated_sequence_number_is_a_verification_failure_not_a_traceback(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    conn = attacker(profile)
    conn.executescript(
        """
        ALTER TABLE log_entries RENAME TO original_entries;
        CREATE TABLE log_entries (seq INTEGER, nonce BLOB, ciphertext BLOB, entry_hash BLOB);
        INSERT INTO log_entries SELECT * FROM original_entries;
        INSERT INTO log_entries SELECT * FROM original_entries WHERE seq = 2;
        DROP TABLE original_entries;
        """
    )
    conn.close()
    failed = run(profile, "log", "verify", check_code=1)
    assert "entry 2 appears more than once" in failed.stdout
    for args in (("log", "show"), ("items",)):
        done = run(profile, *args, check_code=1)
        no_traceback(done)


def test_malformed_database_page_is_a_typed_error(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    database = db_path(profile)
    data = bytearray(database.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[2 * page : 3 * page] = b"\xa5" * page
    database.write_bytes(bytes(data))
    for args in (("log", "verify"), ("log", "verify", "--structure-only"), ("items",)):
        refused = run(profile, *args, check_code=2)  # not 1: nothing could be verified at all
        assert "is damaged" in refused.stderr and "[database-damaged]" in refused.stderr
        no_traceback(refused)


def test_deleting_the_anchor_does_not_hide_a_restored_older_data_folder(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Test Reviewer", check_code=0)
    shutil.copytree(profile / "data", tmp_path / "old-data")
    run(profile, "log", "verify", check_code=0)
    shutil.rmtree(profile / "data")
    shutil.copytree(tmp_path / "old-data", profile / "data")
    anchor_file(profile).unlink()  # no keyring on this system: the anchor was the only witness
    failed = run(profile, "log", "verify", check_code=1)
    assert "anchor file" in failed.stdout and "is missing" in failed.stdout
    run(profile, "items", check_code=1)
    run(profile, "log", "acknowledge", "--reason", "Moved the profile; the anchor was not copied.", check_code=0)
    run(profile, "log", "verify", check_code=0)
