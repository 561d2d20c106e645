"""CyberTipline report commands for the command line, registered into ``cli.py``'s grammar.

    evidence-desk report validate FILE.xml [--json] [--xsd PATH]

``validate`` reads a ``<report>`` or ``<fileDetails>`` document (``-`` for standard input), checks
it against the app's own model (structure, NCMEC's business rules, referral-readiness hints) and,
with ``--xsd``, against an XSD such as NCMEC's. Exit codes: 0 no errors (warnings and hints may
remain), 1 errors (NCMEC would reject the document), 2 the check could not run (unreadable file,
unusable XSD). ``report export-xml`` needs workspace reports and comes with them.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.core.cybertipline.findings import Finding, Severity
from desktop_app.core.cybertipline.validate import DocumentCheck, check_document
from desktop_app.core.cybertipline.xsd import load_xsd
from desktop_app.core.errors import EvidenceDeskError

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN = 0, 1, 2


def add_report_commands(subparsers: Any) -> None:
    """Register ``report ...`` on the top-level command parser's subparsers."""
    report = subparsers.add_parser("report", help="CyberTipline reports")
    commands = report.add_subparsers(dest="report_command", required=True)
    validate = commands.add_parser(
        "validate",
        help="check a report or file-details XML document; exit 1 if NCMEC would reject it",
        description="Check a <report> or <fileDetails> document against Evidence Desk's model of NCMEC's schema, "
        "NCMEC's business rules and referral-readiness hints, and optionally against an XSD.",
    )
    validate.add_argument("file", metavar="FILE.xml", help="the document ('-' for standard input)")
    validate.add_argument("--json", action="store_true", help="print the result as one JSON object")
    validate.add_argument("--xsd", metavar="PATH", help="also validate against this XSD (e.g. NCMEC's, from /xsd)")
    validate.set_defaults(run=cmd_report_validate)


def cmd_report_validate(args: argparse.Namespace) -> int:
    """Validate one document and print its findings."""
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as problem:
        print(f"evidence-desk: cannot read {args.file}: {problem.strerror or problem}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    xsd = load_xsd(Path(args.xsd)) if args.xsd else None
    result = check_document(data, xsd=xsd)
    if args.json:
        print(json.dumps(_as_json(args.file, result), ensure_ascii=False))
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
        f"{name}: {result.kind or 'unreadable'} {verdict}: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['hint']} hints; checked against {schema}"
    )
    for finding in result.findings:
        print(f"{str(finding.severity).upper():<8} {finding.path or '-'}  [{finding.code}] {finding.message}")
        if finding.why:
            print(f"{'':<8} why: {finding.why}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``report ...`` on its own (``python -m desktop_app.report_cli report validate ...``)."""
    parser = argparse.ArgumentParser(prog="evidence-desk")
    add_report_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except EvidenceDeskError as error:
        print(f"evidence-desk: {error.message} [{error.code}]", file=sys.stderr)
        return EXIT_CANNOT_RUN
    return code


if __name__ == "__main__":
    raise SystemExit(main())
