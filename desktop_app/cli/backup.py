"""Workspace backups: ``backup create`` and ``backup restore``.

    evidence-desk [--profile-dir DIR] backup create (--to age1... | --age-passphrase-file F) -o FILE
    evidence-desk --profile-dir NEW backup restore FILE (--identity KEYFILE | --age-passphrase-file F)

``create`` takes a consistent snapshot (SQLite's online backup, the vault blobs it references,
the anchor) while the workspace stays usable, and seals it with age. ``restore`` unpacks a backup
into an empty profile, then opens the workspace with its own passphrase (``--passphrase-file``,
``EVIDENCE_DESK_PASSPHRASE`` or a prompt) and verifies its custody log: exit 0 verified, 1 the
log does not verify, 2 the backup could not be restored.
"""

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.bundle import identities_from, recipients_from
from desktop_app.cli.common import EXIT_FAILED, EXIT_OK, paths, printable, unlocked
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.backup import create_backup, restore_backup


def register(commands: Any) -> None:
    """Add ``backup ...`` to the top-level grammar."""
    backup = commands.add_parser("backup", help="encrypted workspace backups (age)")
    verbs = backup.add_subparsers(dest="backup_command", required=True)
    create = verbs.add_parser("create", help="seal a consistent snapshot of the workspace")
    create.add_argument("--to", action="append", default=[], metavar="AGE1...", help="an age recipient (repeatable)")
    create.add_argument("--age-passphrase-file", help="seal to the passphrase in this file instead")
    create.add_argument("-o", "--output", required=True, help="the backup file to write")
    create.set_defaults(run=_create)
    restore = verbs.add_parser("restore", help="restore a backup into an empty profile (--profile-dir)")
    restore.add_argument("file", metavar="FILE", help="the backup")
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument("--identity", metavar="KEYFILE", help="an age key file (AGE-SECRET-KEY-1... lines)")
    which.add_argument("--age-passphrase-file", metavar="F", help="the backup's passphrase, first line of F")
    restore.set_defaults(run=_restore)


def _create(args: argparse.Namespace) -> int:
    recipients = recipients_from(args)
    workspace = unlocked(args)
    try:
        result = run_to_completion(create_backup(workspace, recipients, Path(args.output)))
    finally:
        workspace.close()
    print(f"wrote {printable(result.path)} ({result.size:,} bytes, {result.blobs} evidence blobs)")
    print(f"SHA-256 {result.sha256}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    identities = identities_from(args)
    restored = run_to_completion(restore_backup(paths(args), Path(args.file), identities))
    print(f"restored workspace {restored.workspace_id} ({restored.blobs} evidence blobs)")
    workspace = unlocked(args)
    try:
        verification = workspace.verify_log()
    finally:
        workspace.close()
    if verification.ok:
        print(f"custody log verified: {verification.entries} entries")
        return EXIT_OK
    print(f"custody log does NOT verify: {printable(verification.problem)}")
    return EXIT_FAILED
