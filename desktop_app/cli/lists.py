"""Hash lists: ``lists import``, ``lists show``, ``lists suppress``, ``lists export`` and ``match``.

    evidence-desk lists import FILE --list NAME [--format F] [--algorithm A] [--map COL=ROLE ...] [--json]
    evidence-desk lists show [--json]
    evidence-desk lists suppress ENTRY --reason TEXT [--item ITEM]
    evidence-desk lists export FILE --format hma-csv|text [--algorithm A]
    evidence-desk match [ITEM ... | --all] [--json]

``hash FILE --match --list FILE`` (in the intake group) matches without a workspace, through
``match_without_workspace`` here. Imports exit 1 when the file had bad rows (they were counted and
listed, the rest imported); ``match`` exits 0 whether or not anything matched.
"""

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import Any

from desktop_app.cli.common import EXIT_FAILED, EXIT_OK, UsageError, services
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.hashlists import Algorithm, HashList, ListFormat, MatchOutcome
from desktop_app.core.domain.media import MediaAnalysis
from desktop_app.core.errors import OperationCancelled
from desktop_app.core.hashlists.contents import ListContents, merge
from desktop_app.core.hashlists.errors import ListNotFound
from desktop_app.core.hashlists.matching import ItemHashes, LoadedList, Matcher
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.hashlists.readers import guess_format, read_list
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator, T

FORMATS = [str(f) for f in ListFormat]
ALGORITHMS = [str(a) for a in Algorithm if a != Algorithm.VPDQ]


def register(commands: Any) -> None:
    """Add ``lists`` (with its sub-commands) and ``match`` to the top-level grammar."""
    lists = commands.add_parser("lists", help="hash lists: import, show, suppress an entry, export our own hashes")
    sub = lists.add_subparsers(dest="lists_command", required=True)

    import_ = sub.add_parser("import", help="import a list file into a list (created if new)")
    import_.add_argument("file", metavar="FILE")
    import_.add_argument("--list", required=True, metavar="NAME", help="the list's name (created if it is new)")
    import_.add_argument("--format", choices=FORMATS, help="the file's format (proposed from the file if not given)")
    import_.add_argument("--algorithm", choices=ALGORITHMS, help="plain text: which hash every line is")
    import_.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COL=ROLE",
        help=f"CSV/TSV: a column and what it holds ({', '.join(ALGORITHMS)}, label, tags, "
        "source_id, media_kind, deleted); repeat for more columns",
    )
    import_.add_argument("--source", default="", help="for a new list: the programme it comes from")
    import_.add_argument("--threshold", type=int, help="the list's PDQ distance threshold (default 31)")
    import_.add_argument("--json", action="store_true")
    import_.set_defaults(run=cmd_import)

    show = sub.add_parser("show", help="every list with its counts and import history")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=cmd_show)

    suppress = sub.add_parser("suppress", help="an entry is not a match (for one item, or everywhere)")
    suppress.add_argument("entry", metavar="ENTRY", help="algorithm:value, as 'match' prints it")
    suppress.add_argument("--reason", required=True)
    suppress.add_argument("--item", help="only for this item (otherwise for the whole workspace)")
    suppress.set_defaults(run=cmd_suppress)

    export = sub.add_parser("export", help="the hashes of reported items, to share back")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--format", choices=[str(ListFormat.HMA_CSV), str(ListFormat.TEXT)], required=True)
    export.add_argument("--algorithm", choices=ALGORITHMS, help="for text: which hash")
    export.set_defaults(run=cmd_export)

    match = commands.add_parser("match", help="match items against the lists")
    match.add_argument("items", nargs="*", metavar="ITEM")
    match.add_argument("--all", action="store_true", help="the whole queue")
    match.add_argument("--json", action="store_true", help="one JSON object per item")
    match.set_defaults(run=cmd_match)


def _drive(steps: ProgressGenerator[T], show: bool, token: CancelToken) -> T:
    """Run a core generator; Ctrl-C cancels it (nothing is half-written)."""
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            if show:
                print(file=sys.stderr)
            return done.value  # type: ignore[no-any-return]
        except KeyboardInterrupt:
            token.cancel()
            continue
        if show and isinstance(step, Progress):
            total = f"/{step.total:,}" if step.total else ""
            print(f"\r{step.message}: {step.done:,}{total}   ", end="", file=sys.stderr)


def _options(args: argparse.Namespace) -> ReadOptions:
    mapping = {}
    for pair in args.map:
        column, sep, role = pair.rpartition("=")
        if not sep or not column:
            raise UsageError(f"--map takes COLUMN=ROLE, e.g. md5=md5; got '{pair}'.")
        mapping[column] = role
    return ReadOptions(algorithm=Algorithm(args.algorithm) if args.algorithm else None, mapping=mapping)


def _format(args: argparse.Namespace) -> ListFormat:
    if args.format:
        return ListFormat(args.format)
    guessed = guess_format(args.file)
    if guessed is None:
        raise UsageError(f"Say which format {args.file} is: --format {{{','.join(FORMATS)}}}.")
    return guessed


def cmd_import(args: argparse.Namespace) -> int:
    """Import a list file (creating the list if it is new)."""
    fmt, options = _format(args), _options(args)
    token = CancelToken()
    with services(args) as desk:
        try:
            target = desk.hashlists.find(args.list)
        except ListNotFound:
            threshold = {} if args.threshold is None else {"pdq_threshold": args.threshold}
            target = desk.hashlists.create_list(args.list, args.source, **threshold)
        summary = _drive(
            desk.hashlists.import_file(target.list_id, args.file, fmt, options, token),
            not args.json and sys.stderr.isatty(),
            token,
        )
        rematch = _drive(desk.hashlists.match_items(cancel=token), False, token)
    if args.json:
        record = asdict(summary)
        record["rematched"] = asdict(rematch)
        print(json.dumps(record, default=str, ensure_ascii=False))
    else:
        print(
            f"{summary.list_name}: {summary.rows_read:,} rows read from {summary.file_name} ({summary.format}); "
            f"{summary.added:,} added, {summary.withdrawn:,} withdrawn, {summary.unchanged:,} already there, "
            f"{summary.unknown_withdrawals:,} withdrawals of entries the list did not hold."
        )
        for bad in summary.bad_rows[:20]:
            print(f"  line {bad.line}: {bad.reason}")
        if summary.bad_row_count > 20:
            print(f"  ... {summary.bad_row_count - 20:,} more bad rows")
        for kind, count in summary.ignored_types.items():
            print(f"  ignored {count:,} entries of type {kind} (not matched by this app)")
        print(
            f"Now {summary.counts.total_active:,} active entries. Re-matched {rematch.items:,} items: "
            f"{rematch.matched:,} matched, {rematch.changed:,} changed."
        )
    return EXIT_FAILED if summary.bad_row_count else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Every list, its counts and imports."""
    with services(args) as desk:
        lists = [(s, c, desk.hashlists.imports(s.list_id)) for s, c in desk.hashlists.lists()]
        suppressions = desk.hashlists.suppressions()
    if args.json:
        print(
            json.dumps(
                {
                    "lists": [
                        {**asdict(s), "active": c.active, "deleted": c.deleted, "imports": i} for s, c, i in lists
                    ],
                    "suppressions": suppressions,
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return EXIT_OK
    for settings, counts, imports in lists:
        state = "" if settings.enabled else " (disabled)"
        active = ", ".join(f"{k} {v:,}" for k, v in counts.active.items()) or "empty"
        print(
            f"{settings.name}{state}  [{settings.source or 'no source'}]  PDQ <= {settings.pdq_threshold}  "
            f"{active}; {counts.deleted:,} withdrawn; {len(imports)} imports"
        )
    for s in suppressions:
        scope = f"item {s['item_id']}" if s["item_id"] else "everywhere"
        print(f"suppressed {s['entry']} ({scope}): {s['reason']}")
    return EXIT_OK


def cmd_suppress(args: argparse.Namespace) -> int:
    """Mark an entry as not a match, for one item or for the whole workspace."""
    with services(args) as desk:
        if args.item:
            desk.hashlists.reject_match(args.item, args.entry, args.reason)
        else:
            desk.hashlists.suppress_entry(args.entry, args.reason)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the hashes of reported items."""
    algorithm = Algorithm(args.algorithm) if args.algorithm else None
    with services(args) as desk:
        count = desk.hashlists.export_confirmed(args.file, ListFormat(args.format), algorithm)
    print(f"{count:,} hashes written to {args.file}.")
    return EXIT_OK


def _outcome_json(outcome: MatchOutcome) -> dict[str, Any]:
    return {
        "item_id": outcome.item_id,
        "matches": [{**asdict(m), "entry_key": m.entry_key} for m in outcome.matches],
        "notes": list(outcome.notes),
    }


def _print_outcome(label: str, outcome: MatchOutcome) -> None:
    print(f"{label}: {plural(len(outcome.matches), 'match', 'matches')}" if outcome.matches else f"{label}: no match")
    for m in outcome.matches:
        extra = f" ({m.variant})" if m.variant and m.variant != "original" else ""
        if m.query_match_percent is not None:
            extra = f" ({m.query_match_percent:.0f} % of frames)"
        print(f"  {m.list_name}: {m.algorithm}:{m.entry} distance {m.distance}{extra}")
    for note in outcome.notes:
        print(f"  {note}")


def cmd_match(args: argparse.Namespace) -> int:
    """Match items (or the whole queue) and show what matched."""
    if not args.items and not args.all:
        raise UsageError("Name items to match, or --all for the whole queue.")
    token = CancelToken()
    with services(args) as desk:
        ids = None if args.all else list(args.items)
        _drive(desk.hashlists.match_items(ids, token), not args.json and sys.stderr.isatty(), token)
        outcomes = desk.hashlists.outcomes(ids)
    for item_id, outcome in outcomes.items():
        if args.json:
            print(json.dumps(_outcome_json(outcome), ensure_ascii=False))
        elif outcome.matches or outcome.notes or not args.all:
            _print_outcome(item_id, outcome)
    return EXIT_OK


def match_without_workspace(
    args: argparse.Namespace, records: dict[bytes, dict[str, Any]], analyses: dict[bytes, MediaAnalysis]
) -> None:
    """``hash --match --list FILE``: match hashed files against list files, nothing stored anywhere."""
    if not args.list:
        raise UsageError("--match needs at least one --list FILE.")
    loaded = []
    options = ReadOptions(algorithm=Algorithm(args.list_algorithm) if args.list_algorithm else None)
    for number, path in enumerate(args.list):
        fmt = ListFormat(args.list_format) if args.list_format else guess_format(path)
        if fmt is None:
            raise UsageError(f"Say which format {path} is: --list-format {{{','.join(FORMATS)}}}.")
        try:
            changes = _drive(read_list(path, fmt, options), False, CancelToken())
        except OperationCancelled:
            return
        contents, _ = merge(ListContents(), changes, 1)
        loaded.append(LoadedList(HashList(str(number), os.path.basename(path)), contents))
    queries = []
    for path, record in records.items():
        if "sha256" not in record:
            continue
        digests = {Algorithm.MD5: record["md5"], Algorithm.SHA1: record["sha1"], Algorithm.SHA256: record["sha256"]}
        analysis = analyses.get(path)
        quality = analysis.pdq.quality if analysis is not None and analysis.pdq is not None else None
        dihedral = analysis.dihedral if analysis is not None else ()
        vpdq = tuple((f.hex, f.quality) for f in analysis.vpdq) if analysis is not None else ()
        queries.append(ItemHashes(os.fsdecode(path), digests, quality, dihedral, vpdq))
    for outcome in Matcher(loaded).match(queries):
        record = records[os.fsencode(outcome.item_id)]
        record["matches"] = _outcome_json(outcome)["matches"]
        record["match_notes"] = list(outcome.notes)
