"""Export the latest signed checkpoint with its verifier key, for safekeeping outside the workspace.

A checkpoint kept elsewhere (with counsel, on another machine) is what detects a restored older
copy of the whole workspace. The file is ``Workspace.anchor_text()``, exactly what
``evidence-desk checkpoint export`` writes, so ``evidence-desk log verify --checkpoint FILE`` reads
it. Qt-free: it runs in a worker.
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
    """What was written where."""

    path: Path
    note: str


def default_file_name(workspace: Workspace) -> str:
    """A name that says which workspace the checkpoint belongs to."""
    return f"evidence-desk-{workspace.workspace_id.hex()[:8]}-checkpoint.txt"


def export_checkpoint(workspace: Workspace, path: Path) -> CheckpointExport:
    """Seal a checkpoint if the log grew since the last one, then write it with the verifier key."""
    workspace.checkpoint_if_due(max_age=timedelta(0))  # so the export covers every entry so far
    note = workspace.latest_checkpoint()
    if note is None:
        raise ExportFailed("The workspace has no signed checkpoint yet; unlock it and try again.")
    try:
        atomic_write_bytes(path, workspace.anchor_text().encode("utf-8"))
    except OSError as exc:
        raise ExportFailed(f"The checkpoint could not be written to {path}: {exc.strerror or exc}.") from exc
    return CheckpointExport(path, note)
