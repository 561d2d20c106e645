"""One running Evidence Desk per workspace.

An OS advisory lock, not a PID file: the kernel releases it when the holder dies, even by SIGKILL,
so a crash never leaves the workspace unopenable.

On POSIX the lock that counts is on the workspace *folder* itself (``flock`` on a descriptor of
the directory). A lock on a file inside it can be swapped away under the holder: delete
``instance.lock`` and the next process creates a new file and locks that, then writes the same
database next to the first (which the SQLite WAL-reset bug turns into corruption). The folder
cannot be replaced while it holds the database the first process has open. ``instance.lock`` is
still locked as well: it is the only lock Windows gets (where a file that is open cannot be
deleted, and a directory cannot be opened for locking).
"""

import os
import sys
from pathlib import Path
from types import TracebackType

from desktop_app.core.errors import WorkspaceInUse

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _in_use() -> WorkspaceInUse:
    return WorkspaceInUse(
        "This workspace is open in another Evidence Desk window or process. Close it there first; nothing was changed."
    )


class InstanceLock:
    """Holds the workspace's instance lock (the folder, and ``path`` in it) until ``release()``."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fds: list[int] = []
        try:
            if sys.platform != "win32":
                self._hold(os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
            self._hold(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        except BaseException:
            self.release()
            raise

    def _hold(self, fd: int) -> None:
        self._fds.append(fd)
        if not _try_lock(fd):
            raise _in_use()

    def release(self) -> None:
        """Give the lock up (closing the descriptors releases it)."""
        while self._fds:
            os.close(self._fds.pop())

    def __enter__(self) -> "InstanceLock":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
