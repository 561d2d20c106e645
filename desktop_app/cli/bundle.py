"""Encrypted bundles: ``bundle export``, ``bundle verify``, ``bundle import``.

    evidence-desk [--profile-dir DIR] bundle export REPORT --to age1... [--to age1...] -o FILE
        --recipient NAME --role {ncmec,law-enforcement,counsel,other} [--hash-only]
        [--legal-basis TEXT] [--legal-process REF]
    evidence-desk bundle verify FILE (--identity KEYFILE | --age-passphrase-file F) [--expect-key VKEY] [--json]
    evidence-desk [--profile-dir DIR] bundle import FILE (--identity KEYFILE | --age-passphrase-file F)

``export`` seals a report for one or more age recipients (or, with ``--age-passphrase-file``, a
passphrase) and prints the file's SHA-256 to give the recipient. ``verify`` needs no workspace:
it decrypts the bundle as a stream and checks every member, the manifest's signature, the
checkpoint and each inclusion proof; exit 0 intact, 1 something differs (each difference printed),
2 it could not be checked (wrong key, damaged or hostile file). ``import`` checks the bundle and
stores its evidence in the workspace's vault only if everything matches.
"""

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop_app.cli import second_person
from desktop_app.cli.common import EXIT_ERROR, EXIT_FAILED, EXIT_OK, json_text, printable, read_capped, services
from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.bundles.reader import BundleCheck, check_bundle
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.age_keys import (
    AgeKeyInvalid,
    Identity,
    Recipient,
    identities_from_key_file,
    passphrase_identity,
    passphrase_recipient,
    recipient_from_text,
)
from desktop_app.core.services.bundles import ExportRequest

_MAX_KEY_FILE = 64 * 1024


def register(commands: Any) -> None:
    """Add ``bundle ...`` to the top-level grammar."""
    bundle = commands.add_parser("bundle", help="encrypted report bundles (age)")
    verbs = bundle.add_subparsers(dest="bundle_command", required=True)

    export = verbs.add_parser("export", help="seal a report for a recipient as an age-encrypted bundle")
    export.add_argument("report", metavar="REPORT", help="the report id (or a unique prefix)")
    export.add_argument("--to", action="append", default=[], metavar="AGE1...", help="an age recipient (repeatable)")
    export.add_argument("--age-passphrase-file", help="seal to the passphrase in this file instead")
    export.add_argument("-o", "--output", required=True, help="the bundle file to write")
    export.add_argument("--recipient", required=True, help="who receives it (recorded in the custody log)")
    export.add_argument("--role", required=True, choices=[str(r) for r in RecipientRole])
    export.add_argument("--hash-only", action="store_true", help="hashes and metadata only, no depictions")
    export.add_argument("--legal-basis", default="", help="why the recipient may have it (required for evidence)")
    export.add_argument("--legal-process", default="", help="the legal process answered (subpoena, order number)")
    second_person.add_arguments(export)
    export.set_defaults(run=_export)

    verify = verbs.add_parser("verify", help="check a bundle: every hash, the signatures and the custody proofs")
    _identity_arguments(verify)
    verify.add_argument("--expect-key", help="the workspace verifier key the sender gave you")
    verify.add_argument("--json", action="store_true", help="print the result as one JSON object")
    verify.set_defaults(run=_verify)

    imported = verbs.add_parser("import", help="check a bundle and store its evidence in this workspace's vault")
    _identity_arguments(imported)
    imported.set_defaults(run=_import)


def _identity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the bundle")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--identity", metavar="KEYFILE", help="an age key file (AGE-SECRET-KEY-1... lines)")
    which.add_argument("--age-passphrase-file", metavar="F", help="the bundle's passphrase, first line of F")


def _passphrase_from(name: str) -> str:
    raw = read_capped(name, 4096, "the bundle passphrase file")
    text = raw.decode("utf-8", "replace").splitlines()
    if not text or not text[0]:
        raise AgeKeyInvalid(f"The passphrase file {printable(name)} is empty.")
    return text[0]


def identities_from(args: argparse.Namespace) -> list[Identity]:
    """The age identities named by ``--identity`` or ``--age-passphrase-file``."""
    if args.age_passphrase_file:
        return [passphrase_identity(_passphrase_from(args.age_passphrase_file))]
    text = read_capped(args.identity, _MAX_KEY_FILE, "the key file").decode("utf-8", "replace")
    return identities_from_key_file(text)


def recipients_from(args: argparse.Namespace) -> list[Recipient]:
    """The age recipients named by ``--to`` or ``--age-passphrase-file``."""
    if args.age_passphrase_file and args.to:
        raise AgeKeyInvalid("A passphrase bundle can have no other recipient: use --to or --age-passphrase-file.")
    if args.age_passphrase_file:
        return [passphrase_recipient(_passphrase_from(args.age_passphrase_file))]
    if not args.to:
        raise AgeKeyInvalid("Name at least one recipient with --to age1... (or use --age-passphrase-file).")
    return [recipient_from_text(text) for text in args.to]


def _export(args: argparse.Namespace) -> int:
    recipients = recipients_from(args)
    request = ExportRequest(
        args.recipient,
        RecipientRole(args.role),
        Profile.HASH_ONLY if args.hash_only else Profile.FULL_EVIDENCE,
        args.legal_basis,
        args.legal_process,
    )
    with services(args) as wired:
        report_id = wired.reports.resolve_id(args.report)
        if request.profile is Profile.FULL_EVIDENCE:
            confirmed = second_person.confirmation(args, wired.workspace, "a full-evidence export")
            request = replace(request, second_person=confirmed)
        result = run_to_completion(wired.bundles.export_report(report_id, recipients, Path(args.output), request))
    print(f"wrote {printable(result.path)} ({result.size:,} bytes, {result.members} members)")
    print(f"SHA-256 {result.sha256}  (give this to the recipient to compare)")
    return EXIT_OK


def _print_check(check: BundleCheck, as_json: bool) -> int:
    if as_json:
        print(
            json_text(
                {
                    "ok": check.ok,
                    "members": check.members,
                    "evidence_bytes": check.evidence_bytes,
                    "verifier_key": check.verifier_key,
                    "differences": [
                        {"code": d.code, "member": d.member, "message": d.message} for d in check.differences
                    ],
                }
            )
        )
    else:
        for difference in check.differences:
            print(f"DIFFERS  {printable(difference.member)}  [{difference.code}] {printable(difference.message)}")
        verdict = "intact" if check.ok else plural(len(check.differences), 'difference')
        print(f"{verdict}: {plural(check.members, 'member')}, {check.evidence_bytes:,} bytes of evidence")
        print(f"signed by workspace key {printable(check.verifier_key)}")
    return EXIT_OK if check.ok else EXIT_FAILED


def _verify(args: argparse.Namespace) -> int:
    identities = identities_from(args)
    try:
        handle = open(args.file, "rb")  # noqa: SIM115 - closed below
    except OSError as problem:
        print(f"evidence-desk: cannot read {printable(args.file)}: {problem.strerror}", file=sys.stderr)
        return EXIT_ERROR
    with handle:
        check = run_to_completion(check_bundle(handle, identities, args.expect_key))
    return _print_check(check, args.json)


def _import(args: argparse.Namespace) -> int:
    identities = identities_from(args)
    with services(args) as wired:
        try:
            result = run_to_completion(wired.bundles.import_bundle(Path(args.file), identities))
        except OSError as problem:
            raise EvidenceDeskError(f"Cannot read {printable(args.file)}: {problem.strerror}.") from None
    status = _print_check(result.check, False)
    if result.check.ok:
        print(f"imported {plural(len(result.blob_ids), 'evidence file')} into the vault")
    else:
        print("nothing was imported")
    return status
