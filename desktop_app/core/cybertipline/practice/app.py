"""The practice server's ASGI application: NCMEC's seven endpoints under ``/ispws``, and an inspection route.

Each request is authenticated (HTTP Basic, a 401 challenge with NCMEC's realm otherwise), counted
against the fault plan, processed by its handler in ``handlers`` unless a fault rejects it first,
answered through ``delivery`` (where faults delay, trickle, cut or drop the answer) and recorded.
HTTP and multipart parsing are left to uvicorn (h11) and python-multipart.

``GET /ispws/_practice/state`` (same credentials) answers the snapshot as JSON; it is not part of
NCMEC's API and never counts as a call for faults.
"""

import asyncio
import base64
import binascii
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.cybertipline.practice.answers import Answer, report_done_response, report_response
from desktop_app.core.cybertipline.practice.delivery import Connection, deliver, fault_answer, refusal
from desktop_app.core.cybertipline.practice.documents import Rejected
from desktop_app.core.cybertipline.practice.faults import ENDPOINTS, Fault, FaultPlan
from desktop_app.core.cybertipline.practice.handlers import ClientGone, Handlers, Request
from desktop_app.core.cybertipline.practice.snapshot import RequestView
from desktop_app.core.cybertipline.practice.state import PracticeState
from desktop_app.core.cybertipline.practice.status import http_status

_log = logging.getLogger(__name__)

BASE_PATH = "/ispws"
STATE_PATH = "/_practice/state"
REALM = 'Basic realm="ESP Web Services"'
_METHODS = {"/status": ("GET", "HEAD"), "/xsd": ("GET", "HEAD")}
_EARLY_KINDS = ("drop", "hang", "status", "code", "html")  # with applied=False: answered without processing


@dataclass
class AppConfig:
    """How the server answers, beyond its state."""

    username: str
    password: str
    xsd_bytes: bytes
    auth_body: str = "xml"  # "xml": NCMEC's 1000 document with the 401; "empty": no body
    finish_error_root: str = "reportResponse"
    status_for_code: dict[int, int] = field(default_factory=dict)
    legacy_http_200: bool = False
    xml_content_type: str = "application/xml"


class PracticeApp:
    """The ASGI callable. ``drop(client)`` closes the connection of a client address without a word."""

    def __init__(
        self,
        state: PracticeState,
        plan: FaultPlan,
        handlers: Handlers,
        config: AppConfig,
        drop: Callable[[Any], Awaitable[None]],
        stopping: Callable[[], asyncio.Event],
    ) -> None:
        self.state = state
        self.plan = plan
        self.handlers = handlers
        self.config = config
        self._drop = drop
        self._stopping = stopping

    def http_status(self, code: int) -> int:
        """The HTTP status answered with NCMEC code ``code``."""
        if self.config.legacy_http_200 and code != 2000:
            return 200
        return http_status(code, self.config.status_for_code)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve one ASGI request."""
        if scope["type"] != "http":
            return  # lifespan is off; websockets are not served
        request = Request(scope, receive)
        request_id = str(uuid.uuid4())
        client = scope.get("client")

        async def drop() -> None:
            await self._drop(client)

        connection = Connection(send, drop, self._stopping(), self.config.xml_content_type)
        path = scope["path"]
        # Only what is under the base is NCMEC's; "/status" without it is an unknown path.
        endpoint = path[len(BASE_PATH) :] if path.startswith(BASE_PATH + "/") else path
        known = path.startswith(BASE_PATH + "/")
        record = _Record(self.state, request, endpoint, request_id)
        try:
            if not self._authorised(request):
                await self._challenge(request, connection, record)
                return
            record.authorised = True
            if known and endpoint == STATE_PATH and request.method == "GET":
                await request.drain()
                body = self.state.snapshot().to_json().encode()
                await deliver(connection, Answer(200, body, None, "application/json"), None, request_id, record.done)
                return
            if not known or endpoint not in ENDPOINTS:
                await request.drain()
                answer = self._rejection(Rejected(1210, f"There is no {path} here."))
                await deliver(connection, answer, None, request_id, record.done)
                return
            allowed = _METHODS.get(endpoint, ("POST",))
            if request.method not in allowed:
                await request.drain()
                answer = self._rejection(Rejected(4000, f"{endpoint} takes {' or '.join(allowed)}."))
                answer = Answer(405, answer.body, answer.response_code, headers=(("Allow", ", ".join(allowed)),))
                await deliver(connection, answer, None, request_id, record.done)
                return
            fault = self.plan.next_call(endpoint)
            record.fault = fault
            await self._serve(endpoint, request, connection, fault, record)
        except ClientGone:
            record.done(None, gone=True)

    async def _serve(
        self, endpoint: str, request: Request, connection: Connection, fault: Fault | None, record: "_Record"
    ) -> None:
        request_id = record.request_id
        if fault is not None and not fault.applied and fault.kind in _EARLY_KINDS:
            await request.drain()
            answer = None if fault.kind in ("drop", "hang") else fault_answer(fault, None)
            await deliver(connection, answer, fault, request_id, record.done)
            return
        if fault is not None and not fault.applied:
            await request.drain()
            answer = refusal(fault, self.http_status(fault.refusal_code))
            await deliver(connection, answer, fault, request_id, record.done)
            return
        try:
            answer = await self.handlers.handle(endpoint, request)
            answer = Answer(
                self.http_status(answer.response_code or 0),
                answer.body,
                answer.response_code,
                answer.content_type,
                answer.headers,
                answer.report_id,
            )
        except Rejected as rejected:
            await request.drain()
            answer = self._rejection(rejected, endpoint)
        except ClientGone:
            raise
        except Exception:  # a bug here: answer as NCMEC's server would (1000), keep serving, say where
            _log.exception("the practice server failed on %s %s", request.method, endpoint)
            answer = self._rejection(Rejected(1000, "Server error"), endpoint)
        record.report_id = answer.report_id  # what the request did, whatever the client is told
        if fault is not None and fault.kind in ("status", "code", "html"):
            answer = fault_answer(fault, answer.report_id)
        await deliver(connection, answer, fault, request_id, record.done)

    def _rejection(self, rejected: Rejected, endpoint: str = "") -> Answer:
        code = rejected.code
        if endpoint == "/finish" and self.config.finish_error_root == "reportDoneResponse":
            body = report_done_response(code, rejected.report_id or 0)
        else:
            body = report_response(code, rejected.description, report_id=rejected.report_id)
        return Answer(self.http_status(code), body, code, report_id=rejected.report_id)

    def _authorised(self, request: Request) -> bool:
        given = request.header("authorization") or ""
        if given[:6].lower() != "basic ":
            return False
        try:
            decoded = base64.b64decode(given[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = f"{self.config.username}:{self.config.password}".encode()
        return hmac.compare_digest(decoded, expected)

    async def _challenge(self, request: Request, connection: Connection, record: "_Record") -> None:
        # Answered before the body is read, as a web server in front of NCMEC's would: the client
        # learns at once, and uvicorn discards the rest of the body so the connection stays usable.
        headers: tuple[tuple[str, str], ...] = (("WWW-Authenticate", REALM),)
        if request.expects_continue:
            # The client waits for "100 Continue" before sending its body; it will not get one, so
            # the connection cannot carry another request: close it after the 401.
            headers += (("Connection", "close"),)
        if self.config.auth_body == "empty":
            answer = Answer(401, b"", None, "application/xml", headers)
        else:
            body = report_response(1000, "Authentication Required")
            answer = Answer(401, body, 1000, "application/xml", headers)
        await deliver(connection, answer, None, record.request_id, record.done)


class _Record:
    """Collects what the request log keeps about one request, and writes it once."""

    def __init__(self, state: PracticeState, request: Request, endpoint: str, request_id: str) -> None:
        self.state = state
        self.request = request
        self.endpoint = endpoint
        self.request_id = request_id
        self.authorised = False
        self.fault: Fault | None = None
        self.report_id: int | None = None
        self._written = False

    def done(self, answer: Answer | None, *, gone: bool = False) -> None:
        if self._written:
            return
        self._written = True
        self.state.record(
            RequestView(
                number=self.state.next_request_number(),
                at=self.state.now(),
                method=self.request.method,
                path=self.endpoint,
                authorised=self.authorised,
                status=answer.status if answer is not None else None,
                response_code=answer.response_code if answer is not None else None,
                report_id=(answer.report_id if answer is not None and answer.report_id is not None else self.report_id),
                request_id=self.request_id,
                fault=self.fault.kind if self.fault is not None else ("client-gone" if gone else None),
                applied=self.fault.applied if self.fault is not None else None,
                content_type=self.request.header("content-type"),
                body_bytes=self.request.received,
            )
        )
