"""Headless commands on the same core as the app: for scripts, support and counsel.

    evidence-desk [--profile-dir DIR] init [--reviewer NAME]
    evidence-desk [--profile-dir DIR] log verify [--checkpoint FILE]... [--structure-only] [--json]
    evidence-desk [--profile-dir DIR] log show [--json] [--type TYPE]
    evidence-desk [--profile-dir DIR] checkpoint export [-o FILE]
    evidence-desk hash FILE... [--json]
    evidence-desk [--profile-dir DIR] import PATH... [--manifest FILE] [--json]
    evidence-desk [--profile-dir DIR] items [--json]

The passphrase comes from ``--passphrase-file``, else ``EVIDENCE_DESK_PASSPHRASE``, else a prompt.
Exit codes: 0 success; 1 the custody log failed verification, or (hash, import) some items had
problems; 2 an error the user can act on.
"""

import argparse
import base64
import getpass
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop_app import __version__
from desktop_app.core.crypto import kdf
from desktop_app.core.domain.items import Item, ItemSource
from desktop_app.core.domain.media import MediaAnalysis
from desktop_app.core.errors import EvidenceDeskError, PassphraseRejected
from desktop_app.core.intake.digest import digest_file
from desktop_app.core.intake.reading import NotReadable
from desktop_app.core.intake.summary import ImportProgress, ImportSummary, IntakeResult
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import system_secret_store
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.anchor import parse_anchor_text
from desktop_app.core.storage.custody_log import Verification
from desktop_app.report_cli import add_report_commands

PASSPHRASE_ENV = "EVIDENCE_DESK_PASSPHRASE"
EXIT_OK, EXIT_LOG_BAD, EXIT_ERROR = 0, 1, 2
EXIT_PROBLEMS = 1  # hash and import: some items could not be read as they were


class UsageError(EvidenceDeskError):
    """The command line asks for nothing to do."""

    code = "usage"


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        # Taken out of the environment so the decoder processes we spawn never inherit it.
        return os.environ.pop(PASSPHRASE_ENV)
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


# -- intake: hash, import, items ------------------------------------------------------------------


def _shown(path: bytes) -> dict[str, str]:
    """A path for output: lossy text, plus the exact bytes when they are not UTF-8."""
    try:
        return {"path": path.decode("utf-8")}
    except UnicodeDecodeError:
        return {"path": path.decode("utf-8", "replace"), "path_b64": base64.b64encode(path).decode()}


def _analysis_json(analysis: MediaAnalysis | None) -> dict[str, Any]:
    if analysis is None:
        return {}
    return {
        "media_kind": str(analysis.kind),
        "format": analysis.format,
        "pdq": analysis.pdq.hex if analysis.pdq else None,
        "pdq_quality": analysis.pdq.quality if analysis.pdq else None,
        "vpdq": [frame.to_line() for frame in analysis.vpdq],
        "render_problem": str(analysis.problem) if analysis.problem else None,
    }


def _perceptual(paths: list[bytes]) -> Iterator[tuple[bytes, MediaAnalysis]]:
    """PDQ / vPDQ from the sandboxed decoder (imported only here: ``hash`` on text files needs none)."""
    if not paths:
        return
    try:
        from desktop_app.core.decoding import pool
    except ImportError:
        print("evidence-desk: perceptual hashes are not available in this build.", file=sys.stderr)
        return
    analyse_paths = getattr(pool, "analyse_paths", None)
    if analyse_paths is not None:
        # Keyed by the Path's own spelling: Path("./a.jpg") is "a.jpg", and that is what comes back.
        by_path = {str(Path(os.fsdecode(p))): p for p in paths}
        for path, analysis in analyse_paths([Path(name) for name in by_path]):
            if str(path) in by_path:
                yield by_path[str(path)], analysis
        return
    with pool.DecoderPool() as decoders:
        futures = [(path, decoders.submit_analyse(Path(os.fsdecode(path)))) for path in paths]
        for path, future in futures:
            yield path, future.result()


def cmd_hash(args: argparse.Namespace) -> int:
    """MD5, SHA-1, SHA-256 (one read) and PDQ or vPDQ of files; no workspace involved."""
    records: dict[bytes, dict[str, Any]] = {}
    for name in args.files:
        path = os.fsencode(name)
        try:
            digests, facts = digest_file(path)
        except NotReadable as refused:
            records[path] = {**_shown(path), "outcome": str(refused.outcome), "detail": refused.detail}
            continue
        records[path] = {
            **_shown(path),
            "outcome": "changed-while-read" if facts.changed else "ok",
            "detail": facts.detail,
            "size": facts.bytes_read,
            "md5": digests.md5,
            "sha1": digests.sha1,
            "sha256": digests.sha256,
        }
    readable = [path for path, record in records.items() if "sha256" in record]
    for path, analysis in _perceptual(readable):
        records[path].update(_analysis_json(analysis))
    for record in records.values():
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
            continue
        print(record["path"])
        if "sha256" not in record or record["outcome"] != "ok":
            print(f"  {record['outcome']}: {record['detail']}")
        for key in ("md5", "sha1", "sha256"):
            if key in record:
                print(f"  {key:<7} {record[key]}")
        if record.get("pdq"):
            print(f"  {'pdq':<7} {record['pdq']} quality {record['pdq_quality']}")
        for line in record.get("vpdq") or ():
            print(f"  {'vpdq':<7} {line}")
        if record.get("render_problem"):
            print(f"  {'render':<7} cannot render ({record['render_problem']})")
    return EXIT_OK if all(r["outcome"] == "ok" for r in records.values()) else EXIT_PROBLEMS


def _drive_import(steps: ProgressGenerator[ImportSummary], token: CancelToken, show: bool) -> ImportSummary:
    """Run the import; Ctrl-C cancels cleanly (finished items are kept) instead of killing it."""
    shown_at = 0.0
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            if show:
                print(file=sys.stderr)
            return done.value  # type: ignore[no-any-return]
        except KeyboardInterrupt:
            token.cancel()  # the generator notices at its next check and commits what is finished
            continue
        if show and isinstance(step, ImportProgress) and time.monotonic() - shown_at > 0.2:
            shown_at = time.monotonic()
            files = f"{step.files_done}/{step.files_total or '?'}"
            print(f"\r{step.phase}: {files} files, {step.done / 1e6:,.1f} MB   ", end="", file=sys.stderr)


def _result_json(result: IntakeResult) -> dict[str, Any]:
    return {
        **(_shown(result.path) if result.path is not None else {"path": None}),
        "kind": str(result.kind),
        "outcome": str(result.outcome),
        "detail": result.detail,
        "item_id": result.item_id,
        "source_id": result.source_id,
        "new_item": result.new_item,
        "new_source": result.new_source,
        "size": result.size,
        "md5": result.digests.md5 if result.digests else None,
        "sha1": result.digests.sha1 if result.digests else None,
        "sha256": result.digests.sha256 if result.digests else None,
    }


def _print_summary(summary: ImportSummary, as_json: bool) -> None:
    findings = [vars(finding) for finding in summary.findings]
    if as_json:
        print(
            json.dumps(
                {
                    "results": [_result_json(r) for r in summary.results],
                    "findings": findings,
                    "cancelled": summary.cancelled,
                    "items_added": summary.items_added,
                    "sources_added": summary.sources_added,
                    "bytes_read": summary.bytes_read,
                    "analysed": summary.analysed,
                    "ok": summary.ok,
                },
                ensure_ascii=False,
            )
        )
        return
    for result in summary.results:
        status = "new" if result.new_item else "more-source" if result.new_source else "unchanged"
        detail = f"  ({result.detail})" if result.detail else ""
        print(f"{result.outcome!s:<20} {status:<12} {(result.item_id or '-')[:12]:<12} {result.display_path}{detail}")
    for finding in summary.findings:
        where = f"row {finding.row}" + (f" ({finding.field})" if finding.field else "")
        print(f"manifest {finding.severity}: {where}: {finding.message}")
    problems = len(summary.problems)
    print(
        f"{'Cancelled. ' if summary.cancelled else ''}{summary.items_added} new items, "
        f"{summary.sources_added} more sources for items already here, {problems} with problems, "
        f"{len(summary.findings)} manifest findings."
    )


def _decoder_pool() -> Any:
    """The sandboxed decoder pool, if this build has it (analysis is then recorded with the import)."""
    try:
        from desktop_app.core.decoding.pool import DecoderPool
    except ImportError:
        return None
    return DecoderPool()


def cmd_import(args: argparse.Namespace) -> int:
    """Take files, folders and a manifest's rows into the workspace."""
    if not args.paths and not args.manifest:
        raise UsageError("Name files or folders to import, or a --manifest.")
    workspace = _unlocked(args)
    pool = _decoder_pool()
    try:
        service = ItemService(workspace, analyse=pool.submit_analyse if pool is not None else None)
        token = CancelToken()
        steps = service.import_paths([os.fsencode(p) for p in args.paths], args.manifest, token)
        summary = _drive_import(steps, token, show=sys.stderr.isatty() and not args.json)
    finally:
        if pool is not None:
            pool.close()
        workspace.close()
    _print_summary(summary, args.json)
    return EXIT_OK if summary.ok else EXIT_PROBLEMS


def _source_json(source: ItemSource) -> dict[str, Any]:
    return {
        **(_shown(source.path) if source.path is not None else {"path": None}),
        "original_name": source.display_name,
        "content_url": source.content_url,
        "uploader_account_id": source.uploader_account_id,
        "uploader_screen_name": source.uploader_screen_name,
        "upload_ip": source.upload_ip,
        "upload_port": source.upload_port,
        "upload_time": source.upload_time.isoformat() if source.upload_time else None,
        "message_id": source.message_id,
        "manifest": source.manifest,
        "extra": source.extra,
        "added_at": source.added_at.isoformat(),
    }


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "kind": str(item.kind),
        "state": str(item.state),
        "added_at": item.added_at.isoformat(),
        "name": item.display_name,
        "outcome": str(item.outcome),
        "detail": item.outcome_detail,
        "size": item.size,
        "md5": item.digests.md5 if item.digests else None,
        "sha1": item.digests.sha1 if item.digests else None,
        "sha256": item.digests.sha256 if item.digests else None,
        "link_target": item.link_target.decode("utf-8", "replace") if item.link_target is not None else None,
        "viewed": item.viewed,
        "dismiss_reason": item.dismiss_reason,
        **_analysis_json(item.analysis),
        "sources": [_source_json(source) for source in item.sources],
    }


def cmd_items(args: argparse.Namespace) -> int:
    """List the queue."""
    workspace = _unlocked(args)
    try:
        items = ItemService(workspace).list_items()
    finally:
        workspace.close()
    for item in items:
        if args.json:
            print(json.dumps(_item_json(item), ensure_ascii=False))
            continue
        sha = item.digests.sha256[:12] if item.digests else "-"
        quality = str(item.analysis.pdq.quality) if item.analysis and item.analysis.pdq else "-"
        size = f"{item.size:,}" if item.size is not None else "-"
        print(
            f"{item.item_id[:12]}  {item.kind!s:<7} {item.state!s:<10} {item.outcome!s:<20} {size:>14}  {sha:<12} "
            f"q={quality:<4} {'viewed ' if item.viewed else ''}{item.display_name}"
        )
    if not args.json:
        print(f"{len(items)} items.", file=sys.stderr)
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

    hash_ = commands.add_parser("hash", help="MD5, SHA-1, SHA-256 and PDQ/vPDQ of files (no workspace needed)")
    hash_.add_argument("files", nargs="+", metavar="FILE")
    hash_.add_argument("--json", action="store_true", help="one JSON object per file")
    hash_.set_defaults(run=cmd_hash)

    import_ = commands.add_parser("import", help="take files, folders and a manifest into the workspace")
    import_.add_argument("paths", nargs="*", metavar="PATH")
    import_.add_argument("--manifest", metavar="FILE", help="a CSV or JSON manifest from the platform")
    import_.add_argument("--json", action="store_true", help="the summary as one JSON object")
    import_.set_defaults(run=cmd_import)

    items = commands.add_parser("items", help="list the queue")
    items.add_argument("--json", action="store_true", help="one JSON object per item")
    items.set_defaults(run=cmd_items)
    add_report_commands(commands)
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
