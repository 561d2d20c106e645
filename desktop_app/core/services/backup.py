"""Workspace backup: a consistent snapshot sealed as one age file, and restore into a fresh profile.

A backup is an age-encrypted tar stream (the bundle machinery, a different member set):
``backup.json`` (what it holds), ``anchors/<id>.anchor``, ``workspace/workspace.db`` (SQLite's
online backup, taken while the app keeps working) and ``workspace/blobs/<id>`` for every vault blob
that database references. The blobs and the database's sensitive columns are already encrypted
under the workspace's keys, so a restored workspace still needs its own passphrase; age adds a
second lock for the trip.

Order matters: the anchor is read *before* the database is copied, so the restored log is never
older than the restored anchor (an older anchor is a prefix, which verifies).
"""

import hashlib
import json
import os
import re
import secrets
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.bundles.reader import only_zeros_follow
from desktop_app.core.bundles.tar_source import ForwardReader
from desktop_app.core.bundles.writer import BundleContents, StreamedMember, write_bundle
from desktop_app.core.crypto.age.file import open_age
from desktop_app.core.crypto.age.keys import Identity, Recipient
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import WorkspaceExists
from desktop_app.core.platform.files import fsync_directory, open_private, private_dir
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.services.workspace import DATABASE_NAME, Workspace
from desktop_app.core.storage.backup_snapshot import snapshot

FORMAT = "evidence-desk-backup/v1"
_INDEX = "backup.json"
_DATABASE = f"workspace/{DATABASE_NAME}"
_BLOB = re.compile(r"workspace/blobs/([0-9a-f]{32})")
_ANCHOR = re.compile(r"anchors/([0-9a-f]{1,64}\.anchor)")
_READ = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    """A finished backup file and what it holds."""

    path: Path
    size: int
    sha256: str
    blobs: int


@dataclass(frozen=True)
class RestoreResult:
    """What a restore wrote into the fresh profile."""

    workspace_id: str
    blobs: int


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while block := handle.read(_READ):
            yield block


def create_backup(
    workspace: Workspace, recipients: Sequence[Recipient], out_path: Path, cancel: CancelToken | None = None
) -> ProgressGenerator[BackupResult]:
    """Seal a consistent snapshot of ``workspace`` (unlocked) to ``recipients`` at ``out_path``."""
    workspace.record(EventType.BACKUP_CREATED, {"output": out_path.name, "recipients": len(recipients)})
    anchor = workspace.anchoring.anchor_file.read_bytes() if workspace.anchoring.anchor_file.exists() else None
    with workspace.db.read() as reader:
        image, ids = snapshot(reader.conn)
    blob_dir = workspace.blob_dir
    streamed = [
        StreamedMember(
            f"workspace/blobs/{blob_id}", (blob_dir / blob_id).stat().st_size, partial(_file_chunks, blob_dir / blob_id)
        )
        for blob_id in ids
    ]
    index = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace_id": workspace.workspace_id.hex(),
        "database": {"size": len(image), "sha256": hashlib.sha256(image).hexdigest()},
        "blobs": [{"id": blob_id, "size": m.size} for blob_id, m in zip(ids, streamed, strict=True)],
        "anchor": workspace.anchoring.anchor_file.name if anchor is not None else None,
    }
    small = [(_INDEX, json.dumps(index, indent=1).encode()), (_DATABASE, image)]
    if anchor is not None:
        small.insert(1, (f"anchors/{workspace.anchoring.anchor_file.name}", anchor))
    contents = BundleContents(small, streamed, int(datetime.now(UTC).timestamp()))
    temp = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.partial")
    try:
        with open(temp, "xb") as out:
            written = yield from write_bundle(out, recipients, contents, cancel)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, out_path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return BackupResult(out_path, written.size, written.sha256, len(ids))


def _refuse(detail: str) -> BundleMalformed:
    return BundleMalformed(f"This is not a usable Evidence Desk backup: {detail}. Nothing was restored.")


def restore_backup(
    paths: AppPaths, source: Path, identities: Sequence[Identity], cancel: CancelToken | None = None
) -> ProgressGenerator[RestoreResult]:
    """Restore a backup into ``paths``, which must hold no workspace; all or nothing."""
    if Workspace.exists(paths) or (paths.anchors.exists() and any(paths.anchors.iterdir())):
        raise WorkspaceExists(
            "This profile already holds a workspace (or its anchor). Restore into a new, empty profile folder."
        )
    paths.make_private()
    blob_dir = private_dir(paths.workspace / "blobs")
    written: list[Path] = []
    try:
        with open(source, "rb") as handle:
            result = yield from _restore_members(paths, blob_dir, handle, identities, written, cancel)
        fsync_directory(blob_dir)
        fsync_directory(paths.workspace)
        return result
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, cancel: CancelToken | None) -> str:
    source = tar.extractfile(member)
    if source is None:
        raise _refuse(f"{member.name} cannot be read")
    digest = hashlib.sha256()
    with os.fdopen(open_private(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "wb") as out:
        while block := source.read(_READ):
            if cancel is not None:
                cancel.raise_if_cancelled()
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _restore_members(
    paths: AppPaths,
    blob_dir: Path,
    handle: Any,
    identities: Sequence[Identity],
    written: list[Path],
    cancel: CancelToken | None,
) -> ProgressGenerator[RestoreResult]:
    index: dict[str, Any] | None = None
    seen: set[str] = set()
    database_digest = None
    source = ForwardReader(open_age(handle, identities).chunks())
    with tarfile.TarFile(fileobj=source, mode="r") as tar:  # type: ignore[arg-type]  # read, tell, seek: all it uses
        for member in tar:
            if not member.isreg() or member.name in seen:
                raise _refuse(f"{member.name[:80]!r} is not a regular file, or appears twice")
            seen.add(member.name)
            if index is None:
                if member.name != _INDEX or member.size > 64 * 1024 * 1024:
                    raise _refuse("it does not start with its index")
                index = _read_index(tar, member)
                continue
            if member.name == _DATABASE:
                target = paths.workspace / f"{DATABASE_NAME}.restoring"
            elif (blob := _BLOB.fullmatch(member.name)) is not None:
                target = blob_dir / blob.group(1)
            elif (anchor := _ANCHOR.fullmatch(member.name)) is not None:
                target = paths.anchors / anchor.group(1)
            else:
                raise _refuse(f"it contains a member named {member.name[:80]!r}")
            written.append(target)
            digest = _write_member(tar, member, target, cancel)
            if member.name == _DATABASE:
                database_digest = digest
            yield Progress(len(seen), None, member.name)
        if not only_zeros_follow(tar, cancel):  # and the age layer authenticates its final chunk
            raise _refuse("it has data after the end of its archive")
    if index is None or database_digest != index["database"]["sha256"]:
        raise _refuse("its database is missing or does not match its index")
    missing = [b["id"] for b in index["blobs"] if f"workspace/blobs/{b['id']}" not in seen]
    if missing:
        raise _refuse(f"evidence blobs listed in its index are missing: {len(missing)}")
    final = paths.workspace / DATABASE_NAME
    os.replace(paths.workspace / f"{DATABASE_NAME}.restoring", final)
    written.append(final)
    return RestoreResult(str(index["workspace_id"]), len(index["blobs"]))


def _read_index(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    source = tar.extractfile(member)
    try:
        index = json.loads(source.read() if source is not None else b"")
        if index.get("format") != FORMAT:
            raise ValueError(f"format {index.get('format')!r}")
        return dict(index)
    except (ValueError, AttributeError) as exc:
        raise _refuse(f"its index is unreadable ({exc})") from None


def last_backup_at(workspace: Workspace) -> datetime | None:
    """When the newest backup of ``workspace`` was taken, from its custody log (None: never)."""
    times = [e.event.time for e in workspace.events() if e.event.type is EventType.BACKUP_CREATED]
    return max(times) if times else None


def backup_overdue(last: datetime | None, days: int, now: datetime) -> bool:
    """Whether a reminder is due: reminders on (``days`` > 0) and no backup within ``days``."""
    return days > 0 and (last is None or now - last > timedelta(days=days))
