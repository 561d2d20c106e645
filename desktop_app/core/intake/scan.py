"""Turning what the reviewer dropped (files, folders, a manifest) into a list of things to take in.

Folders are walked depth-first in name order, never following a link: a link is recorded with
its target, a FIFO, device or socket is recorded as what it is, and neither is ever opened.
Whether a regular file can really be read is decided later, when it is opened
(``reading.SafeFile``): between the walk and the read it may vanish, change or be replaced, and
only the open descriptor tells the truth.

Swaps are caught by identity, not by path: each folder is opened (``O_NOFOLLOW | O_DIRECTORY``)
and listed through its descriptor only if its device and inode are those its parent's listing
showed, and each job carries the device and inode the walk saw, which the read checks again. A
folder swapped for a link (to ``/etc``, to another case) between listing its parent and listing
it, or between the walk and the read, is therefore recorded as replaced or as a link, and its
new target is never read. No descriptors are held across the walk, so a tree of any depth works.

A manifest row whose path is also found by the walk is read once, with the manifest's fields.
Any other row must point inside the manifest's folder or a folder being imported, or at a path
the reviewer confirmed (``allow_outside``); otherwise it becomes a finding and nothing is read.
"""

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.domain.items import IntakeOutcome, ItemKind, SourceFields
from desktop_app.core.intake.manifest import Manifest, ManifestFinding, is_within, outside_finding
from desktop_app.core.intake.reading import (
    Identity,
    NotReadable,
    error_item,
    identity_of,
    link_item,
    replaced_item,
    special_item,
)
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator

_PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Job:
    """One thing to take in: a file to read, a text, or a path recorded without reading."""

    path: bytes | None = None
    text: str | None = None
    size: int = 0  # as the walk saw it, for progress and ETA only
    fields: SourceFields | None = None
    manifest: str | None = None  # the manifest's name when the job came from one
    record: NotReadable | None = None  # set when the walk already knows it is not read
    identity: Identity | None = None  # device and inode the walk saw; the read must open the same file


@dataclass(frozen=True)
class ScanResult:
    """What the walk found, in import order."""

    jobs: tuple[Job, ...]
    findings: tuple[ManifestFinding, ...] = ()

    @property
    def total_bytes(self) -> int:
        """Bytes expected to be read (files' sizes as the walk saw them)."""
        return sum(job.size for job in self.jobs) + sum(len(job.text.encode()) for job in self.jobs if job.text)


_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_LIST_BY_DESCRIPTOR = os.scandir in os.supports_fd


def _classify(path: bytes, info: os.stat_result) -> Job:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return Job(path, record=link_item(path))
    if stat.S_ISREG(mode):
        return Job(path, size=info.st_size, identity=identity_of(info))
    return Job(path, record=special_item(mode))


class _FolderRefused(Exception):
    def __init__(self, record: NotReadable) -> None:
        super().__init__(record.detail)
        self.record = record


def _listing(folder: bytes, expected: Identity | None) -> list[tuple[bytes, os.stat_result | OSError]]:
    """``folder``'s entries as (name, lstat or the error), in name order, if it is still the folder seen.

    Opened without following a link and listed through the descriptor, so the listing is of the
    folder whose identity was checked, whatever happens to the path meanwhile.
    """
    if not _LIST_BY_DESCRIPTOR:  # Windows: no descriptor-relative listing; links are reparse points
        with os.scandir(folder) as listed:
            named = [(entry.name, _lstat(entry)) for entry in listed]
        return sorted(named, key=lambda e: e[0])
    try:
        fd = os.open(folder, _FOLDER_FLAGS)
    except OSError as exc:
        # A link refused by O_NOFOLLOW: ELOOP, or ENOTDIR on Linux (O_DIRECTORY is checked first).
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(folder):
            raise _FolderRefused(link_item(folder)) from None  # swapped for a link after its parent was listed
        if exc.errno == errno.ENOTDIR:
            raise _FolderRefused(replaced_item(folder, "folder")) from None  # swapped for a file
        raise
    try:
        if expected is not None and identity_of(os.fstat(fd)) != expected:
            raise _FolderRefused(replaced_item(folder, "folder"))
        with os.scandir(fd) as entries:  # names come back as str (surrogate-escaped); fsencode restores bytes
            found = [(os.fsencode(entry.name), _lstat(entry)) for entry in entries]
    finally:
        os.close(fd)
    return sorted(found, key=lambda e: e[0])


def _is_link(path: bytes) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _lstat(entry: os.DirEntry[str] | os.DirEntry[bytes]) -> os.stat_result | OSError:
    try:
        return entry.stat(follow_symlinks=False)
    except OSError as exc:
        return exc


class _Walker:
    def __init__(self, cancel: CancelToken | None) -> None:
        self.jobs: list[Job] = []
        self._seen: set[bytes] = set()
        self._cancel = cancel

    def add(self, job: Job) -> None:
        if job.path is not None:
            if job.path in self._seen:
                return  # the same file named twice (a folder and a file inside it)
            self._seen.add(job.path)
        self.jobs.append(job)

    def top(self, path: bytes) -> ProgressGenerator[None]:
        try:
            info = os.lstat(path)
        except OSError as exc:
            self.add(Job(path, record=error_item(exc, "looking at it")))
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self.walk(path, identity_of(info))
        else:
            self.add(_classify(path, info))

    def walk(self, root: bytes, identity: Identity | None) -> ProgressGenerator[None]:
        # An explicit stack: a hostile tree can be deeper than Python's recursion limit.
        stack: list[tuple[bytes, Identity | None]] = [(root, identity)]
        while stack:
            if self._cancel is not None:
                self._cancel.raise_if_cancelled()
            folder, expected = stack.pop()
            try:
                entries = _listing(folder, expected)
            except _FolderRefused as swapped:
                self.add(Job(folder, record=swapped.record))
                continue
            except OSError as exc:
                refused = error_item(exc, "listing the folder")
                self.add(Job(folder, record=NotReadable(ItemKind.UNREAD, refused.outcome, refused.detail)))
                continue
            subfolders = []
            for name, info in entries:
                path = os.path.join(folder, name)
                if isinstance(info, OSError):
                    self.add(Job(path, record=error_item(info, "looking at it")))
                    continue
                if stat.S_ISDIR(info.st_mode):
                    subfolders.append((path, identity_of(info)))
                else:
                    self.add(_classify(path, info))
                if len(self.jobs) % _PROGRESS_EVERY == 0:
                    yield Progress(len(self.jobs), None, "scanning")
            stack.extend(reversed(subfolders))


def scan(
    paths: Sequence[bytes],
    manifest: Manifest | None = None,
    cancel: CancelToken | None = None,
    allow_outside: Sequence[bytes] = (),
) -> ProgressGenerator[ScanResult]:
    """Walk ``paths`` (absolute bytes) and join the manifest's rows; yields counts while walking.

    ``allow_outside`` lists paths (files, or folders for everything below them) that the reviewer
    confirmed although they lie outside the manifest's folder and the imported folders.
    """
    walker = _Walker(cancel)
    for path in paths:
        yield from walker.top(os.path.normpath(path))
    roots = [os.path.normpath(p) for p in (*paths, *allow_outside)]
    if manifest is not None and manifest.base_dir is not None:
        roots.append(manifest.base_dir)
    if manifest is None:
        return ScanResult(tuple(walker.jobs))
    findings = list(manifest.findings)
    by_path = {job.path: index for index, job in enumerate(walker.jobs) if job.path is not None}
    jobs = list(walker.jobs)
    claimed: set[int] = set()
    extra: list[Job] = []
    for row in manifest.rows:
        if row.text is not None:
            extra.append(Job(text=row.text, fields=row.fields, manifest=manifest.name))
            continue
        assert row.path is not None  # a row is a path or a text (manifest.py)
        index = by_path.get(row.path)
        if index is None and not is_within(row.path, roots):
            findings.append(outside_finding(row, manifest.base_dir))
            continue
        if index is not None:
            # The walk found this file too: read it once, as the manifest describes it. A second
            # row for the same file becomes a second job (a second source of the same item).
            base = walker.jobs[index]
            described = Job(
                base.path,
                size=base.size,
                fields=row.fields,
                manifest=manifest.name,
                record=base.record,
                identity=base.identity,
            )
            if index in claimed:
                extra.append(described)
            else:
                jobs[index] = described
                claimed.add(index)
            continue
        try:
            info = os.lstat(row.path)
        except OSError as exc:
            refused = error_item(exc, "looking at it")
            if refused.outcome == IntakeOutcome.NOT_READ_VANISHED:
                refused = NotReadable(
                    ItemKind.UNREAD, refused.outcome, "The manifest lists this file but it is not there."
                )
            extra.append(Job(row.path, fields=row.fields, manifest=manifest.name, record=refused))
            continue
        if stat.S_ISDIR(info.st_mode):
            findings.append(
                ManifestFinding(
                    row.row,
                    "path",
                    "path-is-folder",
                    "The path names a folder; list its files one per row. The row was skipped.",
                )
            )
            continue
        job = _classify(row.path, info)
        extra.append(
            Job(
                row.path,
                size=job.size,
                fields=row.fields,
                manifest=manifest.name,
                record=job.record,
                identity=job.identity,
            )
        )
    findings.sort(key=lambda f: f.row)
    return ScanResult(tuple(jobs) + tuple(extra), tuple(findings))
