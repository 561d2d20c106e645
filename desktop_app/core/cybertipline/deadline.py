"""An overall deadline for one HTTP call, which httpx's time-outs are not.

httpx's read time-out bounds each read: a server that sends its status line and headers one byte a
second keeps every read short and the call alive for as long as it likes (security.md §5.5
measured it; reading the body in a loop that checks the clock cannot help before the headers are
in). ``CallWatchdog`` learns the call's socket from httpcore's ``trace`` hook (the connection it
opens, then the TLS layer over it) and, once the deadline passes, shuts that socket down: the
blocked read returns at once, httpx raises a transport error, and the client reports the deadline.
The client opens a fresh connection for every call (no keep-alive), so the hook always sees it.
"""

import contextlib
import socket
import threading
from typing import Any

_STREAM_EVENTS = ("connection.connect_tcp.complete", "connection.start_tls.complete")


class CallWatchdog:
    """A timer over one call; pass ``trace`` as the request's ``trace`` extension, use as a context manager."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._stream: Any = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "CallWatchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._timer.join()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """The trace hook httpcore calls: remember the newest stream of the call's connection."""
        if event in _STREAM_EVENTS:
            with self._lock:
                self._stream = info.get("return_value")
                if self.expired:
                    self._cut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        sock = self._stream.get_extra_info("socket") if self._stream is not None else None
        if sock is None:
            return  # not connected yet: the connect time-out bounds that part
        with contextlib.suppress(OSError):  # already closed: the call is over
            sock.shutdown(socket.SHUT_RDWR)
