"""The CyberTipline Reporting API over HTTPS: the only network code in Evidence Desk.

``CyberTiplineClient`` speaks to one endpoint (``endpoint.check_endpoint``) with HTTP Basic
credentials. It is deliberately narrow: no proxies or ``.netrc`` from the environment
(``trust_env=False``), no redirects followed (a redirect would carry the credentials somewhere the
reviewer did not choose), bounded time-outs, and a size cap on every body it reads.

Success is decided only from NCMEC's ``responseCode`` (0), never from the HTTP status alone; the
XML body of any status is parsed when there is one, and an empty or HTML body (a proxy's 502) falls
back to the HTTP status (cybertipline-service.md §3). Failures are typed errors the reviewer can act on
(``CyberTiplineUnreachable``, ``CyberTiplineAuthFailed``, ``CyberTiplineRefused``), each carrying
NCMEC's ``Request-ID`` when there was one, since NCMEC asks for it in support requests.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import IO, Any

import httpx

from desktop_app import __version__
from desktop_app.core.cybertipline.connect_failure import connect_failure
from desktop_app.core.cybertipline.deadline import CallWatchdog
from desktop_app.core.cybertipline.endpoint import Credentials, check_endpoint, describe_endpoint
from desktop_app.core.cybertipline.xmlsafe import UnreadableXml, parse_xml
from desktop_app.core.cybertipline.xsd import MAX_XSD_BYTES
from desktop_app.core.errors import (
    CyberTiplineAuthFailed,
    CyberTiplineOutcomeUnknown,
    CyberTiplineRefused,
    CyberTiplineUnreachable,
)

MAX_RESPONSE_BYTES = 1024 * 1024  # NCMEC's answers are a few hundred bytes
CONNECT_SECONDS = 15.0
READ_SECONDS = 120.0  # NCMEC validates a large report before it answers
RESPONSE_ROOTS = ("reportResponse", "reportDoneResponse")
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
XS_INT_BITS, XS_LONG_BITS = 32, 64
_XS_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)


@dataclass(frozen=True)
class CallLimits:
    """How long one call may take: to connect, between two reads, and in all.

    An upload's deadline grows with its size (``upload_min_rate`` bytes a second on top of
    ``deadline``), so a large file on a slow line is not cut off while a stalled one still is.
    Tests pass short limits; the defaults are for NCMEC over the internet.
    """

    connect: float = CONNECT_SECONDS
    read: float = READ_SECONDS
    deadline: float = 300.0
    upload_min_rate: float = 64 * 1024

    def upload_deadline(self, size: int) -> float:
        """The deadline of an upload of ``size`` bytes."""
        return self.deadline + size / self.upload_min_rate


@dataclass(frozen=True)
class ApiResponse:
    """What NCMEC answered: its code and description, the report id if any, and the Request-ID.

    ``file_id``/``md5`` come with an upload, ``file_ids`` with a finish (``reportDoneResponse``);
    ``root`` is the answer's root element; ``body`` the raw bytes (a finish's is the receipt);
    ``retry_after`` the seconds a 429/503 asked to wait.
    """

    http_status: int
    response_code: int | None
    description: str
    report_id: int | None
    request_id: str | None
    file_id: str | None = None
    md5: str | None = None
    file_ids: tuple[str, ...] = ()
    root: str | None = None
    body: bytes = field(default=b"", repr=False)
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """NCMEC's own verdict: code 0."""
        return self.response_code == 0


def parse_response(
    http_status: int, body: bytes, request_id: str | None = None, retry_after: float | None = None
) -> ApiResponse:
    """Read a ``reportResponse``/``reportDoneResponse``; an unreadable body gives ``response_code`` None."""
    code: int | None = None
    description = ""
    report_id: int | None = None
    file_id = md5 = tag = None
    file_ids: tuple[str, ...] = ()
    if body.strip():
        try:
            root = parse_xml(body, max_bytes=MAX_RESPONSE_BYTES).getroot()
        except UnreadableXml:
            root = None
        if root is not None and root.tag in RESPONSE_ROOTS:
            tag = str(root.tag)
            code = _xs_integer(root.findtext("responseCode"), XS_INT_BITS)
            description = (root.findtext("responseDescription") or "").strip()
            report_id = _xs_integer(root.findtext("reportId"), XS_LONG_BITS)
            # File ids are opaque strings (32 hex digits today), never numbers: NCMEC's documentation
            # once called them longs, and a client that parsed them so failed in production.
            file_id = (root.findtext("fileId") or "").strip() or None
            md5 = (root.findtext("hash") or "").strip().lower() or None
            files = root.find("files")
            if files is not None:
                file_ids = tuple((f.text or "").strip() for f in files.findall("fileId"))
    return ApiResponse(
        http_status, code, description, report_id, request_id, file_id, md5, file_ids, tag, body, retry_after
    )


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from now; None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _xs_integer(text: str | None, bits: int) -> int | None:
    """``text`` as the XSD's ``xs:int``/``xs:long`` (``bits`` wide) reads it; None if it is not one.

    Python's ``int`` also takes other scripts' digits, underscores and numbers of any size; NCMEC's
    schema allows none of them, so an answer that has them is not NCMEC's.
    """
    value = (text or "").strip(" \t\r\n")
    if not _XS_INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if -(2 ** (bits - 1)) <= number < 2 ** (bits - 1) else None


class CyberTiplineClient:
    """One endpoint, one set of credentials. Use as a context manager, or call ``close``.

    ``transport`` is for tests that need a fault httpx can inject; the suite otherwise talks to a
    real HTTP server on loopback.
    """

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        limits: CallLimits | None = None,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.limits = limits or CallLimits()
        self._http = httpx.Client(
            base_url=self.endpoint + "/",
            auth=httpx.BasicAuth(credentials.username, credentials.password),
            timeout=httpx.Timeout(self.limits.read, connect=self.limits.connect),
            follow_redirects=False,
            trust_env=False,
            # Answers are a few hundred bytes: asking for them uncompressed means a hostile server's
            # compressed body is never inflated (a 64 KiB read of gzip can become 64 MiB).
            headers={"User-Agent": f"EvidenceDesk/{__version__}", "Accept-Encoding": "identity"},
            # A fresh connection per call, so the deadline's watchdog always learns its socket.
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
        )

    def __enter__(self) -> "CyberTiplineClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    # -- endpoints -------------------------------------------------------------------------------

    def status(self) -> ApiResponse:
        """``GET /status``: are the address and the credentials right? Raises unless NCMEC says 0."""
        status, body, request_id = self._get("status", MAX_RESPONSE_BYTES)
        response = parse_response(status, body, request_id)
        if not response.ok:
            raise self._refusal(response)
        return response

    def fetch_xsd(self) -> bytes:
        """``GET /xsd``: the schema NCMEC validates against today, as bytes (not yet checked)."""
        status, body, request_id = self._get("xsd", MAX_XSD_BYTES)
        if status != 200:
            raise self._refusal(parse_response(status, body, request_id))
        return body

    # -- the submission endpoints: answers, never exceptions, for anything NCMEC (or a proxy) said --
    #
    # Each returns what came back, whatever its status: the caller decides from NCMEC's code. Only
    # when nothing usable came back do they raise: ``CyberTiplineUnreachable`` when the request
    # certainly did not leave (no connection), ``CyberTiplineOutcomeUnknown`` when it may have
    # reached NCMEC (a time-out, a dropped or cut-short answer, the deadline passed).

    def submit(self, report_xml: bytes) -> ApiResponse:
        """``POST /submit``: open a report. Not idempotent: never repeat it after an unknown outcome."""
        return self._post("submit", content=report_xml, headers={"Content-Type": XML_CONTENT_TYPE})

    def upload(
        self,
        report_id: int,
        filename: str,
        body: IO[bytes],
        size: int,
        on_sent: Callable[[], None] | None = None,
    ) -> ApiResponse:
        """``POST /upload``: stream ``body`` (``size`` bytes, a file-like that knows its length) as the file.

        The body object checks the deadline and the cancel flag while it is read; ``on_sent`` runs
        once the last byte went out.
        """
        files = {"file": (filename, body, "application/octet-stream")}
        return self._post(
            "upload",
            data={"id": str(report_id)},
            files=files,
            deadline=self.limits.upload_deadline(size),
            on_sent=on_sent,
        )

    def fileinfo(self, file_details_xml: bytes) -> ApiResponse:
        """``POST /fileinfo``: describe an uploaded file (at most once per file)."""
        return self._post("fileinfo", content=file_details_xml, headers={"Content-Type": XML_CONTENT_TYPE})

    def finish(self, report_id: int) -> ApiResponse:
        """``POST /finish``: file the report; its ``reportDoneResponse`` is the receipt to archive."""
        return self._post("finish", data={"id": str(report_id)})

    def retract(self, report_id: int) -> ApiResponse:
        """``POST /retract``: withdraw an open report."""
        return self._post("retract", data={"id": str(report_id)})

    def _post(
        self,
        path: str,
        *,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        deadline: float | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> ApiResponse:
        where = describe_endpoint(self.endpoint)
        limit = self.limits.deadline if deadline is None else deadline
        started = time.monotonic()
        watchdog = CallWatchdog(limit)
        try:
            with watchdog:
                request = self._http.build_request(
                    "POST",
                    path,
                    content=content,
                    data=data,
                    files=files,
                    headers=headers,
                    extensions={"trace": watchdog.trace},
                )
                response = self._http.send(request, stream=True)
                try:
                    if on_sent is not None:
                        on_sent()
                    request_id = response.headers.get("Request-ID")
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_raw():
                        size += len(chunk)
                        if size > MAX_RESPONSE_BYTES:
                            raise CyberTiplineOutcomeUnknown(
                                f"{where} sent more than {MAX_RESPONSE_BYTES:,} bytes where a short answer was "
                                "expected; the answer was dropped, so whether the step took effect is unknown."
                            )
                        if time.monotonic() - started > limit:
                            raise _past_deadline(where, limit)
                        chunks.append(chunk)
                finally:
                    response.close()
        except httpx.TransportError as problem:
            raise self._post_failure(problem, where, limit, watchdog) from None
        if time.monotonic() - started > limit:
            raise _past_deadline(where, limit)
        return parse_response(response.status_code, b"".join(chunks), request_id, wait)

    # -- plumbing --------------------------------------------------------------------------------

    def _post_failure(
        self, problem: httpx.TransportError, where: str, limit: float, watchdog: CallWatchdog
    ) -> CyberTiplineUnreachable | CyberTiplineOutcomeUnknown:
        if watchdog.expired and not watchdog.request_started:
            return CyberTiplineUnreachable(
                f"{where} did not complete a connection within {limit:g} s; nothing was sent."
            )
        if watchdog.expired:
            return _past_deadline(where, limit)
        if isinstance(problem, httpx.ConnectError):
            return CyberTiplineUnreachable(connect_failure(problem, where))
        if isinstance(problem, httpx.ConnectTimeout):
            return CyberTiplineUnreachable(f"{where} did not accept a connection in time; nothing was sent.")
        if isinstance(problem, httpx.TimeoutException):
            return CyberTiplineOutcomeUnknown(
                f"{where} did not answer within {self.limits.read:g} s; whether the step took effect there is unknown."
            )
        return CyberTiplineOutcomeUnknown(
            f"The connection to {where} broke ({_reason(problem)}); whether the step took effect there is unknown."
        )

    def _get(self, path: str, limit: int) -> tuple[int, bytes, str | None]:
        where = describe_endpoint(self.endpoint)
        watchdog = CallWatchdog(self.limits.deadline)
        try:
            with watchdog, self._http.stream("GET", path, extensions={"trace": watchdog.trace}) as response:
                request_id = response.headers.get("Request-ID")
                if response.status_code == 401:
                    raise CyberTiplineAuthFailed(
                        f"{where} refused the user name and password (HTTP 401). Check them under Workspace > "
                        "CyberTipline connection; test and production accounts are separate."
                    )
                body = _read_capped(response, limit, where)
                return response.status_code, body, request_id
        except httpx.TransportError as problem:
            if watchdog.expired:
                raise CyberTiplineUnreachable(
                    f"{where} took longer than {watchdog.seconds:g} s in all to answer. Nothing was changed there; "
                    "try again later."
                ) from None
            if isinstance(problem, httpx.TimeoutException):
                raise CyberTiplineUnreachable(
                    f"{where} did not answer in time. Nothing was changed there; try again later."
                ) from None
            if isinstance(problem, httpx.ConnectError):
                raise CyberTiplineUnreachable(connect_failure(problem, where)) from None
            raise CyberTiplineUnreachable(
                f"Cannot reach {where} ({_reason(problem)}). Check the network and the address; nothing was sent."
            ) from None

    def _refusal(self, response: ApiResponse) -> CyberTiplineRefused:
        where = describe_endpoint(self.endpoint)
        if response.response_code is None:
            detail = f"HTTP {response.http_status} with no answer NCMEC's API would give"
            if 300 <= response.http_status < 400:
                detail += " (a redirect: check the address)"
        else:
            detail = f"code {response.response_code}: {response.description or 'no description'}"
        support = f" NCMEC's Request-ID for support: {response.request_id}." if response.request_id else ""
        return CyberTiplineRefused(
            f"{where} answered {detail}.{support}",
            response_code=response.response_code,
            http_status=response.http_status,
            request_id=response.request_id,
        )


def _past_deadline(where: str, limit: float) -> CyberTiplineOutcomeUnknown:
    return CyberTiplineOutcomeUnknown(
        f"{where} took longer than {limit:g} s in all to answer; whether the step took effect there is unknown."
    )


def _read_capped(response: httpx.Response, limit: int, where: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            raise CyberTiplineRefused(
                f"{where} sent more than {limit:,} bytes where a short answer was expected; the answer was dropped.",
                response_code=None,
                http_status=response.status_code,
                request_id=response.headers.get("Request-ID"),
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(problem: Any) -> str:
    text = str(problem).strip()
    return text or type(problem).__name__
