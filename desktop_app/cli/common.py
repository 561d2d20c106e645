"""What every command group shares: exit codes, the passphrase, opening the workspace, its services."""

import argparse
import getpass
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.core.cybertipline.findings import Finding
from desktop_app.core.errors import EvidenceDeskError, PassphraseRejected, TamperingDetected
from desktop_app.core.intake.analysis import Analyse
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import system_secret_store
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


def passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """The passphrase from ``--passphrase-file``, else the environment, else a prompt."""
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
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


def opened(args: argparse.Namespace) -> Workspace:
    """The workspace, opened but locked."""
    return Workspace.open(paths(args), system_secret_store())


def unlocked(
    args: argparse.Namespace, *, allow_tampered: bool = False, external_notes: Iterable[str | tuple[str, str]] = ()
) -> Workspace:
    """The workspace, unlocked with the passphrase; the caller closes it.

    Unless ``allow_tampered`` (the log commands, which report it themselves), a failed or
    unacknowledged verification stops the command here with ``TamperingDetected`` (exit 1).
    """
    workspace = opened(args)
    try:
        workspace.unlock(passphrase(args), external_notes)
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
def services(args: argparse.Namespace, analyse: Analyse | None = None) -> Iterator[Services]:
    """The unlocked workspace's services, wired as the app wires them; closes the workspace after."""
    workspace = unlocked(args)
    try:
        settings = AppSettings.load(paths(args).settings_file)
        yield build_services(workspace, settings, system_secret_store(), analyse)
    finally:
        workspace.close()


def print_findings(findings: list[Finding]) -> None:
    """One line per finding, with the referral hint's reason below it."""
    for finding in findings:
        print(f"{str(finding.severity).upper():<8} {finding.path or '-'}  [{finding.code}] {finding.message}")
        if finding.why:
            print(f"{'':<8} why: {finding.why}")
