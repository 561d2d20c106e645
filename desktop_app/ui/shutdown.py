"""Clean shutdown on SIGTERM, SIGINT, session logout and OS shutdown: the same path as Quit.

A Python signal handler runs only when the interpreter gets control, which a Qt event loop waiting
in C++ does not give it; so the handler only writes the signal number to a socket
(``signal.set_wakeup_fd``) whose ``QSocketNotifier`` wakes the event loop, and the stop happens
there, on the GUI thread: ``on_stop(reason)`` closes the window (drafts are flushed, imports and
uploads stop where they are resumable) and quits the loop, and the composition root then locks the
workspace with the reason, which logs the stop and seals a checkpoint. A session manager asking
to save before logout or shutdown (``commitDataRequest``) takes the same path.
"""

import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtGui import QGuiApplication, QSessionManager

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())


class ShutdownOnSignal(QObject):
    """Turns stop signals and the session manager's request into ``on_stop(reason)`` on the GUI thread.

    ``uninstall`` restores the previous handlers (tests, and the end of ``app.main``).
    """

    def __init__(self, app: QGuiApplication, on_stop: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_stop = on_stop
        self._stopping = False
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {number: signal.signal(number, self._note) for number in STOP_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        app.commitDataRequest.connect(self._session_ending)

    @staticmethod
    def _note(_number: int, _frame: object) -> None:
        """The Python-level handler: nothing to do, the wakeup fd already carries the number."""

    def _woken(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        for number in data:
            name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
            self.stop(name)

    def _session_ending(self, manager: QSessionManager) -> None:
        self.stop("session ending")

    def stop(self, reason: str) -> None:
        """Stop once, for ``reason`` (a second signal while stopping changes nothing)."""
        if self._stopping:
            return
        self._stopping = True
        log.info("Stopping: %s", reason)
        self._on_stop(reason)

    def uninstall(self) -> None:
        """Put the previous handlers back and close the socket pair."""
        self._notifier.setEnabled(False)
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
