"""The seven endpoints' work once a request is authenticated and no fault stopped it.

Each handler reads its body (streamed for ``/upload``), asks ``documents`` whether an XML body is
acceptable and ``state`` to make the step, and returns the answer, or raises ``Rejected`` with
NCMEC's code. What real clients send is accepted: XML as ``text/xml`` (any charset parameter),
``application/xml`` or ``text/plain``, with or without an XML declaration (the document's own
prolog decides its encoding); ``id`` as a URL-encoded form or a one-part multipart form.
"""

from collections.abc import AsyncIterator
from typing import Any

from desktop_app.core.cybertipline.practice.answers import Answer, report_done_response, report_response
from desktop_app.core.cybertipline.practice.documents import (
    INVALID,
    Rejected,
    check_file_rules,
    check_report_rules,
    read_document,
)
from desktop_app.core.cybertipline.practice.forms import FormUnreadable, MultipartForm, media_type, urlencoded_fields
from desktop_app.core.cybertipline.practice.state import PracticeState
from desktop_app.core.cybertipline.xmlsafe import MAX_DOCUMENT_BYTES
from desktop_app.core.cybertipline.xsd import CompiledXsd

MAX_FORM_BYTES = 1024 * 1024  # /finish and /retract carry one short id
BAD_REQUEST, MALFORMED_FILE = 4000, 4200


class ClientGone(Exception):
    """The client disconnected before its request was read."""


class Request:
    """The parts of an ASGI request the handlers need, and its body as a stream."""

    def __init__(self, scope: dict[str, Any], receive: Any) -> None:
        self.method: str = scope["method"]
        self.client_ip: str = (scope.get("client") or ("unknown", 0))[0]
        self._headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self._receive = receive
        self._finished = False
        self.received = 0

    def header(self, name: str) -> str | None:
        """A request header (the last one of that name)."""
        return self._headers.get(name.lower())

    @property
    def expects_continue(self) -> bool:
        """Whether the client sent ``Expect: 100-continue`` and waits before sending its body."""
        return (self.header("expect") or "").lower() == "100-continue"

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body chunk by chunk as it arrives; ``ClientGone`` if the client leaves first."""
        while not self._finished:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self._finished = True
                raise ClientGone()
            data = message.get("body", b"")
            self.received += len(data)
            if not message.get("more_body", False):
                self._finished = True
            if data:
                yield data

    async def read(self, limit: int) -> bytes | None:
        """The whole body if it is at most ``limit`` bytes, else None (the rest is drained)."""
        parts: list[bytes] = []
        size = 0
        async for chunk in self.chunks():
            size += len(chunk)
            if size <= limit:
                parts.append(chunk)
        return b"".join(parts) if size <= limit else None

    async def drain(self) -> None:
        """Read and discard whatever of the body is left (so the connection can carry the next request)."""
        async for _ in self.chunks():
            pass


def _report_id(value: str | None, code: int = BAD_REQUEST) -> int:
    """A report id as sent (form field or ``reportId``); ``code`` refuses one that is missing or no number."""
    text = (value or "").strip()
    if not text:
        raise Rejected(code, "Invalid request: the report ID ('id') is missing.")
    if not text.isdigit() or len(text) > 18:
        raise Rejected(code, f"Invalid request: the report ID {text[:40]!r} is not a number.")
    return int(text)


class Handlers:
    """The endpoints over one state and one schema."""

    def __init__(
        self,
        state: PracticeState,
        xsd: CompiledXsd,
        xsd_bytes: bytes,
        username: str,
        *,
        echo_file_id_on_fileinfo: bool = False,
    ) -> None:
        self.state = state
        self.xsd = xsd
        self.xsd_bytes = xsd_bytes
        self.username = username
        # NCMEC's 2016 server echoed the fileId in its /fileinfo answer; today's documentation does not.
        self.echo_file_id = echo_file_id_on_fileinfo

    async def handle(self, endpoint: str, request: Request) -> Answer:
        """Serve one request to ``endpoint`` (one of NCMEC's seven)."""
        handler = {
            "/status": self.status,
            "/xsd": self.schema,
            "/submit": self.submit,
            "/upload": self.upload,
            "/fileinfo": self.fileinfo,
            "/finish": self.finish,
            "/retract": self.retract,
        }[endpoint]
        return await handler(request)

    async def status(self, request: Request) -> Answer:
        """``GET /status``: who and where the caller is."""
        await request.drain()
        description = f"Remote User : {self.username}, Remote Ip : {request.client_ip}"
        return Answer(200, report_response(0, description), 0)

    async def schema(self, request: Request) -> Answer:
        """``GET /xsd``: the schema this server validates with."""
        await request.drain()
        return Answer(200, self.xsd_bytes, None, "application/xml")

    async def _document(self, request: Request) -> bytes:
        body = await request.read(MAX_DOCUMENT_BYTES)
        if body is None:
            raise Rejected(4110, f"Malformed XML submittal: the document is larger than {MAX_DOCUMENT_BYTES:,} bytes.")
        return body

    async def submit(self, request: Request) -> Answer:
        """``POST /submit``: open a report."""
        document = read_document(await self._document(request), "report", self.xsd)
        check_report_rules(document.root, self.state.now())
        report_id = self.state.open_report(document.xml, document.root)
        return Answer(200, report_response(0, report_id=report_id), 0, report_id=report_id)

    async def fileinfo(self, request: Request) -> Answer:
        """``POST /fileinfo``: describe one uploaded file."""
        document = read_document(await self._document(request), "fileDetails", self.xsd)
        report_id = _report_id(document.root.text("reportId"), INVALID)
        file_id = (document.root.text("fileId") or "").strip()
        check_file_rules(document.root, self.state.now(), batched=self.state.is_batched(report_id))
        self.state.add_file_details(report_id, file_id, document.xml)
        echoed = file_id if self.echo_file_id else None
        return Answer(200, report_response(0, report_id=report_id, file_id=echoed), 0, report_id=report_id)

    async def upload(self, request: Request) -> Answer:
        """``POST /upload``: add a file to an open report."""
        try:
            form = MultipartForm(request.header("content-type"), file_field="file")
            async for chunk in request.chunks():
                form.feed(chunk)
            form.close()
        except FormUnreadable as problem:
            raise Rejected(MALFORMED_FILE, f"Malformed file submittal: {problem}.") from None
        report_id = _report_id(form.fields.get("id"))
        if form.file is None:
            raise Rejected(MALFORMED_FILE, "Malformed file submittal: there is no 'file' part.", report_id=report_id)
        received = form.file
        file_id = self.state.add_file(report_id, received.md5, received.size, received.filename)
        body = report_response(0, report_id=report_id, file_id=file_id, md5=received.md5)
        return Answer(200, body, 0, report_id=report_id)

    async def _form_id(self, request: Request) -> int:
        kind, _ = media_type(request.header("content-type"))
        try:
            if kind == "multipart/form-data":
                form = MultipartForm(request.header("content-type"))
                async for chunk in request.chunks():
                    form.feed(chunk)
                form.close()
                fields = form.fields
            else:
                body = await request.read(MAX_FORM_BYTES)
                if body is None:
                    raise FormUnreadable("the form is too large")
                fields = urlencoded_fields(body)
        except FormUnreadable as problem:
            raise Rejected(BAD_REQUEST, f"Invalid request: {problem}.") from None
        return _report_id(fields.get("id"))

    async def finish(self, request: Request) -> Answer:
        """``POST /finish``: file the report; the receipt lists its files."""
        report_id = await self._form_id(request)
        file_ids = self.state.finish(report_id)
        return Answer(200, report_done_response(0, report_id, file_ids), 0, report_id=report_id)

    async def retract(self, request: Request) -> Answer:
        """``POST /retract``: cancel an open report."""
        report_id = await self._form_id(request)
        self.state.retract(report_id)
        return Answer(200, report_response(0, report_id=report_id), 0, report_id=report_id)
