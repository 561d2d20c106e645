"""Intake: ``hash`` (no workspace), ``import`` and ``items``.

    evidence-desk hash FILE... [--json]
    evidence-desk [--profile-dir DIR] import PATH... [--manifest FILE] [--allow-outside PATH]... [--json]
    evidence-desk [--profile-dir DIR] items [--json]

``hash`` and ``import`` exit 1 when some items could not be read as they were.
"""

import argparse
import base64
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from desktop_app.cli.common import EXIT_FAILED, EXIT_OK, UsageError, json_text, printable, services
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import Item, ItemSource
from desktop_app.core.domain.media import MediaAnalysis
from desktop_app.core.intake.digest import digest_file
from desktop_app.core.intake.reading import NotReadable
from desktop_app.core.intake.summary import ImportProgress, ImportSummary, IntakeResult
from desktop_app.core.progress import CancelToken, ProgressGenerator, run_to_completion


def register(commands: Any) -> None:
    """Add ``hash``, ``import`` and ``items`` to the top-level grammar."""
    hash_ = commands.add_parser("hash", help="MD5, SHA-1, SHA-256 and PDQ/vPDQ of files (no workspace needed)")
    hash_.add_argument("files", nargs="+", metavar="FILE")
    hash_.add_argument("--json", action="store_true", help="one JSON object per file")
    hash_.add_argument("--match", action="store_true", help="match against the --list files (no workspace)")
    hash_.add_argument("--list", action="append", default=[], metavar="FILE", help="a hash-list file (repeatable)")
    hash_.add_argument("--list-format", help="the list files' format (proposed from each file if not given)")
    hash_.add_argument("--list-algorithm", help="plain-text lists: which hash every line is")
    hash_.set_defaults(run=cmd_hash)

    import_ = commands.add_parser("import", help="take files, folders and a manifest into the workspace")
    import_.add_argument("paths", nargs="*", metavar="PATH")
    import_.add_argument("--manifest", metavar="FILE", help="a CSV or JSON manifest from the platform")
    import_.add_argument(
        "--allow-outside",
        action="append",
        default=[],
        metavar="PATH",
        help="let manifest rows name this file (or files below this folder) although it is outside the "
        "manifest's folder; repeatable",
    )
    import_.add_argument("--json", action="store_true", help="the summary as one JSON object")
    import_.set_defaults(run=cmd_import)

    items = commands.add_parser("items", help="list the queue")
    items.add_argument("--json", action="store_true", help="one JSON object per item")
    items.set_defaults(run=cmd_items)


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
    analyses: dict[bytes, MediaAnalysis] = {}
    for path, analysis in _perceptual(readable):
        analyses[path] = analysis
        records[path].update(_analysis_json(analysis))
    if args.match:
        from desktop_app.cli.lists import match_without_workspace

        match_without_workspace(args, records, analyses)
    for record in records.values():
        if args.json:
            print(json_text(record))
            continue
        print(printable(record["path"]))
        if "sha256" not in record or record["outcome"] != "ok":
            print(f"  {record['outcome']}: {printable(record['detail'])}")
        for key in ("md5", "sha1", "sha256"):
            if key in record:
                print(f"  {key:<7} {record[key]}")
        if record.get("pdq"):
            print(f"  {'pdq':<7} {record['pdq']} quality {record['pdq_quality']}")
        for line in record.get("vpdq") or ():
            print(f"  {'vpdq':<7} {line}")
        if record.get("render_problem"):
            print(f"  {'render':<7} cannot render ({record['render_problem']})")
        for match in record.get("matches") or ():
            print(f"  {'match':<7} {match['list_name']}: {match['entry_key']} distance {match['distance']}")
        for note in record.get("match_notes") or ():
            print(f"  {'match':<7} {note}")
    return EXIT_OK if all(r["outcome"] == "ok" for r in records.values()) else EXIT_FAILED


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
            json_text(
                {
                    "results": [_result_json(r) for r in summary.results],
                    "findings": findings,
                    "cancelled": summary.cancelled,
                    "items_added": summary.items_added,
                    "sources_added": summary.sources_added,
                    "already_here": summary.already_here,
                    "empty_files": summary.empty_files,
                    "bytes_read": summary.bytes_read,
                    "analysed": summary.analysed,
                    "ok": summary.ok,
                },
            )
        )
        return
    for result in summary.results:
        status = "new" if result.new_item else "more-source" if result.new_source else "unchanged"
        detail = f"  ({printable(result.detail)})" if result.detail else ""
        shown = printable(result.display_path)
        print(f"{result.outcome!s:<20} {status:<12} {(result.item_id or '-')[:12]:<12} {shown}{detail}")
    for finding in summary.findings:
        where = f"row {finding.row}" + (f" ({printable(finding.field)})" if finding.field else "")
        print(f"manifest {finding.severity}: {where}: {printable(finding.message)}")
    parts = [plural(summary.items_added, "new item")]
    if summary.already_here:
        parts.append(f"{plural(summary.already_here, 'file')} already in the workspace")
    if summary.sources_added:
        parts.append(f"{plural(summary.sources_added, 'more source')} for items already here")
    if summary.empty_files:
        parts.append(plural(summary.empty_files, "empty file"))
    parts.append(f"{len(summary.problems):,} with problems")
    if summary.findings:
        parts.append(plural(len(summary.findings), "manifest finding"))
    print(f"{'Cancelled. ' if summary.cancelled else ''}{', '.join(parts)}.")


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
    pool = _decoder_pool()
    try:
        with services(args, analyse=pool.submit_analyse if pool is not None else None) as wired:
            token = CancelToken()
            steps = wired.items.import_paths(
                [os.fsencode(p) for p in args.paths],
                args.manifest,
                token,
                allow_outside=[os.fsencode(p) for p in args.allow_outside],
            )
            summary = _drive_import(steps, token, show=sys.stderr.isatty() and not args.json)
            # Matched on import: the new items against every hash list the workspace holds.
            new_ids = [r.item_id for r in summary.results if r.new_item and r.item_id]
            if new_ids and wired.hashlists.lists():
                matched = run_to_completion(wired.hashlists.match_items(new_ids, token)).matched
                print(f"{matched} of {len(new_ids)} new items match a hash list ('match --all').", file=sys.stderr)
    finally:
        if pool is not None:
            pool.close()
    _print_summary(summary, args.json)
    return EXIT_OK if summary.ok else EXIT_FAILED


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
    with services(args, quiet=True) as wired:
        items = wired.items.list_items()
    for item in items:
        if args.json:
            print(json_text(_item_json(item)))
            continue
        sha = item.digests.sha256[:12] if item.digests else "-"
        quality = str(item.analysis.pdq.quality) if item.analysis and item.analysis.pdq else "-"
        size = f"{item.size:,}" if item.size is not None else "-"
        print(
            f"{printable(item.item_id[:12])}  {item.kind!s:<7} {item.state!s:<10} {item.outcome!s:<20} "
            f"{size:>14}  {sha:<12} q={quality:<4} {'viewed ' if item.viewed else ''}{printable(item.display_name)}"
        )
    if not args.json:
        print(f"{plural(len(items), 'item')}.", file=sys.stderr)
    return EXIT_OK
