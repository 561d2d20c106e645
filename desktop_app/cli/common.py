"""What every command group shares: exit codes, the passphrase, opening the workspace, its services."""

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from desktop_app.core.cybertipline.findings import Finding
from desktop_app.core.errors import EvidenceDeskError, PassphraseRejected, TamperingDetected
from desktop_app.core.intake.analysis import Analyse
from desktop_app.core.platform.files import read_at_most
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore, system_secret_store
from desktop_app.core.services.keys import MAX_PASSPHRASE_BYTES
from desktop_app.core.services.wiring import Services, build_services
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings

PASSPHRASE_ENV = "EVIDENCE_DESK_PASSPHRASE"
# 1 means "the custody log failed verification" (log commands), "some items had problems" (hash,
# import) or "NCMEC would reject it" (report commands); 2 is always an error the user can act on.
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class UsageError(EvidenceDeskError):
    """The command line asks for nothing to do."""

    code = "usage"


class InputTooLarge(EvidenceDeskError):
    """A file named on the command line is larger than the command will ever read."""

    code = "input-too-large"


class InputUnreadable(EvidenceDeskError):
    """A file named on the command line cannot be read."""

    code = "input-unreadable"


# What must not reach a terminal from a value we did not write ourselves (a file name, a link
# target, a document's text): C0 and C1 controls and DEL (escape sequences retitle or repaint the
# terminal, a newline forges a line) and the bidirectional overrides and isolates (they reorder
# what is shown, so "evil\u202egpj.exe" reads as "evilexe.jpg").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In JSON text the C0 controls are already escaped by ``json.dumps``; the rest may appear raw.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(value: object) -> str:
    """``value`` as text safe for a terminal: control and bidi characters become visible escapes.

    Every value from outside (paths, names, details, messages quoting a document) goes through
    this before it is printed as text; JSON output goes through ``json_text``.
    """
    return _UNSAFE.sub(_escape, str(value))


def json_text(document: object) -> str:
    """One JSON document on one line, with every terminal-steering character written as a JSON escape."""
    text = json.dumps(document, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def read_capped(name: str, limit: int, what: str) -> bytes:
    """Read the file ``name`` (``-``: standard input), refusing it without reading on past ``limit`` bytes."""
    try:
        data = sys.stdin.buffer.read(limit + 1) if name == "-" else read_at_most(name, limit)
    except OSError as problem:
        reason = problem.strerror or problem
        raise InputUnreadable(f"Evidence Desk cannot read {what} {printable(name)}: {reason}.") from None
    if len(data) > limit:
        raise InputTooLarge(
            f"{what[:1].upper()}{what[1:]} {printable(name)} is larger than {limit:,} bytes, more than any genuine "
            f"{what} holds; nothing was done. Check that you named the right file."
        )
    return data


def read_passphrase_file(name: str, what: str = "the passphrase file") -> str:
    """The passphrase on the first line of the file ``name``."""
    # At most one passphrase and its line ending; a larger file is not a passphrase file.
    raw = read_capped(name, MAX_PASSPHRASE_BYTES + 2, what)
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        message = f"The passphrase file {printable(name)} is not UTF-8 text; save it as UTF-8."
        raise PassphraseRejected(message) from None


def passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """The passphrase from ``--passphrase-file``, else the environment, else a prompt."""
    if args.passphrase_file:
        return read_passphrase_file(args.passphrase_file)
    if os.environ.get(PASSPHRASE_ENV):
        # Taken out of the environment so the decoder processes we spawn never inherit it.
        return os.environ.pop(PASSPHRASE_ENV)
    if not sys.stdin.isatty():
        raise PassphraseRejected(
            f"No passphrase given. Use --passphrase-file or set {PASSPHRASE_ENV}; there is no terminal to ask on."
        )
    first = getpass.getpass("Workspace passphrase: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise PassphraseRejected("The two passphrases differ; nothing was created.")
    return first


def paths(args: argparse.Namespace) -> AppPaths:
    """The profile's folders (``--profile-dir``, else the environment, else the platform's)."""
    return AppPaths.resolve(args.profile_dir)


NO_KEYRING_NOTICE = (
    "No OS keyring available: the checkpoint witness copy is not kept on this system "
    "(the anchor file keeps one). This notice is shown once."
)


def secret_store(args: argparse.Namespace) -> SecretStore | None:
    """The OS keyring, or None; without one, the user is told so once per profile, not on every command."""
    store = system_secret_store()
    if store is None:
        marker = paths(args).config / "no-keyring-notice-shown"
        if not marker.exists():
            print(f"evidence-desk: {NO_KEYRING_NOTICE}", file=sys.stderr)
            try:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
            except OSError:
                pass  # a read-only profile: the notice comes again next time, which is all that is lost
    return store


def opened(args: argparse.Namespace) -> Workspace:
    """The workspace, opened but locked."""
    return Workspace.open(paths(args), secret_store(args))


def unlocked(
    args: argparse.Namespace,
    *,
    allow_tampered: bool = False,
    external_notes: Iterable[str | tuple[str, str]] = (),
    quiet: bool = False,
) -> Workspace:
    """The workspace, unlocked with the passphrase; the caller closes it.

    Unless ``allow_tampered`` (the log commands, which report it themselves), a failed or
    unacknowledged verification stops the command here with ``TamperingDetected`` (exit 1).
    ``quiet`` for commands that only read: their unlock and lock are not logged (``Workspace.unlock``).
    """
    workspace = opened(args)
    try:
        reviewer = getattr(args, "unlock_reviewer", None)
        workspace.unlock(passphrase(args), external_notes, quiet=quiet, reviewer=reviewer)
        if workspace.tampering is not None and not allow_tampered:
            raise TamperingDetected(workspace.tampering.summary())
    except BaseException:
        workspace.close()
        raise
    if workspace.recovery_slot_problem:
        print(
            f"evidence-desk: warning: {workspace.recovery_slot_problem} Make a new recovery key with "
            "'evidence-desk recovery-key replace'.",
            file=sys.stderr,
        )
    return workspace


@contextmanager
def services(args: argparse.Namespace, analyse: Analyse | None = None, quiet: bool = False) -> Iterator[Services]:
    """The unlocked workspace's services, wired as the app wires them; closes the workspace after."""
    workspace = unlocked(args, quiet=quiet)
    try:
        settings = AppSettings.load(paths(args).settings_file)
        wired = build_services(workspace, settings, secret_store(args), analyse)
        try:
            yield wired
        finally:
            wired.close()
    finally:
        workspace.close()


def print_findings(findings: list[Finding]) -> None:
    """One line per finding, with the referral hint's reason below it."""
    for finding in findings:
        where, message = printable(finding.path or "-"), printable(finding.message)
        print(f"{str(finding.severity).upper():<8} {where}  [{finding.code}] {message}")
        if finding.why:
            print(f"{'':<8} why: {printable(finding.why)}")
