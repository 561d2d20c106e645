"""The blob folder's housekeeping: what lies there against what the database references.

Keyless, so separate from reading and writing blobs (``storage.vault``): ``scan`` only looks and
needs no keys; ``tidy`` is applied only after a verification passed.
"""

import os
from dataclasses import replace
from pathlib import Path

from desktop_app.core.domain.verification import SweepReport
from desktop_app.core.platform.files import fsync_directory, private_dir
from desktop_app.core.storage.database import WorkspaceDatabase

TEMP_PREFIX = "tmp-"  # a blob being written; never referenced by a row


QUARANTINE = "quarantine"


def quarantine_dir(directory: Path) -> Path:
    """Where unreferenced blob files are moved aside (beside the blob folder, inside the workspace)."""
    return directory.parent / QUARANTINE / directory.name


def scan(directory: Path, db: WorkspaceDatabase) -> SweepReport:
    """Look at the blob folder against the ``blobs`` table. Read-only; needs no keys."""
    with db.read() as reader:
        expected = {row[0]: row[1] for row in reader.conn.execute("SELECT blob_id, stored_size FROM blobs")}
    temp = 0
    unreferenced: list[str] = []
    present: dict[str, int] = {}
    if directory.is_dir():
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(TEMP_PREFIX):
                    temp += 1
                elif entry.name not in expected:
                    unreferenced.append(entry.name)
                else:
                    present[entry.name] = entry.stat().st_size
    held = quarantine_dir(directory)
    quarantined = set(os.listdir(held)) if held.is_dir() else set()
    absent = sorted(b for b in expected if b not in present)
    restorable = [b for b in absent if b in quarantined]
    missing = [b for b in absent if b not in quarantined]
    damaged = sorted(b for b, size in present.items() if size != expected[b])
    return SweepReport(temp, sorted(unreferenced), missing, damaged, restorable)


def tidy(directory: Path, found: SweepReport) -> SweepReport:
    """Apply a ``scan``: delete temp files, quarantine unreferenced blobs, restore referenced ones.

    Call only after verification passed. Moves are renames within the workspace; an id listed as
    unreferenced but since taken by a row (a race the instance lock rules out) is left alone.
    """
    private_dir(directory)
    held = quarantine_dir(directory)
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX):
                os.unlink(entry.path)  # ciphertext under a key that was never stored
                removed += 1
    if found.unreferenced_blobs:
        private_dir(held)
    for blob_id in found.unreferenced_blobs:
        if (directory / blob_id).exists():
            os.replace(directory / blob_id, held / blob_id)
    for blob_id in found.restored_blobs:
        os.replace(held / blob_id, directory / blob_id)
    if removed or found.unreferenced_blobs or found.restored_blobs:
        fsync_directory(directory)
        if held.is_dir():
            fsync_directory(held)
    return replace(found, removed_temp_files=removed, applied=True)


def sweep(directory: Path, db: WorkspaceDatabase) -> SweepReport:
    """``scan`` then ``tidy`` at once (for callers that verified already, and tests)."""
    return tidy(directory, scan(directory, db))
