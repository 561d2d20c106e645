"""``workspace reviewers`` as a user runs it: a second reviewer's actions are theirs in the log."""

import json

import pytest

from tests.integration.test_cli import run

BOB = "bob's cli passphrase"


def workspace_of_alice_and_bob(folder):
    """A profile whose workspace Alice created and where she added Bob."""
    profile = folder / "profile"
    run(profile, "init", "--reviewer", "Alice", check_code=0)
    secret = folder / "bob.txt"
    secret.write_text(BOB + "\n", encoding="utf-8")
    added = run(
        profile, "workspace", "reviewers", "add", "--name", "Bob", "--new-passphrase-file", str(secret), check_code=0
    )
    assert "Added reviewer Bob" in added.stdout
    return profile


@pytest.fixture(scope="module")
def with_bob(tmp_path_factory):
    """Shared by the tests that change nothing about the reviewers."""
    return workspace_of_alice_and_bob(tmp_path_factory.mktemp("reviewers"))


@pytest.fixture
def own_bob(tmp_path):
    """For a test that removes a reviewer: its own workspace."""
    return workspace_of_alice_and_bob(tmp_path)


def test_a_second_reviewers_actions_are_attributed_to_them(with_bob, tmp_path):
    listed = run(with_bob, "workspace", "reviewers", "list", "--json", passphrase=BOB, check_code=0)
    assert {(r["name"], r["you"]) for r in map(json.loads, listed.stdout.splitlines())} == {
        ("Alice", False),
        ("Bob", True),
    }
    run(
        with_bob,
        "--reviewer",
        "Bob",
        "checkpoint",
        "export",
        "-o",
        str(tmp_path / "c.txt"),
        passphrase=BOB,
        check_code=0,
    )
    shown = run(with_bob, "log", "show", "--json", check_code=0)
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    added = next(e for e in events if e["type"] == "key.reviewer-added")
    assert added["actor"] == "Alice" and added["data"]["reviewer"] == "Bob"
    bobs = [e for e in events if e["actor"] == "Bob"]
    assert {"workspace.unlocked", "log.checkpoint-signed", "workspace.locked"} <= {e["type"] for e in bobs}


def test_a_wrong_name_for_the_passphrase_is_refused(with_bob):
    refused = run(with_bob, "--reviewer", "Alice", "workspace", "reviewers", "list", passphrase=BOB, check_code=2)
    assert "not Alice's passphrase" in refused.stderr


def test_removal_is_logged_the_removed_cannot_unlock_and_the_last_stays(own_bob):
    run(own_bob, "workspace", "reviewers", "remove", "Bob", check_code=0)
    refused = run(own_bob, "workspace", "reviewers", "list", passphrase=BOB, check_code=2)
    assert "[wrong-passphrase]" in refused.stderr
    last = run(own_bob, "workspace", "reviewers", "remove", "Alice", check_code=2)
    assert "yourself" in last.stderr or "only reviewer" in last.stderr
    events = [json.loads(line) for line in run(own_bob, "log", "show", "--json", check_code=0).stdout.splitlines()]
    removed = [e for e in events if e["type"] == "key.reviewer-removed"]
    assert [(e["actor"], e["data"]["reviewer"]) for e in removed] == [("Alice", "Bob")]
    assert run(own_bob, "log", "verify", check_code=0)


def test_adding_without_a_terminal_needs_the_new_reviewers_passphrase_file(with_bob, tmp_path):
    missing = run(with_bob, "workspace", "reviewers", "add", "--name", "Carol", check_code=2)
    assert "--new-passphrase-file" in missing.stderr
    binary = tmp_path / "carol.bin"
    binary.write_bytes(b"\xff\xfe not text")
    refused = run(
        with_bob, "workspace", "reviewers", "add", "--name", "Carol", "--new-passphrase-file", str(binary), check_code=2
    )
    assert "not UTF-8" in refused.stderr
