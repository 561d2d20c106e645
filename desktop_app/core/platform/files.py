"""Durable file operations: the fsync discipline in one place."""

import os
import secrets
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` durable (a no-op where directories cannot be opened)."""
    if os.name == "nt":
        return  # NTFS journals metadata; directories cannot be opened for fsync there
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_directory(path.parent)


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
