"""Sending an answer over ASGI, or doing to it what a fault says (delay, trickle, cut, drop, hang).

Every answer carries ``Content-Type``, ``Content-Length`` and ``Request-ID`` (NCMEC asks for the
latter in support requests). A trickled or truncated answer announces its full length first, so the
client sees a body that stops short rather than a shorter one. Dropping a connection needs the
socket itself, which ASGI does not expose; ``Connection.drop`` is given by the runner, which knows
the transport of each client address.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from desktop_app.core.cybertipline.practice.answers import Answer, html_page, report_done_response, report_response
from desktop_app.core.cybertipline.practice.faults import DEFAULT_HANG_SECONDS, Fault

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Connection:
    """One request's way back to the client."""

    def __init__(
        self,
        send: Send,
        drop: Callable[[], Awaitable[None]],
        stopping: asyncio.Event,
        xml_content_type: str = "application/xml",
    ) -> None:
        self._send = send
        self.drop = drop
        self._stopping = stopping
        self._xml_type = xml_content_type

    async def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False if the server began stopping meanwhile."""
        if seconds <= 0:
            return not self._stopping.is_set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return not self._stopping.is_set()

    async def start(self, answer: Answer, request_id: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        """Send the status line and headers (the announced length is the whole body's)."""
        kind = self._xml_type if answer.content_type == "application/xml" else answer.content_type
        headers = [
            (b"content-type", kind.encode("latin-1")),
            (b"content-length", str(len(answer.body)).encode()),
            (b"request-id", request_id.encode("latin-1")),
        ]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers + extra]
        await self._send({"type": "http.response.start", "status": answer.status, "headers": headers})

    async def body(self, data: bytes, *, more: bool = False) -> None:
        """Send body bytes (``more``: more will follow)."""
        await self._send({"type": "http.response.body", "body": data, "more_body": more})


def fault_answer(fault: Fault, report_id: int | None) -> Answer:
    """The answer a ``status``, ``code`` or ``html`` fault sends instead of the real one."""
    code = fault.refusal_code
    if fault.kind == "html":
        return Answer(fault.status or 200, html_page(), None, "text/html; charset=utf-8")
    if fault.kind == "code":
        if fault.root == "reportDoneResponse":
            body = report_done_response(code, report_id or 0)
        else:
            body = report_response(code, report_id=report_id)
        return Answer(fault.status or 200, body, code, report_id=report_id)
    # kind "status"
    status = fault.status or 500
    choice = fault.body if fault.body is not None else ("xml" if fault.code is not None else "empty")
    if choice == "empty":
        return Answer(status, b"", None, "text/plain")
    if choice == "html":
        return Answer(status, html_page(), None, "text/html; charset=utf-8")
    if choice == "xml":
        if fault.root == "reportDoneResponse":
            return Answer(status, report_done_response(code, report_id or 0), code, report_id=report_id)
        return Answer(status, report_response(code, report_id=report_id), code, report_id=report_id)
    return Answer(status, choice.encode("utf-8"), None, "text/plain; charset=utf-8")


def refusal(fault: Fault, status: int) -> Answer:
    """What a not-applied ``delay``/``trickle``/``truncate`` fault delays, trickles or cuts."""
    code = fault.refusal_code
    return Answer(status, report_response(code), code)


async def deliver(
    connection: Connection,
    answer: Answer | None,
    fault: Fault | None,
    request_id: str,
    record: Callable[[Answer | None], None],
) -> None:
    """Send ``answer`` as ``fault`` (if any) dictates.

    ``record`` is called with the answer whose headers go out (None when none do) just before the
    client can see the end of it, so a client that has its answer always finds it in a snapshot.
    """
    extra: tuple[tuple[str, str], ...] = ()
    if fault is not None and fault.retry_after is not None:
        extra = (("Retry-After", fault.retry_after),)
    kind = fault.kind if fault is not None else None
    if answer is None or kind in ("drop", "hang"):
        if kind == "hang" and fault is not None:
            await connection.wait(fault.seconds or DEFAULT_HANG_SECONDS)
        record(None)
        await connection.drop()
        return
    if kind == "delay" and fault is not None and not await connection.wait(fault.seconds):
        record(None)
        await connection.drop()
        return
    if kind == "trickle" and fault is not None:
        await connection.start(answer, request_id, extra)
        last = len(answer.body) - 1
        for index in range(len(answer.body)):
            if index == last:
                record(answer)
            await connection.body(answer.body[index : index + 1], more=index < last)
            if index < last and not await connection.wait(1.0 / fault.rate):
                record(replace(answer, body=answer.body[: index + 1]))
                await connection.drop()
                return
        if not answer.body:
            record(answer)
            await connection.body(b"")
        return
    if kind == "truncate" and fault is not None:
        keep = len(answer.body) // 2 if fault.keep is None else min(fault.keep, max(len(answer.body) - 1, 0))
        await connection.start(answer, request_id, extra)
        if keep:
            await connection.body(answer.body[:keep], more=True)
        record(answer)
        await connection.drop()
        return
    record(answer)
    await connection.start(answer, request_id, extra)
    await connection.body(answer.body)
