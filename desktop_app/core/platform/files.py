"""Durable, private file operations: the fsync discipline and the profile's permissions in one place.

Everything Evidence Desk keeps in a profile (database and its WAL/SHM, blobs, anchors, settings,
logs) is the reviewer's alone, whatever the process umask says: folders are created 0700 and files
0600 explicitly. SQLite gives the ``-wal`` and ``-shm`` files the permissions of the database file,
so creating the database 0600 before SQLite opens it covers them. On Windows the mode bits mean
little; a folder we create gets an ACL for the current user only (``icacls``, shipped with
Windows: no new dependency), and files inherit it. Failing to set that ACL is logged, not fatal.
"""

import logging
import os
import secrets
import stat
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_BINARY = getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` durable (a no-op where directories cannot be opened)."""
    if os.name == "nt":
        return  # NTFS journals metadata; directories cannot be opened for fsync there
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def windows_owner_only_acl_command(path: Path, user: str) -> list[str]:
    """The ``icacls`` call that leaves ``path`` to ``user`` alone (inherited by what is created inside)."""
    return ["icacls", str(path), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F", "/q"]


def _restrict_windows_acl(path: Path) -> None:
    user = os.environ.get("USERNAME")
    if not user:
        log.warning("Cannot restrict %s to the current user: USERNAME is not set", path)
        return
    domain = os.environ.get("USERDOMAIN")
    account = f"{domain}\\{user}" if domain else user
    try:
        subprocess.run(windows_owner_only_acl_command(path, account), check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("Cannot restrict %s to the current user (%s); it keeps its inherited ACL", path, exc)


def tighten(path: Path, mode: int) -> None:
    """Set ``path``'s permission bits to ``mode`` if they are wider (POSIX; a no-op on Windows)."""
    if os.name == "nt":
        return
    try:
        info = os.lstat(path)
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except OSError as exc:  # not ours to change (another owner): say so, but keep working
        log.warning("Cannot make %s private (%s)", path, exc)


def private_dir(path: Path, *, tighten_existing: bool = True) -> Path:
    """Create ``path`` and any missing parents as 0700 folders; tighten ``path`` itself if it exists.

    Parents that already exist are left alone: they may be the user's own folders.
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        tighten(folder, PRIVATE_DIR_MODE)  # the umask may have taken the owner's bits too
        if os.name == "nt":
            _restrict_windows_acl(folder)
    if tighten_existing and not missing:
        tighten(path, PRIVATE_DIR_MODE)
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` that creates the file 0600 (``O_CREAT`` is added); returns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT | _BINARY, PRIVATE_FILE_MODE)
    if os.name != "nt":
        try:
            if stat.S_IMODE(os.fstat(fd).st_mode) != PRIVATE_FILE_MODE:
                os.fchmod(fd, PRIVATE_FILE_MODE)
        except OSError as exc:
            log.warning("Cannot make %s private (%s)", path, exc)
    return fd


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists as an owner-only file (created empty if missing, tightened if not)."""
    os.close(open_private(path, os.O_RDONLY))  # read-only: a write-protected file is tightened, not refused
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (owner-only) so that a crash leaves either the old or the new content.

    A missing parent folder is created 0700; an existing one is not changed (it may be the user's).
    """
    private_dir(path.parent, tighten_existing=False)
    temp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        with os.fdopen(open_private(temp, os.O_WRONLY | os.O_EXCL), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_directory(path.parent)


def read_at_most(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``path``: enough to tell "within the limit" from "too large".

    The caller compares the length with ``limit``; nothing larger is ever held in memory, whatever
    the file claims (``/dev/zero``, a FIFO, a sparse or growing file).
    """
    with open(path, "rb") as handle:
        return handle.read(limit + 1)


class TooLarge(ValueError):
    """A file longer than the caller's cap; nothing beyond the cap was read."""


def read_bounded(path: Path, cap: int) -> bytes:
    """Read a whole small file, refusing one longer than ``cap`` bytes without reading past cap + 1.

    ``stat`` is not trusted for the size (a file can grow while read, a FIFO has none), and
    symbolic links are not followed where the platform allows refusing them.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(f"{path} is larger than {cap:,} bytes")
    return data
