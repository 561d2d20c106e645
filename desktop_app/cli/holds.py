"""The preservation lifecycle: ``holds``, ``retention`` and ``destroy``.

    evidence-desk holds list [--all] [--json]
    evidence-desk holds add SOURCE (--report REPORT | --item ITEM ...) [--context ITEM ...]
                            [--until DATE] [--start DATE] [--purpose TEXT] [--requester TEXT]
                            [--reference TEXT] [--note TEXT]
    evidence-desk holds renew HOLD [--until DATE] [--reference TEXT]
    evidence-desk holds release HOLD --reason TEXT
    evidence-desk retention [--due DAYS] [--review-due] [--by-request] [--json]
    evidence-desk destroy ITEM|REPORT --reason TEXT [--request-ref REF --requester AGENCY
                          --request-date DATE] [--confirm CODE]
                          [--second-person NAME --second-passphrase-file FILE]
    evidence-desk stats --from DATE --to DATE [--csv FILE]

SOURCE is one of ``2258A(h)(5)`` (or ``h5``), ``2703(f)`` (or ``2703f``), ``litigation``,
``other``; the one-year 2258A(h)(1) hold of a finished report is automatic. Dates are
``YYYY-MM-DD`` (midnight UTC) or full ISO 8601 times. ``destroy`` is two steps: without
``--confirm`` it prints what would be destroyed and the code that confirms exactly that; run it
again with ``--confirm CODE`` (or type the code when asked on a terminal). When the settings ask
for a second person, the second step also needs their name and passphrase (asked on a terminal).
Nothing is deleted automatically, ever.
"""

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from desktop_app.cli import second_person
from desktop_app.cli.common import EXIT_FAILED, EXIT_OK, UsageError, json_text, printable, services
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.holds import Hold, HoldSource
from desktop_app.core.services.destruction import DestructionRequest
from desktop_app.core.services.retention import RetentionFilter, RetentionRow
from desktop_app.core.services.statistics import FIGURES, figures_from_events
from desktop_app.core.services.wiring import Services

_SOURCES = {
    "2258a(h)(5)": HoldSource.VOLUNTARY,
    "h5": HoldSource.VOLUNTARY,
    "2703(f)": HoldSource.REQUEST_2703F,
    "2703f": HoldSource.REQUEST_2703F,
    "litigation": HoldSource.LITIGATION,
    "other": HoldSource.OTHER,
}


def register(commands: Any) -> None:
    """Add ``holds``, ``retention`` and ``destroy`` to the top-level grammar."""
    holds = commands.add_parser("holds", help="preservation holds on items and reports")
    sub = holds.add_subparsers(dest="holds_command", required=True)
    listing = sub.add_parser("list", help="list active holds (--all: ended and released too)")
    listing.add_argument("--all", action="store_true", help="include ended and released holds")
    listing.add_argument("--json", action="store_true", help="one JSON object per hold")
    listing.set_defaults(run=cmd_holds_list)
    add = sub.add_parser("add", help="place a hold on a report's items or on chosen items")
    add.add_argument("source", help="2258A(h)(5) | 2703(f) | litigation | other")
    add.add_argument("--report", help="hold this report's files (id or unique prefix)")
    add.add_argument("--item", action="append", default=[], help="hold this item (repeatable)")
    add.add_argument("--context", action="append", default=[], help="an (h)(2) context item (repeatable)")
    add.add_argument("--until", help="the hold's end (2703(f): 90 days from --start by default)")
    add.add_argument("--start", help="when the hold starts, e.g. the request's date (default: now)")
    for name in ("purpose", "requester", "reference", "note"):
        add.add_argument(f"--{name}", default="")
    add.set_defaults(run=cmd_holds_add)
    renew = sub.add_parser("renew", help="extend an active hold (2703(f): by 90 days)")
    renew.add_argument("hold", help="the hold id or a unique prefix")
    renew.add_argument("--until", help="the new end (not for 2703(f), which adds 90 days)")
    renew.add_argument("--reference", default="", help="the renewed request's reference")
    renew.set_defaults(run=cmd_holds_renew)
    release = sub.add_parser("release", help="release an active hold early, with a reason")
    release.add_argument("hold", help="the hold id or a unique prefix")
    release.add_argument("--reason", required=True)
    release.set_defaults(run=cmd_holds_release)

    retention = commands.add_parser("retention", help="items and reports by preservation deadline")
    retention.add_argument("--due", type=int, metavar="DAYS", help="only deadlines within DAYS (and reviews due)")
    retention.add_argument("--review-due", action="store_true", help="only items no longer held")
    retention.add_argument("--by-request", action="store_true", help="only what a 2703(f) request holds")
    retention.add_argument("--json", action="store_true", help="one JSON object per row")
    retention.set_defaults(run=cmd_retention)

    destroy = commands.add_parser("destroy", help="cryptographically erase an item or a report's items (two steps)")
    destroy.add_argument("target", metavar="ITEM|REPORT", help="an item id or a report id (or unique prefixes)")
    destroy.add_argument("--reason", required=True)
    destroy.add_argument("--request-ref", help="a law-enforcement destruction request's reference (2258B(c)(2))")
    destroy.add_argument("--requester", default="", help="the agency that asked")
    destroy.add_argument("--request-date", help="when the request was received (default: today)")
    destroy.add_argument("--confirm", metavar="CODE", help="the code the first step printed")
    second_person.add_arguments(destroy)
    destroy.set_defaults(run=cmd_destroy)

    stats = commands.add_parser("stats", help="transparency figures for a period, recomputed from the custody log")
    stats.add_argument("--from", dest="start", required=True, help="first day of the period (YYYY-MM-DD)")
    stats.add_argument("--to", dest="end", required=True, help="the day after the period (YYYY-MM-DD)")
    stats.add_argument("--csv", metavar="FILE", help="write month,figure,value rows to FILE ('-': standard output)")
    stats.set_defaults(run=cmd_stats)


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{printable(text)} is not a date; write YYYY-MM-DD or an ISO 8601 time.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _hold_json(hold: Hold, now: datetime) -> dict[str, Any]:
    return {
        "hold": hold.hold_id,
        "source": str(hold.source),
        "state": str(hold.state(now)),
        "report": hold.report_id,
        "started_at": hold.started_at.isoformat(),
        "ends_at": hold.ends_at.isoformat() if hold.ends_at else None,
        "items": {k: str(v) for k, v in hold.items.items()},
        "why": hold.why,
        "renewals": len(hold.details.renewals),
        "release_reason": hold.details.release_reason or None,
    }


def _print_hold(hold: Hold, now: datetime) -> None:
    until = f"{hold.ends_at:%Y-%m-%d}" if hold.ends_at else "until released"
    print(
        f"{hold.hold_id[:8]}  {str(hold.state(now)):<8} {until:<14} {len(hold.items):>3} items  {printable(hold.why)}"
    )


def cmd_holds_list(args: argparse.Namespace) -> int:
    """List holds, soonest end first."""
    now = datetime.now(UTC)
    with services(args) as wired:
        found = [h for h in wired.lifecycle.holds.holds() if args.all or h.is_active(now)]
    for hold in found:
        if args.json:
            print(json_text(_hold_json(hold, now)))
        else:
            _print_hold(hold, now)
    if not args.json:
        print(f"{plural(len(found), 'hold')}.", file=sys.stderr)
    return EXIT_OK


def _item_ids(wired: Services, texts: list[str]) -> list[str]:
    known = [item.item_id for item in wired.items.list_items()]
    resolved = []
    for text in texts:
        matches = [i for i in known if i.startswith(text.strip().lower())] if len(text.strip()) >= 4 else []
        if len(matches) != 1:
            named = plural(len(matches), "item") if matches else "no item"
            raise UsageError(f"{printable(text)} names {named}; give more of its id.")
        resolved.append(matches[0])
    return resolved


def cmd_holds_add(args: argparse.Namespace) -> int:
    """Place a hold."""
    source = _SOURCES.get(args.source.strip().lower())
    if source is None:
        raise UsageError(f"Unknown hold source {printable(args.source)}; use one of: {', '.join(sorted(_SOURCES))}.")
    with services(args) as wired:
        report_id = wired.reports.resolve_id(args.report) if args.report else None
        hold = wired.lifecycle.holds.place(
            source,
            report_id=report_id,
            items=_item_ids(wired, args.item),
            context_items=_item_ids(wired, args.context),
            starts_at=_when(args.start),
            ends_at=_when(args.until),
            purpose=args.purpose,
            requester=args.requester,
            reference=args.reference,
            note=args.note,
        )
    _print_hold(hold, datetime.now(UTC))
    return EXIT_OK


def cmd_holds_renew(args: argparse.Namespace) -> int:
    """Extend a hold."""
    with services(args) as wired:
        hold = wired.lifecycle.holds.renew(args.hold, until=_when(args.until), reference=args.reference)
    _print_hold(hold, datetime.now(UTC))
    return EXIT_OK


def cmd_holds_release(args: argparse.Namespace) -> int:
    """Release a hold, with a reason."""
    with services(args) as wired:
        hold = wired.lifecycle.holds.release(args.hold, args.reason)
    _print_hold(hold, datetime.now(UTC))
    return EXIT_OK


def _row_json(row: RetentionRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "id": row.subject_id,
        "status": row.status,
        "until": row.until.isoformat() if row.until else None,
        "indefinite": row.indefinite,
        "review_due": row.review_due,
        "held_by_request": row.held_by_request,
        "destroyed_at": row.destroyed_at.isoformat() if row.destroyed_at else None,
        "holds": [{"hold": h.hold_id, "source": str(h.source), "why": h.why} for h in row.holds],
    }


def cmd_retention(args: argparse.Namespace) -> int:
    """Items and reports by deadline."""
    wanted = RetentionFilter(
        due_within=timedelta(days=args.due) if args.due is not None else None,
        review_due=args.review_due,
        held_by_request=args.by_request,
    )
    with services(args) as wired:
        rows = wired.lifecycle.retention.rows(wanted)
    for row in rows:
        if args.json:
            print(json_text(_row_json(row)))
        else:
            why = "; ".join(row.why) or "-"
            print(f"{row.kind:<6} {row.subject_id[:12]}  {row.status:<26} {printable(why)}")
    if not args.json:
        print(f"{plural(len(rows), 'row')}.", file=sys.stderr)
    return EXIT_OK


def _target(wired: Services, text: str) -> str:
    try:
        return _item_ids(wired, [text])[0]
    except UsageError:
        return wired.reports.resolve_id(text)


def cmd_destroy(args: argparse.Namespace) -> int:
    """Step one prints the plan and its code; with the code, step two destroys."""
    request = None
    if args.request_ref:
        received = _when(args.request_date)
        request = DestructionRequest(args.requester, args.request_ref, received.date() if received else date.today())
    with services(args) as wired:
        destruction = wired.lifecycle.destruction
        plan = destruction.prepare(_target(wired, args.target), args.reason, request)
        listed = ", ".join(i[:8] for i in plan.item_ids)
        print(f"Would destroy {plural(len(plan.item_ids), 'item')} ({plan.basis}): {listed}")
        code = args.confirm
        if code is None and sys.stdin.isatty():
            code = input(f"Type {plan.confirmation} to destroy them for good: ")
        if code is None:
            print(f"Nothing destroyed. To destroy, run again with --confirm {plan.confirmation}.")
            return EXIT_FAILED
        destroyed = destruction.carry_out(
            plan, code, second_person.confirmation(args, wired.workspace, "a destruction")
        )
    print(f"Destroyed {plural(len(destroyed), 'item')}; their hashes and the destruction stay in the custody log.")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Figures for [--from, --to), from the custody log."""
    start, end = _when(args.start), _when(args.end)
    assert start is not None and end is not None  # both required by the grammar
    with services(args) as wired:
        figures = figures_from_events((e.event for e in wired.workspace.events()), start, end)
    if args.csv == "-":
        sys.stdout.write(figures.to_csv())
    elif args.csv:
        with open(args.csv, "x", encoding="utf-8", newline="") as out:  # never overwrite
            out.write(figures.to_csv())
    for name in FIGURES:
        print(f"{name:<24} {figures.total(name):>6}", file=sys.stderr if args.csv == "-" else sys.stdout)
    return EXIT_OK
