"""The workspace's reviewers: ``workspace reviewers list|add|remove``.

    evidence-desk [--reviewer NAME] workspace reviewers list [--json]
    evidence-desk [--reviewer NAME] workspace reviewers add [--name NAME] [--new-passphrase-file FILE]
    evidence-desk [--reviewer NAME] workspace reviewers remove NAME

Each reviewer has a passphrase of their own; the one who unlocks (by ``--passphrase-file``, the
environment or the prompt, optionally named with ``--reviewer``) is the actor of the custody
events, including adding or removing another reviewer. Listing only reads and is not logged.
"""

import argparse
import getpass
import sys
from typing import Any

from desktop_app.cli.common import EXIT_OK, UsageError, json_text, printable, read_passphrase_file, unlocked
from desktop_app.core.errors import PassphraseRejected


def register(commands: Any) -> None:
    """Add ``workspace reviewers`` to the top-level grammar."""
    workspace = commands.add_parser("workspace", help="the workspace's reviewers").add_subparsers(
        dest="workspace_command", required=True
    )
    reviewers = workspace.add_parser("reviewers", help="who may unlock, each with their own passphrase")
    actions = reviewers.add_subparsers(dest="reviewers_command", required=True)
    listing = actions.add_parser("list", help="list the reviewers (not logged)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_list)
    add = actions.add_parser("add", help="add a reviewer with a passphrase of their own (logged)")
    add.add_argument("--name", help="the new reviewer's name as the custody log should show it")
    add.add_argument("--new-passphrase-file", help="read the new reviewer's passphrase from this file (first line)")
    add.set_defaults(run=cmd_add)
    remove = actions.add_parser("remove", help="remove a reviewer; their passphrase stops opening it (logged)")
    remove.add_argument("name", help="the reviewer's name")
    remove.set_defaults(run=cmd_remove)


def _new_name(args: argparse.Namespace) -> str:
    name = (args.name or "").strip()
    if not name and sys.stdin.isatty():
        name = input("The new reviewer's name, as the custody log should show it: ").strip()
    if not name:
        raise UsageError('Name the new reviewer: --name "Their Name" (there is no terminal to ask on).')
    return name


def _new_passphrase(args: argparse.Namespace, name: str) -> str:
    if args.new_passphrase_file:
        return read_passphrase_file(args.new_passphrase_file, "the new reviewer's passphrase file")
    if not sys.stdin.isatty():
        raise PassphraseRejected(
            "No passphrase for the new reviewer. Use --new-passphrase-file; there is no terminal to ask on."
        )
    first = getpass.getpass(f"{name}'s passphrase (they type it): ")
    if getpass.getpass("Repeat it: ") != first:
        raise PassphraseRejected("The two passphrases differ; no reviewer was added.")
    return first


def cmd_list(args: argparse.Namespace) -> int:
    """Print the reviewers; the unlocked one is marked."""
    workspace = unlocked(args, quiet=True)
    try:
        reviewers = workspace.reviewers.list()
    finally:
        workspace.close()
    for reviewer in reviewers:
        if args.json:
            print(json_text({"name": reviewer.name, "slot": reviewer.slot, "you": reviewer.is_you}))
        else:
            print(f"{printable(reviewer.name)}{'  (you)' if reviewer.is_you else ''}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    """Add a reviewer (asks their name and passphrase); the addition is a custody event by whoever unlocked."""
    workspace = unlocked(args)
    try:
        name = _new_name(args)
        added = workspace.reviewers.add(name, _new_passphrase(args, name))
        print(f"Added reviewer {printable(added.name)}; they unlock with their own passphrase.")
    finally:
        workspace.close()
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a reviewer (never the last); the removal is a custody event by whoever unlocked."""
    workspace = unlocked(args)
    try:
        workspace.reviewers.remove(args.name)
        print(f"Removed reviewer {printable(args.name)}; their passphrase no longer opens this workspace.")
    finally:
        workspace.close()
    return EXIT_OK
