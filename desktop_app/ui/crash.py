"""The path every bug takes: log the traceback, then show a crash dialog with a copyable report.

``CrashHandler.install`` takes over ``sys.excepthook`` (uncaught exceptions in the GUI thread and in
Qt slots, plus the bugs the worker bridge hands on) and ``threading.excepthook`` (plain Python
threads), and routes Qt's own messages into ``logging`` so they reach the log file and the ring
buffer. Exceptions may arrive on any thread; the dialog is only ever built on the GUI thread,
through a queued signal. ``uninstall`` restores everything (tests and the end of ``main``).
"""

import logging
import platform
import re
import sys
import sysconfig
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import PySide6
from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, Signal, Slot, qInstallMessageHandler, qVersion

import desktop_app
from desktop_app import APP_NAME, __version__
from desktop_app.ui.dialogs.crash_dialog import CrashDialog

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
RECENT_LOG_LINES = 200

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


# A path in a message or a log line: quoted (it may hold spaces), or bare up to the next space. The
# slash must not follow a word, a dot or a colon, so "a/b", "./x" and the path of a URL stay.
_PATH_IN_TEXT = re.compile(
    r"""(?P<quote>['"])(?:[A-Za-z]:[\\/]|[\\/]|~[\\/])[^'"\n]*(?P=quote)"""
    r"""|(?:\b[A-Za-z]:\\|(?<![\w.:/~])~?/)[^\s'",;)\]]+"""
)
_PACKAGE_ROOT = Path(desktop_app.__file__).resolve().parent.parent
_KNOWN_ROOTS = (
    (Path(sysconfig.get_paths()["purelib"]), "<site-packages>"),
    (Path(sysconfig.get_paths()["platlib"]), "<site-packages>"),
    (Path(sysconfig.get_paths()["stdlib"]), "<python>"),
)


def scrub_paths(text: str) -> str:
    """Replace file paths in free text by ``<path>``: they name the user, and may name evidence."""

    def replace(match: re.Match[str]) -> str:
        quote = match.group("quote")
        return f"{quote}<path>{quote}" if quote else "<path>"

    return _PATH_IN_TEXT.sub(replace, text)


def _code_file(filename: str) -> str:
    """Where a frame's code lives, without the folders it is installed in."""
    path = Path(filename)
    if not path.is_absolute():
        return filename  # "<frozen ...>", "<string>"
    for root, label in ((_PACKAGE_ROOT, ""), *_KNOWN_ROOTS):
        if path.is_relative_to(root):
            relative = path.relative_to(root).as_posix()
            return f"{label}/{relative}" if label else relative
    return f"<path>/{path.name}"


def _scrubbed_traceback(exc_info: ExcInfo) -> str:
    shown = traceback.TracebackException(*exc_info)
    seen: set[int] = set()
    pending = [shown]
    while pending:  # the exception, what caused it, what it happened during, the members of a group
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for frame in current.stack:
            frame.filename = _code_file(frame.filename)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        pending.extend(getattr(current, "exceptions", None) or [])
    return scrub_paths("".join(shown.format()).rstrip())


def build_crash_report(exc_info: ExcInfo, recent_log: list[str]) -> str:
    """The text a reviewer copies to support: versions, the traceback, recent log records.

    It carries no evidence: the traceback has code and exception messages (which never include
    evidence or secrets), and the log lines follow the same rule (see ``logging_setup``). File
    paths are scrubbed from all of it: code files are shown relative to where they are installed,
    any other path as ``<path>`` (a path names the reviewer's account, and may name a file).
    """
    recent = [scrub_paths(line) for line in recent_log[-RECENT_LOG_LINES:]]
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"Platform: {platform.platform()}",
        f"Time (UTC): {datetime.now(UTC).isoformat(timespec='seconds')}",
        "",
        _scrubbed_traceback(exc_info),
        "",
        f"Recent log records ({len(recent)}):",
        *recent,
    ]
    return "\n".join(lines)


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Send one Qt message to the ``qt`` logger (never raises: Qt calls this from C++)."""
    try:
        where = f" ({context.category})" if context.category and context.category != "default" else ""
        qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)
    except Exception:  # a failing log call must not become a crash inside Qt
        return


class CrashHandler(QObject):
    """Owns the exception hooks and the crash dialog.

    Args:
        recent_log: Returns the recent log lines to include (the ring buffer's ``lines``).
        parent: The owning QObject.
    """

    crash_reported = Signal(str)
    RecentLog = Callable[[], list[str]]

    def __init__(self, recent_log: RecentLog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recent_log = recent_log
        self._previous: dict[str, Any] = {}
        self._reporting = False
        self.dialog: CrashDialog | None = None
        # Queued from other threads by Qt's AutoConnection, since this object lives on the GUI thread.
        self.crash_reported.connect(self._show)

    def install(self) -> None:
        """Take over the hooks; remembers what was there."""
        self._previous = {
            "excepthook": sys.excepthook,
            "threading": threading.excepthook,
            "qt": qInstallMessageHandler(qt_message_handler),
        }
        sys.excepthook = self.handle_exception
        threading.excepthook = self._handle_thread_exception

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        if not self._previous:
            return
        sys.excepthook = self._previous["excepthook"]
        threading.excepthook = self._previous["threading"]
        qInstallMessageHandler(self._previous["qt"])
        self._previous = {}

    def handle_exception(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """``sys.excepthook``: log the bug and report it (Ctrl+C keeps Python's default behaviour)."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if self._reporting:  # a bug while reporting a bug: log it, do not loop
            log.critical("Error while reporting a crash", exc_info=(exc_type, exc, tb))
            return
        self._reporting = True
        try:
            log.critical("Unexpected error", exc_info=(exc_type, exc, tb))
            self.crash_reported.emit(build_crash_report((exc_type, exc, tb), self._recent_log()))
        finally:
            self._reporting = False

    def report_fatal(self, exc_info: ExcInfo | tuple[None, None, None]) -> None:
        """Log a bug that stops start-up and show the report modally (there is no event loop yet)."""
        if exc_info[0] is None or exc_info[1] is None:
            return
        full: ExcInfo = (exc_info[0], exc_info[1], exc_info[2])
        log.critical("Unexpected error during start-up", exc_info=full)
        CrashDialog(build_crash_report(full, self._recent_log())).exec()

    def _handle_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle_exception(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, report: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.append_report(report)
        else:
            self.dialog = CrashDialog(report)
            self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
