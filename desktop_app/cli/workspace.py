"""The workspace itself: ``init``, ``log``, ``checkpoint export``, ``recovery-key replace``.

    evidence-desk [--profile-dir DIR] init [--reviewer NAME]
    evidence-desk [--profile-dir DIR] log verify [--checkpoint FILE]... [--structure-only] [--skip-vault] [--json]
    evidence-desk [--profile-dir DIR] log show [--json] [--type TYPE]
    evidence-desk [--profile-dir DIR] log acknowledge --reason TEXT
    evidence-desk [--profile-dir DIR] checkpoint export [-o FILE]
    evidence-desk [--profile-dir DIR] recovery-key replace

``log verify`` reports what it found before anything is written, and exits 1 when the custody log
failed verification (naming the first bad entry and the checkpoint it contradicts) or when earlier
detected tampering has not been acknowledged. Every other command exits 1 in that state too.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import vault as vault_cli
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
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.verification import VaultVerification, Verification
from desktop_app.core.errors import CheckpointUnreadable, WorkspaceExists
from desktop_app.core.services import keys
from desktop_app.core.services.anchoring import checkpoint_file_note
from desktop_app.core.services.checkpoint_export import export_checkpoint
from desktop_app.core.services.workspace import Workspace


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
    vault_cli.add_arguments(verify)
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
    acknowledge = log.add_parser(
        "acknowledge", help="record that you have seen detected tampering; writing resumes, the log keeps it"
    )
    acknowledge.add_argument("--reason", required=True, help="why (what you checked, who you told)")
    acknowledge.set_defaults(run=cmd_log_acknowledge)

    checkpoint = commands.add_parser("checkpoint", help="signed checkpoints").add_subparsers(
        dest="checkpoint_command", required=True
    )
    export = checkpoint.add_parser("export", help="sign a checkpoint and write it out")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(run=cmd_checkpoint_export)

    recovery = commands.add_parser("recovery-key", help="the recovery key").add_subparsers(
        dest="recovery_command", required=True
    )
    replace = recovery.add_parser("replace", help="make a new recovery key (the old one stops working)")
    replace.set_defaults(run=cmd_recovery_key_replace)


def _reviewer(args: argparse.Namespace) -> str:
    """The reviewer's name for the custody log: ``--reviewer``, else asked; never the OS account unasked."""
    name = (args.reviewer or getattr(args, "unlock_reviewer", None) or "").strip()
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
    keys.normalise_passphrase(chosen)
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


def _print_verification(
    verification: Verification, as_json: bool, workspace: Workspace, vault: VaultVerification | None = None
) -> int:
    alarm = workspace.tampering
    if as_json:
        record: dict[str, Any] = {
            "ok": verification.ok,
            "entries": verification.entries,
            "checkpoints": verification.checkpoints,
            "with_keys": verification.with_keys,
            "first_bad_seq": verification.first_bad_seq,
            "problem": verification.problem,
            "tampering": alarm.summary() if alarm else None,
        }
        if vault is not None:
            record["vault"] = vault_cli.as_json(vault)
        print(json_text(record))
    elif verification.ok:
        scope = "content and structure" if verification.with_keys else "structure only (no keys)"
        entries = plural(verification.entries, "entry", "entries")
        print(f"Custody log intact: {entries}, {plural(verification.checkpoints, 'checkpoint')}, {scope}.")
    else:
        where = f" First bad entry: {verification.first_bad_seq}." if verification.first_bad_seq else ""
        print(f"CUSTODY LOG FAILED VERIFICATION: {printable(verification.problem)}{where}")
    if vault is not None and not as_json:
        for line in vault_cli.as_text(vault).splitlines():
            print(printable(line))  # blob ids come from the database: escaped
    if alarm is not None and not as_json:
        print(f"TAMPERING DETECTED, NOT ACKNOWLEDGED: {printable(alarm.summary())}")
    return EXIT_OK if verification.ok and alarm is None and (vault is None or vault.ok) else EXIT_FAILED


def _checkpoint_files(names: list[str]) -> list[tuple[str, str]]:
    notes = []
    for name in names:
        try:
            notes.append((f"checkpoint file {name}", checkpoint_file_note(Path(name))))
        except FileNotFoundError:
            raise CheckpointUnreadable(f"There is no checkpoint file {name}.") from None
    return notes


def cmd_log_verify(args: argparse.Namespace) -> int:
    """Verify the log (with keys unless --structure-only) against the anchor and given checkpoints.

    With keys, the verification printed is the one unlocking made before it wrote anything.
    """
    notes = _checkpoint_files(args.checkpoint)
    return _verify(args, notes)


def _verify(args: argparse.Namespace, notes: list[tuple[str, str]]) -> int:
    if args.structure_only:
        workspace = opened(args)
        try:
            return _print_verification(workspace.verify_log(notes), args.json, workspace)
        finally:
            workspace.close()
    workspace = opened(args)
    try:
        # Reading is not logged, the verification is: one entry, sealed by a checkpoint at the lock.
        verification = workspace.unlock(passphrase(args), notes, quiet=True, reviewer=args.unlock_reviewer)
        workspace.custody.record_verification(verification)
        # The vault is checked only when the log is trusted: with tampering standing, nothing more is read.
        vault = vault_cli.verify_vault(workspace, args) if workspace.tampering is None else None
        return _print_verification(verification, args.json, workspace, vault)
    finally:
        workspace.close()


def cmd_log_acknowledge(args: argparse.Namespace) -> int:
    """Acknowledge detected tampering (logged with every detection and the superseded anchor)."""
    workspace = unlocked(args, allow_tampered=True)
    try:
        alarm = workspace.tampering
        workspace.acknowledge_tampering(args.reason)
        if alarm is not None:
            print(f"Acknowledged: {printable(alarm.first.problem)}")
        print("The acknowledgement is in the custody log; a new checkpoint was signed and anchored.")
        return _print_verification(workspace.verify_log(), False, workspace)
    finally:
        workspace.close()


def cmd_log_show(args: argparse.Namespace) -> int:
    """Print the decrypted log (also while tampering stands, to investigate it; then exit 1); not logged."""
    workspace = unlocked(args, allow_tampered=True, quiet=True)
    try:
        alarm = workspace.tampering
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
    if alarm is not None:
        print(f"evidence-desk: {printable(alarm.summary())} [tampering-detected]", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_checkpoint_export(args: argparse.Namespace) -> int:
    """Write the latest checkpoint (signed now if the log grew) with the verifier key, for safekeeping."""
    workspace = unlocked(args)
    try:
        export = export_checkpoint(workspace, Path(args.output) if args.output else None)
    finally:
        workspace.close()
    if export.path is not None:
        print(f"Checkpoint written to {printable(str(export.path))}", file=sys.stderr)
    else:
        sys.stdout.write(export.text)
    return EXIT_OK


def cmd_recovery_key_replace(args: argparse.Namespace) -> int:
    """Make a new recovery key, shown once; the replacement is logged."""
    workspace = unlocked(args)
    try:
        recovery = workspace.replace_recovery_key()
    finally:
        workspace.close()
    print("NEW RECOVERY KEY — shown once. Store it offline; the old one no longer opens this workspace:")
    print(f"\n    {recovery.text}\n")
    return EXIT_OK
