"""The workspace itself: ``init``, ``log verify``, ``log show``, ``checkpoint export``.

    evidence-desk [--profile-dir DIR] init [--reviewer NAME]
    evidence-desk [--profile-dir DIR] log verify [--checkpoint FILE]... [--structure-only] [--json]
    evidence-desk [--profile-dir DIR] log show [--json] [--type TYPE]
    evidence-desk [--profile-dir DIR] checkpoint export [-o FILE]

``log verify`` exits 1 when the custody log failed verification and names the first bad entry.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    json_text,
    opened,
    passphrase,
    paths,
    printable,
    secret_store,
    unlocked,
)
from desktop_app.core.crypto import kdf
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import WorkspaceExists
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.anchor import parse_anchor_text
from desktop_app.core.storage.custody_log import Verification


def register(commands: Any) -> None:
    """Add ``init``, ``log`` and ``checkpoint`` to the top-level grammar."""
    init = commands.add_parser("init", help="create a workspace")
    init.add_argument("--reviewer", help="your name as it appears in the custody log")
    init.set_defaults(run=cmd_init)

    log = commands.add_parser("log", help="the custody log").add_subparsers(dest="log_command", required=True)
    verify = log.add_parser("verify", help="verify the custody log; exit 1 names the first bad entry")
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="an exported checkpoint to verify against (repeatable)",
    )
    verify.add_argument(
        "--structure-only",
        action="store_true",
        help="no passphrase: check chain, tree and signatures, not entry contents",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=cmd_log_verify)
    show = log.add_parser("show", help="print the custody log")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.add_argument(
        "--type",
        choices=[str(kind) for kind in EventType],
        metavar="TYPE",
        help="only events of this type, e.g. log.verified (an unknown type is an error that lists them)",
    )
    show.set_defaults(run=cmd_log_show)

    checkpoint = commands.add_parser("checkpoint", help="signed checkpoints").add_subparsers(
        dest="checkpoint_command", required=True
    )
    export = checkpoint.add_parser("export", help="sign a checkpoint and write it out")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(run=cmd_checkpoint_export)


def _reviewer(args: argparse.Namespace) -> str:
    """The reviewer's name for the custody log: ``--reviewer``, else asked; never the OS account unasked."""
    name = (args.reviewer or "").strip()
    if not name and sys.stdin.isatty():
        name = input("Your name, as the custody log should show it: ").strip()
    if not name:
        raise UsageError(
            "Say who you are: the custody log records every action under the reviewer's name. "
            'Give --reviewer "Your Name" (there is no terminal to ask on).'
        )
    return name


def cmd_init(args: argparse.Namespace) -> int:
    """Create a workspace and show the recovery key once."""
    where = paths(args)
    # Before the passphrase prompt and the calibration (seconds of work): nothing to ask for.
    if Workspace.exists(where):
        raise WorkspaceExists(
            f"A workspace already exists in {printable(where.workspace)}; nothing was changed. Use --profile-dir "
            "for another one."
        )
    chosen = passphrase(args, confirm=True)
    reviewer = _reviewer(args)
    kdf.normalise_passphrase(chosen)
    print("Calibrating key derivation for this machine…", file=sys.stderr)
    workspace, recovery = Workspace.create(where, chosen, reviewer, secrets=secret_store(args))
    try:
        print(f"Created workspace {workspace.workspace_id.hex()} in {printable(where.workspace)}")
        print("\nRECOVERY KEY — shown once. Store it offline; it is the only way in without the passphrase:")
        print(f"\n    {recovery.text}\n")
        print("Checkpoint verifier key (give it to counsel; it proves the custody log's history):")
        print(f"    {workspace.verifier_key()}")
    finally:
        workspace.close()
    return EXIT_OK


def _print_verification(verification: Verification, as_json: bool) -> int:
    if as_json:
        print(
            json_text(
                {
                    "ok": verification.ok,
                    "entries": verification.entries,
                    "checkpoints": verification.checkpoints,
                    "with_keys": verification.with_keys,
                    "first_bad_seq": verification.first_bad_seq,
                    "problem": verification.problem,
                }
            )
        )
    elif verification.ok:
        scope = "content and structure" if verification.with_keys else "structure only (no keys)"
        entries = plural(verification.entries, "entry", "entries")
        print(f"Custody log intact: {entries}, {plural(verification.checkpoints, 'checkpoint')}, {scope}.")
    else:
        where = f" First bad entry: {verification.first_bad_seq}." if verification.first_bad_seq else ""
        print(f"CUSTODY LOG FAILED VERIFICATION: {printable(verification.problem)}{where}")
    return EXIT_OK if verification.ok else EXIT_FAILED


def cmd_log_verify(args: argparse.Namespace) -> int:
    """Verify the log (with keys unless --structure-only) against the anchor and given checkpoints."""
    notes = []
    for name in args.checkpoint:
        anchor = parse_anchor_text(Path(name).read_text(encoding="utf-8"))
        notes.append(anchor.note)
    workspace = opened(args) if args.structure_only else unlocked(args, quiet=True)  # the verification is logged
    try:
        return _print_verification(workspace.verify_log(notes), args.json)
    finally:
        workspace.close()


def cmd_log_show(args: argparse.Namespace) -> int:
    """Print the decrypted log (reading it is not logged)."""
    workspace = unlocked(args, quiet=True)
    try:
        events = [e for e in workspace.events() if not args.type or str(e.event.type) == args.type]
    finally:
        workspace.close()
    for logged in events:
        event = logged.event
        if args.json:
            print(
                json_text(
                    {
                        "seq": logged.seq,
                        "time": event.time.isoformat(),
                        "type": str(event.type),
                        "actor": event.actor,
                        "subject": event.subject,
                        "data": event.data,
                    },
                )
            )
        else:
            details = json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else ""
            print(
                f"{logged.seq:>6}  {event.time:%Y-%m-%d %H:%M:%S}Z  {event.type!s:<36} "
                f"{printable(event.subject or '-'):<34} {printable(event.actor)}  {printable(details)}"
            )
    return EXIT_OK


def cmd_checkpoint_export(args: argparse.Namespace) -> int:
    """Sign a fresh checkpoint and write it, with the verifier key, for safekeeping elsewhere."""
    workspace = unlocked(args)
    try:
        workspace.checkpoint()
        text = workspace.anchor_text()
    finally:
        workspace.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Checkpoint written to {printable(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
