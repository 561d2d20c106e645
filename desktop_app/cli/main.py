"""Headless commands on the same core as the app: for scripts, support and counsel.

One module per command group registers its commands here (``register(commands)``); every command
that opens a workspace gets its services from ``core.services.wiring``, as the app does.

The passphrase comes from ``--passphrase-file``, else ``EVIDENCE_DESK_PASSPHRASE``, else a prompt.
Exit codes: 0 success; 1 the command's check failed (the custody log failed verification, some
items had problems, NCMEC would reject the report); 2 an error the user can act on; 141 the output's
reader went away (``| head``), quietly.
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from desktop_app import __version__
from desktop_app.cli import backup, bundle, followups, holds, intake, lists, report, reviewers, sandbox, workspace
from desktop_app.cli.common import EXIT_ERROR, EXIT_FAILED, printable
from desktop_app.core.errors import EvidenceDeskError, LogIntegrityError

COMMAND_GROUPS = (workspace, intake, report, sandbox, bundle, backup, lists, holds, followups, reviewers)
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer whose pipe closed (128 + SIGPIPE)


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="evidence-desk", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--profile-dir", help="keep all data, settings and logs under this folder")
    parser.add_argument("--passphrase-file", help="read the passphrase from this file (first line)")
    parser.add_argument(
        "--reviewer",
        dest="unlock_reviewer",
        metavar="NAME",
        help="unlock as this reviewer (by default the passphrase says who you are)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; expected failures print their message and exit 2."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except LogIntegrityError as error:  # tampering detected or a log that cannot be read: a failed check
        print(f"evidence-desk: {printable(error.message)} [{error.code}]", file=sys.stderr)
        return EXIT_FAILED
    except EvidenceDeskError as error:
        print(f"evidence-desk: {printable(error.message)} [{error.code}]", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): what it did not read is not wanted, which is no error to
        # report. Standard output is pointed at the null device so the final flush is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
