"""Export the latest signed checkpoint with its verifier key, for safekeeping outside the workspace.

A checkpoint kept elsewhere (with counsel, on another machine) is what detects a restored older
copy of the whole workspace (custody-log-format.md, "The anchor"). One behaviour for the app's
menu and ``evidence-desk checkpoint export``: refused while tampering stands (a signature must not
launder a detection); a checkpoint is signed first only if the log grew since the last one (each
signing appends an entry, so exporting twice does not grow the log); the file is
``WorkspaceCustody.anchor_text()``, which ``evidence-desk log verify --checkpoint FILE`` reads, written
atomically, with a typed error when it cannot be.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.files import atomic_write_bytes
from desktop_app.core.services.workspace import Workspace


class ExportFailed(EvidenceDeskError):
    """The checkpoint file could not be written."""

    code = "export-failed"


@dataclass(frozen=True)
class CheckpointExport:
    """What was exported: the anchor text, the checkpoint note in it, and where it was written."""

    path: Path | None
    note: str
    text: str


def default_file_name(workspace: Workspace) -> str:
    """A name that says which workspace the checkpoint belongs to."""
    return f"evidence-desk-{workspace.workspace_id.hex()[:8]}-checkpoint.txt"


def export_checkpoint(workspace: Workspace, path: Path | None = None) -> CheckpointExport:
    """Seal a checkpoint if the log grew since the last one, then write it with the verifier key.

    With ``path`` None nothing is written (the CLI prints ``text``). Needs the workspace unlocked.
    """
    workspace.anchoring.refuse_if_tampered()
    workspace.checkpoint_if_due(max_age=timedelta(0))  # so the export covers every entry so far
    note = workspace.latest_checkpoint()
    if note is None:
        raise ExportFailed("The workspace has no signed checkpoint yet; unlock it and try again.")
    text = workspace.custody.anchor_text()
    if path is not None:
        try:
            atomic_write_bytes(path, text.encode("utf-8"))
        except OSError as exc:
            raise ExportFailed(f"The checkpoint could not be written to {path}: {exc.strerror or exc}.") from exc
    return CheckpointExport(path, note, text)
