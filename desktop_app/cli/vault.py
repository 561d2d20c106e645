"""Vault verification for ``log verify``: authenticate every evidence blob, with progress on a terminal.

    evidence-desk [--profile-dir DIR] log verify [--skip-vault] ...

With keys, ``log verify`` also decrypts every blob in memory, checks every chunk's tag and compares
its SHA-256 and size with the sealed record. ``--skip-vault`` leaves that out (a quick check of
the log alone); ``--structure-only`` has no keys and so never checks the vault.
"""

import argparse
import sys
import time
from typing import Any

from desktop_app.core.domain.verification import VaultVerification
from desktop_app.core.services.workspace import Workspace

PROGRESS_INTERVAL_S = 0.5


def add_arguments(verify: argparse.ArgumentParser) -> None:
    """The vault's options of ``log verify``."""
    verify.add_argument(
        "--skip-vault", action="store_true", help="do not authenticate every evidence blob (faster on a big vault)"
    )


def verify_vault(workspace: Workspace, args: argparse.Namespace) -> VaultVerification | None:
    """Run the vault verification unless skipped or locked; progress goes to a terminal's stderr."""
    if args.skip_vault or not workspace.is_unlocked:
        return None
    steps = workspace.verify_vault()
    shown = time.monotonic()
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            result: VaultVerification = done.value
            break
        if sys.stderr.isatty() and step.total and time.monotonic() - shown >= PROGRESS_INTERVAL_S:
            shown = time.monotonic()
            print(f"\rVerifying the vault… {100 * step.done // step.total}%", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)
    return result


def as_json(result: VaultVerification) -> dict[str, Any]:
    """The vault's part of ``log verify --json``."""
    return {
        "ok": result.ok,
        "blobs": result.blobs,
        "bytes": result.bytes,
        "problems": [{"blob_id": p.blob_id, "code": p.code, "message": p.message} for p in result.problems],
    }


def as_text(result: VaultVerification) -> str:
    """The vault's lines of ``log verify``."""
    if result.ok:
        return f"Evidence vault intact: {result.blobs} blobs ({result.bytes:,} bytes) authenticated and matched."
    lines = [f"EVIDENCE VAULT FAILED VERIFICATION: {len(result.problems)} of {result.blobs} blobs."]
    lines += [f"  blob {p.blob_id}: {p.message} [{p.code}]" for p in result.problems]
    return "\n".join(lines)
