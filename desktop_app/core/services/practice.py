"""The Practice environment: the built-in practice server, started in this process when first needed.

A new reviewer rehearses the whole submission against a server that behaves like NCMEC's, with
synthetic content, without NCMEC credentials. ``PracticeEndpoint`` starts one practice server
lazily on loopback (its user name and password are generated per run and never stored), hands the
submission service its address and credentials, and stops it on ``close()``. A practice server
lives as long as the process that started it: a report left open there is gone with it, which the
submission service reports as such when it next resumes the report.

``PracticeEndpoint.attached`` uses a server someone else runs (``evidence-desk sandbox``, or a
test harness that must outlive the process that submits).
"""

import threading
from collections.abc import Callable
from typing import Any

from desktop_app.core.cybertipline.endpoint import Credentials


class PracticeEndpoint:
    """Address and credentials of the practice server; starts it on first use unless attached."""

    def __init__(self, xsd: Callable[[], bytes | None] = lambda: None) -> None:
        self._xsd = xsd
        self._lock = threading.Lock()
        self._server: Any = None
        self._fixed: tuple[str, Credentials] | None = None

    @classmethod
    def attached(cls, url: str, credentials: Credentials) -> "PracticeEndpoint":
        """A practice endpoint for a server that is already running elsewhere (never started or stopped here)."""
        endpoint = cls()
        endpoint._fixed = (url, credentials)
        return endpoint

    @property
    def running(self) -> bool:
        """Whether this endpoint has a server to talk to now."""
        return self._fixed is not None or self._server is not None

    def connection(self) -> tuple[str, Credentials]:
        """The server's address and credentials, starting it if needed."""
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            if self._server is None:
                # Imported here: the server (and its HTTP stack) loads only when practice is used.
                from desktop_app.core.cybertipline.practice import PracticeServer

                server = PracticeServer(xsd=self._xsd())
                server.start()
                self._server = server
            return str(self._server.url), Credentials(self._server.username, self._server.password)

    def server(self) -> Any:
        """The running in-process server (for its inspection view), or None."""
        return self._server

    def close(self) -> None:
        """Stop the server if this endpoint started one."""
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
