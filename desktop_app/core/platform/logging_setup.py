"""Stdlib logging for the app: a rotating file in the log folder and an in-memory ring buffer.

The ring buffer keeps the most recent records for the in-app log view and the crash report, so a
reviewer can copy what happened without hunting for the log folder.

What must never be logged: evidence content, file names or hashes of evidence, report bodies,
passphrases, recovery keys or any key material. Log ids, counts, error codes and exception types;
the custody log, not this one, is the record of what happened to evidence. The log files are not
encrypted, which is exactly why this rule exists.
"""

import logging
import os
import threading
from collections import deque
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop_app.core.platform.files import open_private, private_dir

LOG_FILE_NAME = "evidence-desk.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
RING_CAPACITY = 500
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s]: %(message)s"


class RingBufferHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted records in memory."""

    def __init__(self, capacity: int = RING_CAPACITY) -> None:
        super().__init__()
        self._lines: deque[str] = deque(maxlen=capacity)
        self._lines_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Format and keep one record (the oldest falls off when full)."""
        try:
            line = self.format(record)
        except Exception:  # logging must never raise into the code that logged
            self.handleError(record)
            return
        with self._lines_lock:
            self._lines.append(line)

    def lines(self) -> list[str]:
        """The kept records, oldest first."""
        with self._lines_lock:
            return list(self._lines)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log file created owner-only (0600), whatever the umask; rotation keeps the mode."""

    def _open(self):  # type: ignore[no-untyped-def]  # the base class leaves it untyped
        fd = open_private(Path(self.baseFilename), os.O_WRONLY | os.O_APPEND)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115 - the handler owns it


@dataclass
class LoggingSetup:
    """The handlers ``configure_logging`` attached, so they can be removed again."""

    ring_buffer: RingBufferHandler
    file_handler: RotatingFileHandler | None
    log_file: Path | None
    _previous_level: int = field(default=logging.WARNING, repr=False)

    def close(self) -> None:
        """Detach and close the handlers and restore the root logger's level."""
        root = logging.getLogger()
        for handler in (self.ring_buffer, self.file_handler):
            if handler is not None:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(self._previous_level)


def configure_logging(log_dir: Path, level: int = logging.INFO) -> LoggingSetup:
    """Attach the rotating file (1 MiB x 5 in ``log_dir``) and the ring buffer to the root logger.

    If the log folder cannot be created or opened, the app still runs with the ring buffer alone:
    losing the log file must not lose the workspace.
    """
    root = logging.getLogger()
    previous = root.level
    formatter = logging.Formatter(FORMAT)
    ring = RingBufferHandler()
    ring.setFormatter(formatter)
    root.addHandler(ring)

    file_handler: RotatingFileHandler | None = None
    log_file: Path | None = log_dir / LOG_FILE_NAME
    try:
        private_dir(log_dir)
        file_handler = PrivateRotatingFileHandler(
            log_dir / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        log_file = None
        logging.getLogger(__name__).warning(
            "Cannot write the log file in %s (%s); logging to memory only", log_dir, exc
        )
    else:
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    root.setLevel(level)
    return LoggingSetup(ring, file_handler, log_file, previous)
