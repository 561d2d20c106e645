"""The second person on the command line: ``--second-person NAME --second-passphrase-file FILE``.

Asked for by ``destroy`` and by a full-evidence ``bundle export`` when the settings require a
second person (``AppSettings.second_person_confirmation``), and recorded whenever given. On a
terminal the name and passphrase are asked for instead.
"""

import argparse
import getpass
import sys
from typing import Any

from desktop_app.cli.common import paths, read_capped
from desktop_app.core.services.keys import MAX_PASSPHRASE_BYTES
from desktop_app.core.services.second_person import Confirmation, SecondPersonRefused, SecondReviewerCheck
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings


def add_arguments(parser: Any) -> None:
    """The two options, on ``parser``."""
    parser.add_argument("--second-person", metavar="NAME", help="who confirms as the second person (see Settings)")
    parser.add_argument(
        "--second-passphrase-file", metavar="FILE", help="the second person's passphrase, from a file ('-': stdin)"
    )


def confirmation(args: argparse.Namespace, workspace: Workspace, act: str) -> Confirmation | None:
    """The second person's confirmation of ``act``: required when the settings ask for one, recorded when given."""
    required = AppSettings.load(paths(args).settings_file).second_person_confirmation
    if not (required or args.second_person):
        return None
    name, secret = args.second_person, None
    if args.second_passphrase_file:
        raw = read_capped(args.second_passphrase_file, MAX_PASSPHRASE_BYTES + 2, "the second passphrase file")
        secret = raw.decode("utf-8", "replace").rstrip("\r\n")
    elif sys.stdin.isatty():
        name = name or input("Second person's name: ")
        secret = getpass.getpass("Second person's passphrase: ")
    if not name or secret is None:
        raise SecondPersonRefused(
            f"This desk's settings ask a second person to confirm {act}: give --second-person NAME and "
            "--second-passphrase-file FILE, or run on a terminal. Nothing was done."
        )
    return SecondReviewerCheck(workspace).confirm(name, secret)
