"""Reading untrusted files safely: never follow a link, never block, never read more than allowed.

Rules (decisions.md §4):

* Open first, then decide. ``open(O_RDONLY | O_NONBLOCK | O_NOFOLLOW)`` never blocks on a FIFO
  and fails with ELOOP on a link; ``fstat`` of the *descriptor* then says what was opened. Checking
  with ``lstat`` first and opening afterwards would be a race (the name can be swapped between
  the two); ``lstat`` is only used to describe what a walk found.
* Cap by ``st_size`` before reading: a sparse file says 100 GiB with nothing allocated and would
  otherwise be read for minutes. Count bytes while reading too: a file can grow.
* What is opened must be what the walk saw: ``O_NOFOLLOW`` guards only the last component of a
  path, so a folder swapped for a link between the walk and the read would be followed. The
  walk records each file's device and inode (``Identity``) and the opened descriptor must match
  it; otherwise nothing is read and the item says the file was replaced.
* ``fstat`` before and after, on the same descriptor: a different size or mtime means the file
  changed while it was read. What was read is kept (it is what the evidence was at that moment)
  and the item says so.
* Paths are bytes end to end: names need not be UTF-8, and a ``str`` with surrogates cannot be
  stored or logged.

Each chunk is a fresh ``bytes`` object, because it is handed to digest threads and the encryptor.
"""

import errno
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.domain.items import IntakeOutcome, ItemKind

CHUNK_SIZE = 1024 * 1024  # 1-4 MiB reads are fastest for hashing (hashes.md §1)
DEFAULT_MAX_FILE_SIZE = 8 * 1024**3
# O_NONBLOCK: a FIFO opens at once instead of waiting for a writer. O_NOFOLLOW: a link is not
# opened at all. O_BINARY (Windows only): no newline translation. Windows has no O_NOFOLLOW;
# its links are reparse points that the walk records from lstat before anything is opened.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


Identity = tuple[int, int]  # (st_dev, st_ino): which file, whatever path leads to it


def identity_of(info: os.stat_result) -> Identity | None:
    """The device and inode of ``info``, or None where the platform does not fill them in.

    (On Windows ``os.scandir`` leaves st_ino 0; there the walk cannot pin files by identity.)
    """
    return (info.st_dev, info.st_ino) if info.st_ino else None


def replaced_item(path: bytes, what: str = "file") -> "NotReadable":
    """The record of a path that no longer leads to the file or folder the walk found."""
    return NotReadable(
        ItemKind.UNREAD,
        IntakeOutcome.NOT_READ_REPLACED,
        f"This {what} was replaced (by a link or another {what}) between the folder walk and the read, so "
        "what the path now leads to was not read. Check the folder and add it again if it is stable.",
    )


class NotReadable(Exception):  # noqa: N818 - an outcome, not a program error
    """A path that is recorded rather than read: a link, a special file, or one that cannot be read."""

    def __init__(
        self,
        kind: ItemKind,
        outcome: IntakeOutcome,
        detail: str,
        link_target: bytes | None = None,
        size: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.outcome = outcome
        self.detail = detail
        self.link_target = link_target
        self.size = size


def special_kind_name(mode: int) -> str:
    """A reviewer's word for a non-regular file type."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def link_item(path: bytes) -> NotReadable:
    """The record of a symbolic link: its target, never its content."""
    try:
        target: bytes | None = os.readlink(path)
    except OSError:
        target = None
    shown = target.decode("utf-8", "replace") if target is not None else "(unreadable target)"
    return NotReadable(
        ItemKind.LINK,
        IntakeOutcome.NOT_READ_LINK,
        f"A symbolic link to {shown}: links are never followed.",
        link_target=target,
    )


def special_item(mode: int) -> NotReadable:
    """The record of a FIFO, device or socket."""
    return NotReadable(
        ItemKind.SPECIAL,
        IntakeOutcome.NOT_READ_SPECIAL,
        f"This is {special_kind_name(mode)}, not a regular file: it was not read.",
    )


def error_item(error: OSError, doing: str = "opening") -> NotReadable:
    """Map an ``OSError`` to the outcome the reviewer sees."""
    code = error.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return NotReadable(
            ItemKind.UNREAD, IntakeOutcome.NOT_READ_VANISHED, "The file was gone when it was to be read."
        )
    if code in (errno.EACCES, errno.EPERM):
        return NotReadable(
            ItemKind.UNREAD,
            IntakeOutcome.NOT_READ_PERMISSION,
            "Permission denied: this account may not read the file. Copy it somewhere readable and add it again.",
        )
    reason = os.strerror(code) if code is not None else str(error)
    return NotReadable(
        ItemKind.UNREAD, IntakeOutcome.NOT_READ_ERROR, f"The file could not be read ({doing}: {reason})."
    )


def too_large_item(size: int, limit: int) -> NotReadable:
    """The record of a file over the size limit (checked before a single byte is read)."""
    return NotReadable(
        ItemKind.UNREAD,
        IntakeOutcome.NOT_READ_TOO_LARGE,
        f"The file says it holds {size:,} bytes, over the limit of {limit:,}; it was not read. "
        "Raise the limit in the settings if it is genuine.",
        size=size,
    )


@dataclass(frozen=True)
class ReadFacts:
    """What reading a file found, from the descriptor that was read."""

    bytes_read: int
    modified: datetime  # mtime when opened
    changed: bool
    detail: str = ""


class SafeFile:
    """A regular file opened without following links or blocking; read it with ``chunks``.

    Raises ``NotReadable`` from the constructor for anything that is not a readable regular file
    within ``max_size``, or (given ``expected``) not the very file the walk found.
    """

    def __init__(self, path: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE, expected: Identity | None = None) -> None:
        self.path = path
        self.max_size = max_size
        try:
            self._fd = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise link_item(path) from None
            if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened in a mode that needs a peer
                try:
                    mode = os.lstat(path).st_mode
                except OSError:
                    mode = stat.S_IFSOCK
                raise special_item(mode) from None
            raise error_item(exc) from None
        try:
            self._before = os.fstat(self._fd)
            if not stat.S_ISREG(self._before.st_mode):
                raise special_item(self._before.st_mode)  # what is there now, truthfully: nothing is read
            if expected is not None and identity_of(self._before) != expected:
                raise replaced_item(path)
            if self._before.st_size > max_size:
                raise too_large_item(self._before.st_size, max_size)
        except BaseException:
            os.close(self._fd)
            raise
        self.size = self._before.st_size
        self.bytes_read = 0
        self._grew_past_limit = False

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        """The next chunk (fresh bytes), or ``b""`` at the end or at the size limit."""
        allowed = self.max_size - self.bytes_read
        if allowed <= 0:
            # Probe one byte: at the limit exactly is fine, beyond it the file grew while read.
            if os.read(self._fd, 1):
                self._grew_past_limit = True
            return b""
        try:
            chunk = os.read(self._fd, min(size, allowed))
        except OSError as exc:
            raise error_item(exc, "reading") from None
        self.bytes_read += len(chunk)
        return chunk

    def finish(self) -> ReadFacts:
        """Close the file and say whether it changed while it was read."""
        try:
            after = os.fstat(self._fd)
        finally:
            self.close()
        before = self._before
        modified = datetime.fromtimestamp(before.st_mtime_ns / 1e9, UTC)
        if self._grew_past_limit:
            detail = (
                f"The file grew past the size limit of {self.max_size:,} bytes while it was read; "
                f"the first {self.bytes_read:,} bytes are preserved."
            )
            return ReadFacts(self.bytes_read, modified, True, detail)
        if (after.st_size, after.st_mtime_ns) != (
            before.st_size,
            before.st_mtime_ns,
        ) or self.bytes_read != before.st_size:
            detail = (
                f"The file changed while it was read (size {before.st_size:,} -> {after.st_size:,} bytes, "
                f"{self.bytes_read:,} read). What was read is preserved; add the file again once it is stable "
                "if the newer state matters."
            )
            return ReadFacts(self.bytes_read, modified, True, detail)
        return ReadFacts(self.bytes_read, modified, False)

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> "SafeFile":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
