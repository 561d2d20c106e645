"""The CyberTipline Reporting API over HTTPS: the only network code in Evidence Desk.

``CyberTiplineClient`` speaks to one endpoint (``endpoint.check_endpoint``) with HTTP Basic
credentials. It is deliberately narrow: no proxies or ``.netrc`` from the environment
(``trust_env=False``), no redirects followed (a redirect would carry the credentials somewhere the
reviewer did not choose), bounded time-outs, and a size cap on every body it reads.

Success is decided only from NCMEC's ``responseCode`` (0), never from the HTTP status alone; the
XML body of any status is parsed when there is one, and an empty or HTML body (a proxy's 502) falls
back to the HTTP status (api.md §2.9). Failures are typed errors the reviewer can act on
(``CyberTiplineUnreachable``, ``CyberTiplineAuthFailed``, ``CyberTiplineRefused``), each carrying
NCMEC's ``Request-ID`` when there was one, since NCMEC asks for it in support requests.
"""

from dataclasses import dataclass
from typing import Any

import httpx

from desktop_app import __version__
from desktop_app.core.cybertipline.endpoint import Credentials, check_endpoint, describe_endpoint
from desktop_app.core.cybertipline.xmlsafe import UnreadableXml, parse_xml
from desktop_app.core.cybertipline.xsd import MAX_XSD_BYTES
from desktop_app.core.errors import CyberTiplineAuthFailed, CyberTiplineRefused, CyberTiplineUnreachable

MAX_RESPONSE_BYTES = 1024 * 1024  # NCMEC's answers are a few hundred bytes
CONNECT_SECONDS = 15.0
READ_SECONDS = 120.0  # NCMEC validates a large report before it answers
RESPONSE_ROOTS = ("reportResponse", "reportDoneResponse")


@dataclass(frozen=True)
class ApiResponse:
    """What NCMEC answered: its code and description, the report id if any, and the Request-ID."""

    http_status: int
    response_code: int | None
    description: str
    report_id: int | None
    request_id: str | None

    @property
    def ok(self) -> bool:
        """NCMEC's own verdict: code 0."""
        return self.response_code == 0


def parse_response(http_status: int, body: bytes, request_id: str | None = None) -> ApiResponse:
    """Read a ``reportResponse``/``reportDoneResponse``; an unreadable body gives ``response_code`` None."""
    code: int | None = None
    description = ""
    report_id: int | None = None
    if body.strip():
        try:
            root = parse_xml(body, max_bytes=MAX_RESPONSE_BYTES).getroot()
        except UnreadableXml:
            root = None
        if root is not None and root.tag in RESPONSE_ROOTS:
            code = _int(root.findtext("responseCode"))
            description = (root.findtext("responseDescription") or "").strip()
            report_id = _int(root.findtext("reportId"))
    return ApiResponse(http_status, code, description, report_id, request_id)


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


class CyberTiplineClient:
    """One endpoint, one set of credentials. Use as a context manager, or call ``close``.

    ``transport`` is for tests that need a fault httpx can inject; the suite otherwise talks to a
    real HTTP server on loopback.
    """

    def __init__(
        self, endpoint: str, credentials: Credentials, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self._http = httpx.Client(
            base_url=self.endpoint + "/",
            auth=httpx.BasicAuth(credentials.username, credentials.password),
            timeout=httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": f"EvidenceDesk/{__version__}"},
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

    # -- plumbing --------------------------------------------------------------------------------

    def _get(self, path: str, limit: int) -> tuple[int, bytes, str | None]:
        where = describe_endpoint(self.endpoint)
        try:
            with self._http.stream("GET", path) as response:
                request_id = response.headers.get("Request-ID")
                if response.status_code == 401:
                    raise CyberTiplineAuthFailed(
                        f"{where} refused the user name and password (HTTP 401). Check them under Workspace > "
                        "CyberTipline connection; test and production accounts are separate."
                    )
                body = _read_capped(response, limit, where)
                return response.status_code, body, request_id
        except httpx.TimeoutException:
            raise CyberTiplineUnreachable(
                f"{where} did not answer in time. Nothing was changed there; try again later."
            ) from None
        except httpx.TransportError as problem:
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


def _read_capped(response: httpx.Response, limit: int, where: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
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
