"""Issue 15, findings 11 and 12: hostile inputs to the command line, performed as an outsider would.

11: a file named where the CLI expects a small document (report, XSD, passphrase file) is read
whole before its size is checked; ``/dev/zero`` never ends. Each read must stop at the cap + 1
byte and exit 2 with a message. The child runs under an address-space limit, so the old
behaviour ends in a MemoryError instead of eating the machine.
12: control characters in file names (an escape sequence that retitles the terminal, a newline
that forges a line, a bidi override that reverses what is shown) reach the terminal raw.
"""

import os
import sys

import pytest

from tests.cli_process import run_cli

PASSPHRASE = "hostile input passphrase"
MEMORY_LIMIT = 1024**3
TERMINAL_STEERING = ("\x1b", "\x07", "\x9b", "\u202e")
EVIL_NAME = "evil\x1b]0;owned\x07\nFORGED: 0 items\u202egpj.exe\u009b2J.bin"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="/dev/zero and rlimits are POSIX")


def _limit_memory():  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(profile, *args, passphrase=PASSPHRASE, limited=False):
    return run_cli(profile, *args, passphrase=passphrase, preexec_fn=_limit_memory if limited else None)


def assert_cannot_run(done, *words):
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@posix_only
def test_report_validate_reads_at_most_the_cap_of_an_endless_document(tmp_path):
    done = run(tmp_path / "p", "report", "validate", "/dev/zero", limited=True)
    assert_cannot_run(done, "larger than", "[input-too-large]")


@posix_only
def test_report_validate_reads_at_most_the_cap_of_an_endless_xsd(tmp_path):
    document = tmp_path / "report.xml"
    document.write_text("<report/>")
    done = run(tmp_path / "p", "report", "validate", str(document), "--xsd", "/dev/zero", limited=True)
    assert_cannot_run(done, "larger than", "[xsd-unusable]")


@posix_only
def test_an_endless_passphrase_file_is_refused_before_it_is_read_whole(tmp_path):
    done = run(
        tmp_path / "p",
        "--passphrase-file",
        "/dev/zero",
        "init",
        "--reviewer",
        "Test Reviewer",
        passphrase=None,
        limited=True,
    )
    assert_cannot_run(done, "larger than", "passphrase file")
    assert not (tmp_path / "p" / "data" / "workspace" / "workspace.db").exists()


def test_a_passphrase_file_of_ordinary_size_still_works(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    done = run(tmp_path / "p", "--passphrase-file", str(secret), "init", "--reviewer", "R", passphrase=None)
    assert done.returncode == 0, done.stderr
    assert run(tmp_path / "p", "--passphrase-file", str(secret), "items", passphrase=None).returncode == 0


def assert_terminal_safe(text):
    for char in TERMINAL_STEERING:
        assert char not in text, f"{char!r} reached the terminal"
    assert not any(line.startswith("FORGED") for line in text.splitlines()), "a file name forged a line"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the file system must accept control characters")
def test_control_characters_in_file_names_never_reach_the_terminal(tmp_path):
    profile = tmp_path / "p"
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / EVIL_NAME).write_bytes(os.urandom(100))
    os.symlink("/target\x1b[31m\nFORGED link", folder / "link\x1b[2J")
    assert run(profile, "init", "--reviewer", "R").returncode == 0
    outputs = [
        run(profile, "hash", str(folder / EVIL_NAME)),
        run(profile, "hash", str(folder / "link\x1b[2J")),
        run(profile, "import", str(folder)),
        run(profile, "items"),
        run(profile, "items", "--json"),
        run(profile, "import", str(folder), "--json"),
        run(profile, "report", "validate", str(folder / "missing\x1b]0;x\x07.xml")),
    ]
    for done in outputs:
        assert "Traceback" not in done.stderr, done.stderr
        assert_terminal_safe(done.stdout)
        assert_terminal_safe(done.stderr)
    listing = outputs[3].stdout
    assert "evil\\x1b]0;owned\\x07\\nFORGED: 0 items\\u202egpj.exe\\x9b2J.bin" in listing
    assert "evil\\u001b]0;owned\\u0007\\nFORGED: 0 items\\u202egpj.exe\\u009b2J.bin" in outputs[4].stdout


def test_import_refuses_a_manifest_row_outside_its_folder_until_allowed(tmp_path):
    profile = tmp_path / "p"
    private = tmp_path / "home" / "private.bin"
    private.parent.mkdir()
    private.write_bytes(os.urandom(700))
    drop = tmp_path / "drop"
    drop.mkdir()
    manifest = drop / "manifest.csv"
    manifest.write_text("path\n../home/private.bin\n")
    assert run(profile, "init", "--reviewer", "R").returncode == 0
    refused = run(profile, "import", "--manifest", str(manifest))
    assert refused.returncode == 1 and "outside the manifest's folder" in refused.stdout, refused.stdout
    assert "0 new items" in refused.stdout
    allowed = run(profile, "import", "--manifest", str(manifest), "--allow-outside", str(private))
    assert allowed.returncode == 0 and "1 new item," in allowed.stdout, allowed.stdout


def test_values_edited_into_the_database_never_reach_the_terminal_raw(tmp_path):
    import sqlite3
    from contextlib import closing

    profile = tmp_path / "p"
    (tmp_path / "one.bin").write_bytes(os.urandom(300))
    assert run(profile, "init", "--reviewer", "R").returncode == 0
    assert run(profile, "import", str(tmp_path / "one.bin")).returncode == 0
    database = profile / "data" / "workspace" / "workspace.db"
    with closing(sqlite3.connect(database)) as conn, conn:  # an outsider's edit: no passphrase needed
        conn.execute("UPDATE items SET item_id = ?", ("\x1b]0;owned\x07\u202e",))
    refused = run(profile, "items")  # the edit is tampering: refused, and the message is escaped too
    assert refused.returncode == 1, refused.stderr
    assert_terminal_safe(refused.stderr)
    acknowledged = run(profile, "log", "acknowledge", "--reason", "test: an edited id")
    assert_terminal_safe(acknowledged.stdout + acknowledged.stderr)
    listing = run(profile, "items")
    assert listing.returncode == 0, listing.stderr
    assert_terminal_safe(listing.stdout)
    assert "\\x1b]0;owned" in listing.stdout and "damaged" in listing.stdout
