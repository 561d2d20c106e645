"""Headless commands on the same core as the app: for scripts, support and counsel.

    evidence-desk [--profile-dir DIR] init [--reviewer NAME]
    evidence-desk [--profile-dir DIR] log verify [--checkpoint FILE]... [--structure-only] [--json]
    evidence-desk [--profile-dir DIR] log show [--json] [--type TYPE]
    evidence-desk [--profile-dir DIR] checkpoint export [-o FILE]

The passphrase comes from ``--passphrase-file``, else ``EVIDENCE_DESK_PASSPHRASE``, else a prompt.
Exit codes: 0 success, 1 the custody log failed verification, 2 an error the user can act on.
"""

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_app import __version__
from desktop_app.core.crypto import kdf
from desktop_app.core.errors import EvidenceDeskError, PassphraseRejected
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import system_secret_store
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.anchor import parse_anchor_text
from desktop_app.core.storage.custody_log import Verification

PASSPHRASE_ENV = "EVIDENCE_DESK_PASSPHRASE"
EXIT_OK, EXIT_LOG_BAD, EXIT_ERROR = 0, 1, 2


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise PassphraseRejected(
            f"No passphrase given. Use --passphrase-file or set {PASSPHRASE_ENV}; there is no terminal to ask on."
        )
    first = getpass.getpass("Workspace passphrase: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise PassphraseRejected("The two passphrases differ; nothing was created.")
    return first


def _opened(args: argparse.Namespace) -> Workspace:
    return Workspace.open(AppPaths.resolve(args.profile_dir), system_secret_store())


def _unlocked(args: argparse.Namespace) -> Workspace:
    workspace = _opened(args)
    try:
        workspace.unlock(_passphrase(args))
    except BaseException:
        workspace.close()
        raise
    return workspace


def cmd_init(args: argparse.Namespace) -> int:
    """Create a workspace and show the recovery key once."""
    paths = AppPaths.resolve(args.profile_dir)
    passphrase = _passphrase(args, confirm=True)
    kdf.normalise_passphrase(passphrase)
    print("Calibrating key derivation for this machine…", file=sys.stderr)
    reviewer = args.reviewer or getpass.getuser()
    workspace, recovery = Workspace.create(paths, passphrase, reviewer, secrets=system_secret_store())
    try:
        print(f"Created workspace {workspace.workspace_id.hex()} in {paths.workspace}")
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
            json.dumps(
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
        print(f"Custody log intact: {verification.entries} entries, {verification.checkpoints} checkpoints, {scope}.")
    else:
        where = f" First bad entry: {verification.first_bad_seq}." if verification.first_bad_seq else ""
        print(f"CUSTODY LOG FAILED VERIFICATION: {verification.problem}{where}")
    return EXIT_OK if verification.ok else EXIT_LOG_BAD


def cmd_log_verify(args: argparse.Namespace) -> int:
    """Verify the log (with keys unless --structure-only) against the anchor and given checkpoints."""
    notes = []
    for name in args.checkpoint:
        anchor = parse_anchor_text(Path(name).read_text(encoding="utf-8"))
        notes.append(anchor.note)
    workspace = _opened(args) if args.structure_only else _unlocked(args)
    try:
        return _print_verification(workspace.verify_log(notes), args.json)
    finally:
        workspace.close()


def cmd_log_show(args: argparse.Namespace) -> int:
    """Print the decrypted log."""
    workspace = _unlocked(args)
    try:
        events = [e for e in workspace.events() if not args.type or str(e.event.type) == args.type]
    finally:
        workspace.close()
    for logged in events:
        event = logged.event
        if args.json:
            print(
                json.dumps(
                    {
                        "seq": logged.seq,
                        "time": event.time.isoformat(),
                        "type": str(event.type),
                        "actor": event.actor,
                        "subject": event.subject,
                        "data": event.data,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            details = json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else ""
            print(
                f"{logged.seq:>6}  {event.time:%Y-%m-%d %H:%M:%S}Z  {event.type!s:<36} "
                f"{event.subject or '-':<34} {event.actor}  {details}"
            )
    return EXIT_OK


def cmd_checkpoint_export(args: argparse.Namespace) -> int:
    """Sign a fresh checkpoint and write it, with the verifier key, for safekeeping elsewhere."""
    workspace = _unlocked(args)
    try:
        workspace.checkpoint()
        text = workspace.anchor_text()
    finally:
        workspace.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Checkpoint written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="evidence-desk", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--profile-dir", help="keep all data, settings and logs under this folder")
    parser.add_argument("--passphrase-file", help="read the passphrase from this file (first line)")
    commands = parser.add_subparsers(dest="command", required=True)

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
    show.add_argument("--type", help="only events of this type, e.g. log.verified")
    show.set_defaults(run=cmd_log_show)

    checkpoint = commands.add_parser("checkpoint", help="signed checkpoints").add_subparsers(
        dest="checkpoint_command", required=True
    )
    export = checkpoint.add_parser("export", help="sign a checkpoint and write it out")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(run=cmd_checkpoint_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; expected failures print their message and exit 2."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except EvidenceDeskError as error:
        print(f"evidence-desk: {error.message} [{error.code}]", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
