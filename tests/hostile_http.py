"""A hostile HTTP server on loopback: raw bytes on a real socket, sent as slowly as a test says.

The practice server is an honest NCMEC that can be told to fail in NCMEC's ways; this one is what an
outsider would put at the configured address instead: status lines and headers trickled a byte at
a time, bodies whose encoding explodes, answers no XSD allows. Each connection reads one request
(headers and the announced body) and hands the socket to ``answer``; ``stop`` closes everything,
so a test never leaves a thread behind.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Callable

Answer = Callable[[socket.socket, bytes], None]


def response(body: bytes, status: str = "200 OK", headers: tuple[str, ...] = ()) -> bytes:
    """A complete HTTP/1.1 response with ``body``."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def report_response(report_id: str, code: str = "0") -> bytes:
    """A ``reportResponse`` body with ``report_id`` and ``code`` written as given (valid or not)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><reportResponse>'
        f"<responseCode>{code}</responseCode><responseDescription>Success</responseDescription>"
        f"<reportId>{report_id}</reportId></reportResponse>"
    ).encode()


class HostileServer:
    """Use as a context manager; ``url`` is the endpoint to configure, ``requests`` what arrived."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._clients: list[socket.socket] = []
        self.requests: list[bytes] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/ispws"

    def __enter__(self) -> "HostileServer":
        accept = threading.Thread(target=self._accept, name="hostile-http", daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        for client in list(self._clients):
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=10)
        self._listener.close()

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; False once the server is stopping (the answer should give up)."""
        return not self._stopping.wait(seconds)

    def trickle(self, client: socket.socket, data: bytes, every: float) -> None:
        """Send ``data`` a byte at a time, ``every`` seconds apart, until done or stopped."""
        for index in range(len(data)):
            try:
                client.sendall(data[index : index + 1])
            except OSError:
                return
            if not self.sleep(every):
                return

    def _accept(self) -> None:
        self._listener.settimeout(0.05)  # a blocked accept() does not notice the listener closing
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self._clients.append(client)
            thread = threading.Thread(target=self._serve, args=(client,), name="hostile-http-client", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client: socket.socket) -> None:
        with client:
            try:
                request = _read_request(client)
            except OSError:
                return
            self.requests.append(request)
            with contextlib.suppress(OSError):  # the client hung up: nothing more to do
                self._answer(client, request)


def _read_request(client: socket.socket) -> bytes:
    client.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    deadline = time.monotonic() + 10
    while len(body) < length and time.monotonic() < deadline:
        chunk = client.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
