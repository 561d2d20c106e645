"""Commands that only read leave the custody log as it was; verification and every change are logged."""

import json

from tests import synthetic_media
from tests.integration.test_cli import run


def entries(profile) -> list[dict]:
    shown = run(profile, "log", "show", "--json", check_code=0)
    return [json.loads(line) for line in shown.stdout.splitlines()]


def test_reading_commands_add_no_entries_and_changes_still_do(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "CLI Reviewer", check_code=0)
    picture = tmp_path / "upload-1.png"
    picture.write_bytes(synthetic_media.photo(64, 48, seed=5, fmt="PNG"))
    run(profile, "import", str(picture), check_code=0)
    before = entries(profile)
    assert any(e["type"] == "item.added" for e in before)
    assert before[-1]["type"] == "log.checkpoint-signed"  # the import's session sealed what it wrote

    for command in (("log", "show"), ("items",), ("items", "--json"), ("report", "list"), ("report", "status")):
        run(profile, *command, check_code=0)
    assert entries(profile) == before  # nothing: not the unlocks, not the locks, not a checkpoint

    run(profile, "log", "verify", check_code=0)
    after = entries(profile)
    assert [e["type"] for e in after[len(before) :]] == ["log.verified", "log.checkpoint-signed"]
    assert after[len(before)]["actor"] == "CLI Reviewer"
    structural = run(profile, "log", "verify", "--structure-only", "--json", passphrase=None, check_code=0)
    assert json.loads(structural.stdout)["entries"] == len(after)
