"""One running Evidence Desk per workspace.

An OS advisory lock on ``instance.lock``, not a PID file: the kernel releases it when the
holder dies, even by SIGKILL, so a crash never leaves the workspace unopenable.
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


class InstanceLock:
    """Holds the workspace's instance lock until ``release()``."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(self._fd):
            os.close(self._fd)
            self._fd = None
            raise WorkspaceInUse(
                "This workspace is open in another Evidence Desk window or process. Close it there "
                "first; nothing was changed."
            )

    def release(self) -> None:
        """Give the lock up (closing the descriptor releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "InstanceLock":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
