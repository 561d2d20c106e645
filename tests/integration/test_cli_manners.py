"""CLI manners: a closed pipe, unknown event types, init refusing early, paths that do not exist,
re-imports and plurals, all through the real command in a real process."""

import json
import os
import subprocess
import sys
import time

from tests.integration.test_cli import PASSPHRASE, run


def test_manners(tmp_path):
    profile = tmp_path / "profile"
    nameless = run(profile, "init", check_code=2)  # no --reviewer and no terminal to ask on
    assert "--reviewer" in nameless.stderr and not (profile / "data" / "workspace").exists()
    run(profile, "init", "--reviewer", "CLI Reviewer", check_code=0)
    for _ in range(2):  # without an OS keyring the notice came with init, once; not on every command
        assert "No OS keyring" not in run(profile, "items", check_code=0).stderr

    started = time.monotonic()
    again = run(profile, "init", "--reviewer", "CLI Reviewer", check_code=2)
    assert "already exists" in again.stderr and "Calibrating" not in again.stderr
    assert time.monotonic() - started < 20

    unknown = run(profile, "log", "show", "--type", "item.revealed-ish", check_code=2)
    assert "invalid choice" in unknown.stderr and "item.revealed" in unknown.stderr and "log.verified" in unknown.stderr

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"f{n}.bin").write_bytes(os.urandom(200 + n))
    missing = run(profile, "import", str(folder), str(tmp_path / "nowhere.bin"), check_code=2)
    assert "No such file or folder:" in missing.stderr and "nowhere.bin" in missing.stderr
    listed = run(profile, "items", check_code=0)
    assert listed.stderr.strip() == "0 items."  # nothing was taken in

    first = run(profile, "import", str(folder), check_code=0)
    assert "3 new items, 0 with problems." in first.stdout
    (folder / "empty.bin").write_bytes(b"")
    second = run(profile, "import", str(folder), check_code=0)
    assert "1 new item, 3 files already in the workspace, 1 empty file, 0 with problems." in second.stdout
    assert run(profile, "items", check_code=0).stderr.strip() == "4 items."
    verified = run(profile, "log", "verify", check_code=0)
    assert " 1 checkpoint," in verified.stdout or " checkpoints," in verified.stdout

    # A reader that goes away early: no traceback, the shell's status for a closed pipe.
    env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE}
    writer = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli", "log", "show", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert writer.stdout is not None and writer.stderr is not None
    json.loads(writer.stdout.readline())  # like `| head -1`
    writer.stdout.close()
    error = writer.stderr.read().decode()
    writer.stderr.close()
    assert writer.wait(timeout=60) in (0, 141)
    assert "Traceback" not in error and "BrokenPipeError" not in error
