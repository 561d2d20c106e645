"""Follow-ups on reports: ``followup add`` and ``followup list``.

    evidence-desk followup add REPORT KIND [--from WHO] [--reference REF] [--note TEXT] [--at DATE]
    evidence-desk followup list (REPORT | --account ACCOUNT) [--json]

KIND is one of law-enforcement-contact, preservation-request, legal-process, information-received
(these need ``--from``), account-suspended, content-removed, appeal, other.
"""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from desktop_app.cli.common import EXIT_OK, UsageError, json_text, printable, services
from desktop_app.core.domain.followups import FollowUp, FollowUpKind


def register(commands: Any) -> None:
    """Add ``followup ...`` to the top-level grammar."""
    followup = commands.add_parser("followup", help="what happened about a report after it was filed")
    sub = followup.add_subparsers(dest="followup_command", required=True)
    add = sub.add_parser("add", help="record a follow-up on a report")
    add.add_argument("report", help="the report id or a unique prefix")
    add.add_argument("kind", choices=[str(k) for k in FollowUpKind])
    add.add_argument("--from", dest="counterpart", default="", help="who it came from (agency, NCMEC, court)")
    add.add_argument("--reference", default="")
    add.add_argument("--note", default="")
    add.add_argument("--at", help="when it happened (YYYY-MM-DD or ISO 8601; default now)")
    add.set_defaults(run=cmd_followup_add)
    listing = sub.add_parser("list", help="a report's or an account's follow-up timeline")
    listing.add_argument("report", nargs="?", help="the report id or a unique prefix")
    listing.add_argument("--account", help="every report naming this account id or screen name")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_followup_list)


def _print(followup: FollowUp, as_json: bool) -> None:
    if as_json:
        print(
            json_text(
                {
                    "followup": followup.followup_id,
                    "report": followup.report_id,
                    "kind": str(followup.kind),
                    "at": followup.occurred_at.isoformat(),
                    "from": followup.counterpart,
                    "reference": followup.reference,
                    "note": followup.note,
                }
            )
        )
        return
    who = f" from {followup.counterpart}" if followup.counterpart else ""
    detail = " ".join(p for p in (followup.reference, followup.note) if p)
    print(
        f"{followup.occurred_at:%Y-%m-%d %H:%M}Z  {followup.report_id[:8]}  {followup.kind}{printable(who)}: "
        f"{printable(detail)}"
    )


def cmd_followup_add(args: argparse.Namespace) -> int:
    """Record one follow-up."""
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise UsageError(f"{printable(args.at)} is not a date; write YYYY-MM-DD or an ISO 8601 time.") from None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    with services(args) as wired:
        report_id = wired.reports.resolve_id(args.report)
        followup = wired.lifecycle.followups.record(
            report_id,
            FollowUpKind(args.kind),
            occurred_at=at,
            counterpart=args.counterpart,
            reference=args.reference,
            note=args.note,
        )
    _print(followup, False)
    return EXIT_OK


def cmd_followup_list(args: argparse.Namespace) -> int:
    """Print a timeline."""
    if bool(args.report) == bool(args.account):
        raise UsageError("Name a report, or an account with --account.")
    with services(args) as wired:
        if args.account:
            found = wired.lifecycle.followups.account_timeline(args.account)
        else:
            found = wired.lifecycle.followups.timeline(wired.reports.resolve_id(args.report))
    for followup in found:
        _print(followup, args.json)
    if not args.json:
        print(f"{len(found)} follow-ups.", file=sys.stderr)
    return EXIT_OK
