"""CyberTipline reports: ``report validate``, ``report list``, ``report export-xml``.

(Submitting them, ``report submit``/``resume``/``retract``/``status``/``new``, is in ``cli.submission``.)

    evidence-desk report validate FILE.xml [--json] [--xsd PATH]
    evidence-desk [--profile-dir DIR] report list [--json]
    evidence-desk [--profile-dir DIR] report export-xml REPORT [-o DIR] [--json]

``validate`` reads a ``<report>`` or ``<fileDetails>`` document (``-`` for standard input), checks
it against the app's own model (structure, NCMEC's business rules, referral-readiness hints) and,
with ``--xsd``, against an XSD such as NCMEC's. Exit codes: 0 no errors (warnings and hints may
remain), 1 errors (NCMEC would reject the document), 2 the check could not run (unreadable file,
unusable XSD).

``list`` shows the workspace's reports; ``export-xml`` writes one report's documents (``report.xml``
and ``fileDetails-NN.xml``, owner-readable only) into a folder, exactly as they would be sent,
except the report and file ids NCMEC assigns on submission, which file details carry as
placeholders until then. A report NCMEC would reject is not exported (exit 1, findings printed).
Both open the workspace like every other command (passphrase from ``--passphrase-file``,
``EVIDENCE_DESK_PASSPHRASE`` or a prompt) and get the services the app gets, so reports are checked
against NCMEC's schema too once the workspace has fetched it.
"""

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import submission
from desktop_app.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    json_text,
    print_findings,
    printable,
    read_capped,
    services,
)
from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.cybertipline.validate import DocumentCheck, check_document
from desktop_app.core.cybertipline.xmlsafe import MAX_DOCUMENT_BYTES
from desktop_app.core.cybertipline.xsd import load_xsd
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.errors import EvidenceDeskError, ReportHasErrors

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN = EXIT_OK, EXIT_FAILED, EXIT_ERROR


def register(commands: Any) -> None:
    """Add ``report ...`` to the top-level grammar."""
    report = commands.add_parser("report", help="CyberTipline reports")
    reports = report.add_subparsers(dest="report_command", required=True)
    validate = reports.add_parser(
        "validate",
        help="check a report or file-details XML document; exit 1 if NCMEC would reject it",
        description="Check a <report> or <fileDetails> document against Evidence Desk's model of NCMEC's schema, "
        "NCMEC's business rules and referral-readiness hints, and optionally against an XSD.",
    )
    validate.add_argument("file", metavar="FILE.xml", help="the document ('-' for standard input)")
    validate.add_argument("--json", action="store_true", help="print the result as one JSON object")
    validate.add_argument("--xsd", metavar="PATH", help="also validate against this XSD (e.g. NCMEC's, from /xsd)")
    validate.set_defaults(run=cmd_report_validate)
    listing = reports.add_parser("list", help="list the workspace's reports")
    listing.add_argument("--json", action="store_true", help="one JSON object per report")
    listing.set_defaults(run=cmd_report_list)
    export = reports.add_parser(
        "export-xml",
        help="write a report's XML documents into a folder; exit 1 if NCMEC would reject the report",
        description="Write report.xml and one fileDetails-NN.xml per file, exactly as they would be sent (the ids "
        "NCMEC assigns on submission are placeholders until then). The export is recorded in the custody log.",
    )
    export.add_argument("report", metavar="REPORT", help="the report id, or a unique prefix of it (see 'report list')")
    export.add_argument("-o", "--output", metavar="DIR", help="the folder to write into (default: ./report-ID)")
    export.add_argument("--json", action="store_true", help="print the result as one JSON object")
    export.set_defaults(run=cmd_report_export_xml)
    submission.register_report_commands(reports)  # submit, resume, retract, status, new (cli/submission.py)


def cmd_report_validate(args: argparse.Namespace) -> int:
    """Validate one document and print its findings."""
    data = read_capped(args.file, MAX_DOCUMENT_BYTES, "the document")  # an error here exits 2
    xsd = load_xsd(Path(args.xsd)) if args.xsd else None
    result = check_document(data, xsd=xsd)
    if args.json:
        print(json_text(_as_json(args.file, result)))
    else:
        _print_text(args.file, result)
    return EXIT_INVALID if any(f.severity is Severity.ERROR for f in result.findings) else EXIT_VALID


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {str(s): sum(1 for f in findings if f.severity is s) for s in Severity}


def _as_json(name: str, result: DocumentCheck) -> dict[str, Any]:
    counts = _counts(result.findings)
    return {
        "file": name,
        "document": result.kind,
        "xsd_sha256": result.xsd_sha256,
        "valid": counts["error"] == 0,
        "counts": counts,
        "findings": [f.to_json() for f in result.findings],
    }


def _print_text(name: str, result: DocumentCheck) -> None:
    counts = _counts(result.findings)
    schema = f"XSD {result.xsd_sha256[:12]}…" if result.xsd_sha256 else "model only (no --xsd)"
    verdict = "VALID" if counts["error"] == 0 else "INVALID"
    print(
        f"{printable(name)}: {result.kind or 'unreadable'} {verdict}: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['hint']} hints; checked against {schema}"
    )
    print_findings(result.findings)


# -- workspace reports ---------------------------------------------------------------------------


def cmd_report_list(args: argparse.Namespace) -> int:
    """List the workspace's reports, most recently changed first."""
    with services(args, quiet=True) as wired:
        summaries = wired.reports.list_reports()
    for summary in summaries:
        if args.json:
            record = {key: value for key, value in vars(summary).items()}
            record["created_at"] = summary.created_at.isoformat()
            record["updated_at"] = summary.updated_at.isoformat()
            print(json_text(record))
            continue
        print(
            f"{printable(summary.report_id[:12])}  {summary.updated_at:%Y-%m-%d %H:%M}Z  "
            f"{printable(summary.status):<8} "
            f"{plural(summary.files, 'file'):>9}  {plural(summary.errors, 'error'):>10}  "
            f"{plural(summary.warnings, 'warning'):>12}  "
            f"{printable(summary.incident_type or '(no incident type)')}"
        )
    if not args.json:
        print(f"{plural(len(summaries), 'report')}.", file=sys.stderr)
    return EXIT_VALID


def _write_private(path: Path, data: bytes) -> None:
    # Owner-only from the first byte: a report names people. O_EXCL: never overwrite.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def cmd_report_export_xml(args: argparse.Namespace) -> int:
    """Write one report's documents into a folder."""
    with services(args) as wired:
        service = wired.reports
        report_id = service.resolve_id(args.report)
        folder = Path(args.output) if args.output else Path(f"report-{report_id[:8]}")
        # Checked before exporting: the export is logged, and nothing should be logged that is not written.
        clashes = sorted(folder.glob("report.xml")) + sorted(folder.glob("fileDetails-*.xml"))
        if clashes:
            raise ExportTargetExists(
                f"{printable(clashes[0])} already exists; choose another folder with -o. Nothing was written."
            )
        try:
            export = service.export_xml(report_id)
        except ReportHasErrors as refused:
            findings = [f for f in refused.findings if isinstance(f, Finding)]
            if args.json:
                print(json_text({"report": report_id, "exported": False, "findings": [f.to_json() for f in findings]}))
            else:
                print(f"{printable(report_id)}: not exported. {printable(refused.message)}")
                print_findings(findings)
            return EXIT_INVALID
    folder.mkdir(parents=True, exist_ok=True)
    for document in export.documents:
        _write_private(folder / document.name, document.data)
    written = [
        {
            "name": d.name,
            "kind": d.kind,
            "bytes": len(d.data),
            "sha256": hashlib.sha256(d.data).hexdigest(),
            "placeholder_ids": d.placeholder_ids,
        }
        for d in export.documents
    ]
    if args.json:
        result = {"report": report_id, "exported": True, "folder": str(folder), "documents": written}
        result["findings"] = [f.to_json() for f in export.findings]
        print(json_text(result))
        return EXIT_VALID
    print(f"{printable(report_id)}: {len(written)} documents written to {printable(folder)}")
    for entry in written:
        print(f"  {entry['name']:<22} {entry['bytes']:>8} bytes  sha256 {entry['sha256']}")
    if any(d.placeholder_ids for d in export.documents):
        print("  File details carry placeholder reportId/fileId values; NCMEC assigns the real ones on submission.")
    print_findings(list(export.findings))
    return EXIT_VALID


class ExportTargetExists(EvidenceDeskError):
    """The export folder already holds report documents; nothing is overwritten."""

    code = "export-target-exists"
