"""An overall deadline for one HTTP call, which httpx's time-outs are not.

httpx's time-outs bound each read and write: a server (or anything on the network between) that
sends one byte a second keeps every read short and the call alive for as long as it likes, in the
TLS handshake, the status line and headers, or the body (tests/core/cybertipline/test_client_hostile.py
shows each; a loop that checks the clock between body chunks cannot help before the headers are
in). docs/submission.md ("What an answer means") says what a call cut short by the deadline means.

``CallWatchdog`` learns the call's TCP socket from httpcore's ``trace`` hook as soon as it is
connected and keeps a duplicate of it (its own descriptor of the same socket: the TLS layer
takes the original over, and a descriptor of our own can never name another file later). When
the deadline passes it shuts that socket down: whatever read or write is blocked returns at once,
httpx raises a transport error, and the client reports the deadline. ``request_started`` says
whether any of the request went out (a handshake cut short sent nothing). The client opens a
fresh connection for every call (no keep-alive), so the hook always sees it.
"""

import contextlib
import socket
import threading
from typing import Any


class CallWatchdog:
    """A timer over one call; pass ``trace`` as the request's ``trace`` extension, use as a context manager."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.request_started = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "CallWatchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._timer.join()
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """The trace hook httpcore calls: keep the connection's socket; note when the request starts."""
        if event == "http11.send_request_headers.started":
            self.request_started = True
        elif event == "connection.connect_tcp.complete":
            raw = info["return_value"].get_extra_info("socket")
            with self._lock:
                if raw is not None and self._socket is None:
                    self._socket = raw.dup()
                if self.expired:
                    self._cut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        if self._socket is None:
            return  # not connected yet: the connect time-out bounds that part
        with contextlib.suppress(OSError):  # already closed: the call is over
            self._socket.shutdown(socket.SHUT_RDWR)
