"""Running the practice server: uvicorn (h11) on 127.0.0.1 in a thread of its own.

``PracticeServer`` is what the app, the CLI and the tests use. It binds loopback only (nothing
crosses a network), on a free port unless told one, and returns from ``start`` once it listens.
Credentials are generated unless given. ``stop`` wakes any hanging or trickling answer, lets uvicorn
close its connections, and joins the thread, so a test that stops its server leaks nothing.

Dropping a connection without an answer is not something ASGI can express, so the server gives
uvicorn a subclass of its h11 protocol that remembers each connection's transport by client
address; the app's ``drop`` closes that transport. It is the one place this module relies on
uvicorn beyond its public ``Config``/``Server``.
"""

import asyncio
import contextlib
import secrets
import socket
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from desktop_app.core.cybertipline.model_xsd import model_xsd
from desktop_app.core.cybertipline.practice.app import BASE_PATH, AppConfig, PracticeApp
from desktop_app.core.cybertipline.practice.clock import Clock, SystemClock
from desktop_app.core.cybertipline.practice.faults import Fault, FaultPlan
from desktop_app.core.cybertipline.practice.handlers import Handlers
from desktop_app.core.cybertipline.practice.snapshot import Snapshot
from desktop_app.core.cybertipline.practice.state import PracticeState
from desktop_app.core.cybertipline.xsd import load_xsd

HOST = "127.0.0.1"
START_SECONDS = 10.0
STOP_SECONDS = 10.0


def _tracking_protocol(transports: dict[Any, asyncio.BaseTransport]) -> type[H11Protocol]:
    class TrackingH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            transports[self.client] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            if transports.get(self.client) is self.transport:
                del transports[self.client]
            super().connection_lost(exc)

    return TrackingH11Protocol


class _PromptServer(uvicorn.Server):
    """uvicorn's server, woken at once by ``wake`` instead of noticing ``should_exit`` within 0.1 s."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self.wake = asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):  # on_tick keeps the Date header fresh
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Graceful shutdown as uvicorn does it, without its fixed 0.1 s pause, which every test would pay.

        Stop listening, ask each connection to close (idle ones close at once, busy ones after
        their answer), wait for them and their tasks up to the graceful time-out, then cancel.
        """
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 0)
        while (self.server_state.connections or self.server_state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in list(self.server_state.tasks):
            task.cancel()
        for server in self.servers:
            await server.wait_closed()


class PracticeServer:
    """A CyberTipline practice server on loopback. ``start()``/``stop()``, or use it as a context manager."""

    def __init__(
        self,
        xsd: bytes | str | Path | None = None,
        username: str | None = None,
        password: str | None = None,
        port: int = 0,
        clock: Clock | None = None,
        faults: Iterable[Fault] = (),
        *,
        auth_body: str = "xml",
        finish_error_root: str = "reportResponse",
        status_for_code: dict[int, int] | None = None,
        legacy_http_200: bool = False,
        first_report_id: int = 1_000_001,
        duplicate_file_details_code: int = 4100,
        xml_content_type: str = "application/xml",
        echo_file_id_on_fileinfo: bool = False,
    ) -> None:
        if auth_body not in ("xml", "empty"):
            raise ValueError("auth_body is 'xml' (NCMEC's 1000 document) or 'empty'")
        if finish_error_root not in ("reportResponse", "reportDoneResponse"):
            raise ValueError("finish_error_root is 'reportResponse' or 'reportDoneResponse'")
        if not 0 <= port <= 65535:
            raise ValueError(f"port {port} is not between 0 and 65535")
        xsd_bytes = model_xsd() if xsd is None else (xsd if isinstance(xsd, bytes) else Path(xsd).read_bytes())
        compiled = load_xsd(xsd_bytes)  # XsdUnusable if it cannot be used
        self.username = username or f"practice-{secrets.token_hex(4)}"
        self.password = password or secrets.token_urlsafe(18)
        if ":" in self.username:
            raise ValueError("a user name cannot contain ':' (HTTP Basic separates on it)")
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.xsd_sha256 = compiled.sha256
        self.state = PracticeState(self.clock, first_report_id, duplicate_file_details_code)
        self._plan = FaultPlan(faults)
        self._requested_port = port
        self._transports: dict[Any, asyncio.BaseTransport] = {}
        config = AppConfig(
            self.username,
            self.password,
            xsd_bytes,
            auth_body,
            finish_error_root,
            dict(status_for_code or {}),
            legacy_http_200,
            xml_content_type,
        )
        handlers = Handlers(
            self.state, compiled, xsd_bytes, self.username, echo_file_id_on_fileinfo=echo_file_id_on_fileinfo
        )
        self._app = PracticeApp(self.state, self._plan, handlers, config, self._drop, self._stopping_event)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._server: _PromptServer | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> "PracticeServer":
        """Listen on 127.0.0.1 and serve from a thread; returns once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("the practice server was already started")
        # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they
        # are TCP, and with Nagle on, an answer's body waits ~40 ms behind its headers.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((HOST, self._requested_port))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        self._socket = sock
        config = uvicorn.Config(
            self._app,
            http=_tracking_protocol(self._transports),
            ws="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        self._server = _PromptServer(config)
        self._thread = threading.Thread(target=self._run, name=f"practice-server-{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_SECONDS) or self._failure is not None:
            self.stop()
            raise RuntimeError(f"the practice server did not start: {self._failure or 'timed out'}")
        return self

    def _run(self) -> None:
        assert self._server is not None and self._socket is not None
        server, sock = self._server, self._socket

        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            ready = asyncio.create_task(self._signal_ready(server))
            try:
                await server.serve(sockets=[sock])
            finally:
                ready.cancel()

        try:
            asyncio.run(serve())
        except BaseException as problem:  # noqa: BLE001 - reported to start() and re-raised nowhere else
            self._failure = problem
        finally:
            self._ready.set()

    async def _signal_ready(self, server: _PromptServer) -> None:
        while not server.started:
            await asyncio.sleep(0.005)
        self._ready.set()

    def stop(self) -> None:
        """Stop serving: wake hanging answers, close connections, join the thread. Safe to call twice."""
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None:
            return
        server.should_exit = True
        if loop is not None and self._stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may close between the check and the call
                loop.call_soon_threadsafe(self._wake, self._stopping, server.wake)
        thread.join(STOP_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_SECONDS)
        if self._socket is not None:
            self._socket.close()

    @staticmethod
    def _wake(*events: asyncio.Event | None) -> None:
        for event in events:
            if event is not None:
                event.set()

    def __enter__(self) -> "PracticeServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what callers see -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port it listens on (known once started, or when one was asked for)."""
        if self._socket is not None:
            port: int = self._socket.getsockname()[1]
            return port
        return self._requested_port

    @property
    def url(self) -> str:
        """The base URL clients are configured with (endpoints are ``url + "/submit"`` and so on)."""
        return f"http://{HOST}:{self.port}{BASE_PATH}"

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults in force."""
        return self._plan.faults

    def set_faults(self, faults: Iterable[Fault]) -> None:
        """Put ``faults`` in force (replacing any); calls are counted afresh from now."""
        self._plan.replace(faults)

    def reset(self) -> None:
        """Start over: no reports, files, requests or faults (report ids are not reused)."""
        self._plan.replace(())
        self.state.forget()

    def snapshot(self) -> Snapshot:
        """What the server holds now: reports, files, states and every request."""
        return self.state.snapshot()

    # -- plumbing for the app -----------------------------------------------------------------------

    def _stopping_event(self) -> asyncio.Event:
        assert self._stopping is not None
        return self._stopping

    async def _drop(self, client: Any) -> None:
        key = tuple(client) if client is not None else None
        transport = self._transports.get(key)
        if transport is None:
            return
        transport.close()
        for _ in range(100):  # until uvicorn has seen the connection go, so it writes no 500 of its own
            if self._transports.get(key) is not transport:
                return
            await asyncio.sleep(0.01)
