"""Submitting reports to NCMEC from the command line, under ``report``.

    evidence-desk report submit REPORT --env practice|test|production [--yes] [--new-attempt] [--json]
    evidence-desk report resume REPORT [--json]
    evidence-desk report retract REPORT [--json]
    evidence-desk report status [REPORT] [--json]
    evidence-desk report new --from-xml FILE [--item ID ...] [--json]

``submit`` opens the report at NCMEC, uploads its files from the vault, describes and finishes it;
production asks for confirmation naming the report and its file count (``--yes`` answers it, and
is required where there is no terminal to ask on). ``--new-attempt`` records the reviewer's decision
to send again after a submit whose outcome stayed unknown. ``resume`` carries on a submission that
was interrupted; ``retract`` withdraws a report that is open at NCMEC. ``status`` shows where a
report (or every sent report) stands, with NCMEC's discard time for open ones. ``new --from-xml``
makes a report from a ``<report>`` document another system wrote; the named items become its files.

Exit codes: 0 the report is finished (submit, resume), withdrawn (retract), created without errors
(new) or the status was shown; 1 it stopped short (see the advice printed) or NCMEC would reject it;
2 an error the user can act on.
"""

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    json_text,
    print_findings,
    printable,
    services,
)
from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.cybertipline.parse import parse_report
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import (
    Environment,
    SubmissionProgress,
    SubmissionState,
    SubmissionStatus,
)
from desktop_app.core.errors import ReportHasErrors, SubmissionRefused
from desktop_app.core.progress import CancelToken

PRINT_EVERY = 1.0  # seconds between two upload-progress lines


def register_report_commands(reports: Any) -> None:
    """Add the submission commands to ``report``'s subcommands (called by ``cli.report.register``)."""
    submit = reports.add_parser(
        "submit",
        help="send a report to NCMEC: open it, upload its files, finish it",
        description="Send a report through the CyberTipline API. Production asks for confirmation (--yes skips).",
    )
    submit.add_argument("report", metavar="REPORT", help="the report id, or a unique prefix of it")
    submit.add_argument("--env", required=True, choices=[str(e) for e in Environment], help="where to send it")
    submit.add_argument("--yes", action="store_true", help="do not ask before sending to production")
    submit.add_argument(
        "--new-attempt",
        action="store_true",
        help="send again after a submit whose outcome stayed unknown (the decision is logged)",
    )
    submit.add_argument("--json", action="store_true", help="print the final status as JSON")
    submit.set_defaults(run=cmd_report_submit)
    resume = reports.add_parser("resume", help="carry on an interrupted submission (upload what is missing, finish)")
    resume.add_argument("report", metavar="REPORT")
    resume.add_argument("--json", action="store_true")
    resume.set_defaults(run=cmd_report_resume)
    retract = reports.add_parser("retract", help="withdraw a report that is open at NCMEC")
    retract.add_argument("report", metavar="REPORT")
    retract.add_argument("--json", action="store_true")
    retract.set_defaults(run=cmd_report_retract)
    status = reports.add_parser("status", help="where a report (or every sent report) stands with NCMEC")
    status.add_argument("report", metavar="REPORT", nargs="?")
    status.add_argument("--json", action="store_true", help="one JSON object per report")
    status.set_defaults(run=cmd_report_status)
    new = reports.add_parser(
        "new",
        help="make a report from a <report> XML document; the named items become its files",
        description="Parse a <report> document into Evidence Desk's model, check it, and keep it as a new report.",
    )
    new.add_argument("--from-xml", required=True, metavar="FILE", help="the <report> document ('-' for stdin)")
    new.add_argument("--item", action="append", default=[], metavar="ID", help="an item to attach as a file")
    new.add_argument("--json", action="store_true")
    new.set_defaults(run=cmd_report_new)


# -- submit, resume, retract --------------------------------------------------------------------


def cmd_report_submit(args: argparse.Namespace) -> int:
    """Send one report."""
    environment = Environment(args.env)
    with services(args) as wired:
        service = wired.submissions
        report_id = wired.reports.resolve_id(args.report)
        if args.new_attempt and service.status(report_id).state is SubmissionState.NEEDS_DECISION:
            service.acknowledge_unknown(report_id)
            print("Recorded: the earlier attempt's outcome stays unknown; sending again.", file=sys.stderr)
        try:
            plan = service.plan(report_id, environment)
        except ReportHasErrors as refused:
            return _print_refusal(report_id, refused, args.json)
        if environment is Environment.PRODUCTION and not args.yes:
            _confirm_production(plan.report_id, plan.title, plan.file_count, plan.total_bytes, plan.endpoint)
        print(
            f"Sending report {report_id[:8]} ({plan.file_count} files, {plan.total_bytes:,} bytes) to "
            f"{environment.label}: {plan.endpoint}",
            file=sys.stderr,
        )
        status = _drive(service.submit(report_id, environment, CancelToken()))
    return _finish(status, args.json, success=SubmissionState.FINISHED)


def cmd_report_resume(args: argparse.Namespace) -> int:
    """Carry on one interrupted submission."""
    with services(args) as wired:
        report_id = wired.reports.resolve_id(args.report)
        status = _drive(wired.submissions.resume(report_id, CancelToken()))
    return _finish(status, args.json, success=SubmissionState.FINISHED)


def cmd_report_retract(args: argparse.Namespace) -> int:
    """Withdraw one open report."""
    with services(args) as wired:
        report_id = wired.reports.resolve_id(args.report)
        status = _drive(wired.submissions.retract(report_id, CancelToken()))
    return _finish(status, args.json, success=SubmissionState.RETRACTED)


def _confirm_production(report_id: str, title: str, files: int, size: int, endpoint: str) -> None:
    question = (
        f"Send report {report_id[:8]} ({title}) with {plural(files, 'file')}, {size:,} bytes, to NCMEC PRODUCTION "
        f"({endpoint})? A finished report cannot be withdrawn. Type 'send' to confirm: "
    )
    if not sys.stdin.isatty():
        raise UsageError("Sending to NCMEC production needs confirmation: add --yes (there is no terminal to ask on).")
    if input(question).strip().lower() != "send":
        raise SubmissionRefused("Not confirmed; nothing was sent.")


def _drive(steps: Any) -> SubmissionStatus:
    """Run a submission generator, printing each step as it changes and uploads once a second."""
    shown: dict[str, str] = {}
    last_print = 0.0
    while True:
        try:
            progress: SubmissionProgress = next(steps)
        except StopIteration as stop:
            result: SubmissionStatus = stop.value
            return result
        for step in progress.steps:
            if shown.get(step.key) != step.status and step.status != "pending":
                shown[step.key] = step.status
                # Details quote NCMEC's descriptions: the server's text, so escaped before it is shown.
                detail = f"  {printable(step.detail)}" if step.detail and step.status != "done" else ""
                print(f"  [{step.status:<8}] {printable(step.label)}{detail}", file=sys.stderr)
        now = time.monotonic()
        if progress.bytes_per_second and progress.total and now - last_print >= PRINT_EVERY:
            last_print = now
            print(
                f"  {progress.done:,} of {progress.total:,} bytes, {progress.bytes_per_second / 1e6:.1f} MB/s",
                file=sys.stderr,
            )


def _finish(status: SubmissionStatus, as_json: bool, success: SubmissionState) -> int:
    if as_json:
        print(json_text(status_json(status)))
    else:
        _print_status(status)
    return EXIT_OK if status.state is success else EXIT_FAILED


# -- status -------------------------------------------------------------------------------------


def cmd_report_status(args: argparse.Namespace) -> int:
    """Show where one report, or every sent report, stands."""
    with services(args, quiet=True) as wired:
        if args.report:
            statuses = [wired.submissions.status(wired.reports.resolve_id(args.report))]
        else:
            statuses = wired.submissions.all_statuses()
    for status in statuses:
        if args.json:
            print(json_text(status_json(status)))
        else:
            _print_status(status)
    if not args.json and not args.report:
        waiting = sum(1 for s in statuses if s.unfinished)
        print(f"{plural(len(statuses), 'report')} sent, {waiting} of them needing attention.", file=sys.stderr)
    return EXIT_OK


def status_json(status: SubmissionStatus) -> dict[str, Any]:
    """A status as JSON (times in ISO 8601 UTC)."""
    return {
        "report": status.report_id,
        "state": str(status.state),
        "environment": str(status.environment) if status.environment else None,
        "ncmec_report_id": status.ncmec_report_id,
        "file_ids": list(status.file_ids),
        "files": status.files_total,
        "files_uploaded": status.files_uploaded,
        "opened_at": _iso(status.opened_at),
        "expires_at": _iso(status.expires_at),
        "finished_at": _iso(status.finished_at),
        "last_code": status.last_code,
        "receipt_blob": status.receipt_blob_id,
        "advice": status.advice,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _print_status(status: SubmissionStatus) -> None:
    where = status.environment.label if status.environment else "not sent"
    ncmec = f"NCMEC report {status.ncmec_report_id}" if status.ncmec_report_id else "no NCMEC report id"
    print(f"{status.report_id[:12]}  {status.state.label:<16} {where:<26} {printable(ncmec)}")
    if status.file_ids:
        print(f"  files: {printable(', '.join(status.file_ids))}")
    if status.expires_at is not None:
        urgent = "WARNING: soon! " if status.expiring(datetime.now(UTC)) else ""
        print(f"  {urgent}NCMEC discards it unfinished at {status.expires_at:%Y-%m-%d %H:%M} UTC")
    if status.advice:
        print(f"  {printable(status.advice)}")  # it quotes NCMEC's descriptions


# -- new from XML -------------------------------------------------------------------------------


def cmd_report_new(args: argparse.Namespace) -> int:
    """Make a report from a ``<report>`` document."""
    try:
        data = sys.stdin.buffer.read() if args.from_xml == "-" else Path(args.from_xml).read_bytes()
    except OSError as problem:
        print(f"evidence-desk: cannot read {printable(args.from_xml)}: {problem.strerror or problem}", file=sys.stderr)
        return EXIT_ERROR
    parsed = parse_report(data)  # ReportDocumentRejected (exit 2) for what is not a report at all
    unplaced = [f for f in parsed.findings if f.severity is Severity.ERROR]
    if unplaced:
        # What the model cannot hold would be lost silently: nothing is created.
        if args.json:
            print(json_text({"created": False, "findings": [f.to_json() for f in unplaced]}))
        else:
            where = printable(args.from_xml)
            print(f"{where}: not imported; parts of it that do not fit NCMEC's schema: {len(unplaced)}.")
            print_findings(unplaced)
        return EXIT_FAILED
    with services(args) as wired:
        record = wired.reports.create_from_document(parsed.root, args.item)
        findings = wired.reports.check(wired.reports.load(record.report_id))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if args.json:
        result = {"created": True, "report": record.report_id, "files": len(record.draft.files)}
        result["findings"] = [f.to_json() for f in findings]
        print(json_text(result))
    else:
        print(f"Report {record.report_id} created with {plural(len(record.draft.files), 'file')}.")
        print_findings(findings)
        if errors:
            print(f"It has {plural(len(errors), 'error')} NCMEC would reject it for: fix them before submitting.")
    return EXIT_FAILED if errors else EXIT_OK


def _print_refusal(report_id: str, refused: ReportHasErrors, as_json: bool) -> int:
    findings = [f for f in refused.findings if isinstance(f, Finding)]
    if as_json:
        print(json_text({"report": report_id, "sent": False, "findings": [f.to_json() for f in findings]}))
    else:
        print(f"{report_id}: not sent. {refused.message}")
        print_findings(findings)
    return EXIT_FAILED
