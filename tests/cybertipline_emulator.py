"""A CyberTipline emulator: a real HTTP server on loopback that answers as NCMEC's API does.

Only what the app uses so far: ``GET /status`` and ``GET /xsd`` behind HTTP Basic (docs/cybertipline-service.md
§2), with the failure shapes of §3 on request (``fail``). The server binds 127.0.0.1 on
a free port, serves from a thread, and is shut down by the fixture; tests talk to nothing else.
"""

import base64
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME = "esp-test-user"
PASSWORD = "esp-test-password"
REQUEST_ID = "emulator-request-0001"


def response_xml(code: int, description: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<reportResponse><responseCode>{code}</responseCode>"
        f"<responseDescription>{description}</responseDescription></reportResponse>"
    ).encode()


@dataclass
class Fault:
    """What to send instead of the normal answer."""

    status: int
    body: bytes = b""
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request as the emulator received it."""

    method: str
    path: str
    authorised: bool
    user_agent: str


class CyberTiplineEmulator:
    """Start with ``start()``; ``url`` is the endpoint to configure; ``stop()`` shuts it down."""

    def __init__(self, xsd: bytes, username: str = USERNAME, password: str = PASSWORD) -> None:
        self.xsd = xsd
        self.credentials = f"{username}:{password}"
        self.faults: dict[str, Fault] = {}
        self.seen: list[Seen] = []
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook
                emulator._answer(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base signature
                pass  # quiet: pytest would show it as captured noise

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="cybertipline-emulator", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/ispws"

    def start(self) -> "CyberTiplineEmulator":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail(self, path: str, fault: Fault) -> None:
        """Answer ``path`` (e.g. ``/xsd``) with ``fault`` from now on."""
        self.faults[path] = fault

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
        return header == expected

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0].removeprefix("/ispws")
        authorised = self._authorised(handler)
        self.seen.append(Seen("GET", path, authorised, handler.headers.get("User-Agent", "")))
        if not authorised:
            self._send(handler, Fault(401, headers={"WWW-Authenticate": 'Basic realm="ESP Web Services"'}))
        elif path in self.faults:
            self._send(handler, self.faults[path])
        elif path == "/status":
            user = self.credentials.split(":", 1)[0]
            self._send(handler, Fault(200, response_xml(0, f"Remote User : {user}, Remote Ip : 127.0.0.1")))
        elif path == "/xsd":
            self._send(handler, Fault(200, self.xsd, "text/xml"))
        else:
            self._send(handler, Fault(404, response_xml(1210, "Resource not found")))

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, answer: Fault) -> None:
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        handler.send_header("Content-Length", str(len(answer.body)))
        handler.send_header("Request-ID", REQUEST_ID)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(answer.body)
