"""``sandbox``: the practice CyberTipline server on this computer, until Ctrl-C.

    evidence-desk sandbox [--port N] [--username U --password P] [--faults FILE]
                          [--xsd FILE | --workspace-xsd] [--auth-body xml|empty]
                          [--legacy-http-200] [--finish-error-root ROOT] [--json]

It listens on 127.0.0.1 only and prints its address and credentials (generated unless given): point
a client at the address, or the app's *Practice* environment. ``--xsd`` serves and validates with
an XSD file (NCMEC's, say); ``--workspace-xsd`` with the copy of NCMEC's schema the workspace
fetched (asks for the passphrase); otherwise with the schema Evidence Desk's model describes.
``GET <address>/_practice/state`` (same credentials) shows what it holds as JSON while it runs;
with ``--json`` the start line and, at Ctrl-C, the final state are printed as JSON.
"""

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

from desktop_app.cli.common import EXIT_ERROR, EXIT_OK, UsageError, unlocked
from desktop_app.core.cybertipline.practice import PracticeServer, load_faults
from desktop_app.core.domain.custody_words import plural


def register(commands: Any) -> None:
    """Add ``sandbox`` to the top-level grammar."""
    sandbox = commands.add_parser("sandbox", help="run the practice CyberTipline server on 127.0.0.1 until Ctrl-C")
    sandbox.add_argument("--port", type=int, default=0, help="the port to listen on (default: a free one)")
    sandbox.add_argument("--username", help="the user name clients must send (default: generated)")
    sandbox.add_argument("--password", help="the password clients must send (default: generated)")
    sandbox.add_argument("--faults", metavar="FILE", help="a JSON file of faults (see docs/practice-server.md)")
    schema = sandbox.add_mutually_exclusive_group()
    schema.add_argument("--xsd", metavar="FILE", help="serve and validate with this XSD (e.g. NCMEC's)")
    schema.add_argument(
        "--workspace-xsd", action="store_true", help="use the copy of NCMEC's schema the workspace fetched"
    )
    sandbox.add_argument(
        "--auth-body", choices=("xml", "empty"), default="xml", help="the body of a 401: NCMEC's XML or nothing"
    )
    sandbox.add_argument(
        "--legacy-http-200", action="store_true", help="answer errors with HTTP 200, as NCMEC's older servers did"
    )
    sandbox.add_argument(
        "--finish-error-root",
        choices=("reportResponse", "reportDoneResponse"),
        default="reportResponse",
        help="the root element of a /finish error",
    )
    sandbox.add_argument("--json", action="store_true", help="print the start line and the final state as JSON")
    sandbox.set_defaults(run=cmd_sandbox)


def _workspace_xsd(args: argparse.Namespace) -> bytes:
    from desktop_app.core.services.cybertipline import cached_schema_bytes

    workspace = unlocked(args)
    try:
        data = cached_schema_bytes(workspace)
    finally:
        workspace.close()
    if data is None:
        raise UsageError(
            "This workspace has not fetched NCMEC's schema yet (Workspace > CyberTipline connection); "
            "run without --workspace-xsd to use the schema Evidence Desk's model describes."
        )
    return data


def _quiet_logging() -> None:
    # The server's own failures (a bug, uvicorn's errors) go to stderr. python-multipart also
    # warns about every malformed upload, which the client is already told about with 4200.
    logging.basicConfig(level=logging.WARNING, format="sandbox: %(name)s: %(message)s")
    logging.getLogger("python_multipart").setLevel(logging.ERROR)


def _interrupt_on_sigterm() -> None:
    if threading.current_thread() is threading.main_thread():

        def stop(_signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run the practice server until Ctrl-C (or SIGTERM)."""
    if (args.username is None) != (args.password is None):
        raise UsageError("Give both --username and --password, or neither (then both are generated).")
    try:
        faults = load_faults(args.faults) if args.faults else []
    except (OSError, ValueError) as problem:
        print(f"evidence-desk: the fault file {args.faults} cannot be used: {problem}", file=sys.stderr)
        return EXIT_ERROR
    xsd: bytes | str | None = _workspace_xsd(args) if args.workspace_xsd else args.xsd
    _quiet_logging()
    try:
        server = PracticeServer(
            xsd=xsd,
            username=args.username,
            password=args.password,
            port=args.port,
            faults=faults,
            auth_body=args.auth_body,
            finish_error_root=args.finish_error_root,
            legacy_http_200=args.legacy_http_200,
        )
        server.start()
    except (OSError, ValueError, RuntimeError) as problem:
        print(f"evidence-desk: the practice server cannot start: {problem}", file=sys.stderr)
        return EXIT_ERROR
    _interrupt_on_sigterm()
    try:
        _announce(server, args, len(faults))
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if args.json:
        print(server.snapshot().to_json(indent=None), flush=True)
    else:
        snap = server.snapshot()
        opened = plural(len(snap.reports), "report")
        print(f"Stopped after {plural(len(snap.requests), 'request')}; {opened} opened.", flush=True)
    return EXIT_OK


def _announce(server: PracticeServer, args: argparse.Namespace, fault_count: int) -> None:
    if args.json:
        line = {
            "url": server.url,
            "username": server.username,
            "password": server.password,
            "xsd_sha256": server.xsd_sha256,
            "faults": fault_count,
            "state_url": server.url + "/_practice/state",
        }
        print(json.dumps(line), flush=True)
        return
    schema = "the XSD given" if args.xsd else ("NCMEC's (workspace copy)" if args.workspace_xsd else "the model's")
    print(
        "Practice CyberTipline server (not NCMEC: nothing leaves this computer)\n"
        f"  URL       {server.url}\n"
        f"  user name {server.username}\n"
        f"  password  {server.password}\n"
        f"  schema    {schema}, SHA-256 {server.xsd_sha256[:16]}...\n"
        f"  faults    {fault_count}\n"
        f"  state     {server.url}/_practice/state (same credentials)\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
