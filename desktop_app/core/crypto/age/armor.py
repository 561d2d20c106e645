"""age's ASCII armor: strict PEM ``AGE ENCRYPTED FILE``, decoded as a stream.

Rules (those of the reference implementation): whitespace may surround the armored block; inside
it every line is canonical padded base64 of exactly 64 columns except the last, which is 1-64
columns; LF or CRLF line ends; no headers, no checksum line, no blank lines, nothing after the
end line but whitespace. Lines are read with a hard length bound, so hostile input costs nothing.
"""

import base64
import binascii
import io

from desktop_app.core.crypto.age.errors import AgeArmorInvalid

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS = 64
_WHITESPACE = b" \t\r\n"
_MAX_SURROUNDING_WHITESPACE = 1024


def _refuse(detail: str) -> AgeArmorInvalid:
    return AgeArmorInvalid(f"The armored (text) age file is malformed: {detail}. Ask the sender to export it again.")


def skip_leading_whitespace(src: io.BufferedReader) -> None:
    """Consume the whitespace allowed before the BEGIN line (bounded)."""
    for _ in range(_MAX_SURROUNDING_WHITESPACE):
        head = src.peek(1)[:1]
        if not head or head not in _WHITESPACE:
            return
        src.read(1)
    raise _refuse("too much whitespace before the BEGIN line")


class ArmorReader(io.RawIOBase):
    """Decodes an armored age file read from ``src`` (positioned at the BEGIN line)."""

    def __init__(self, src: io.BufferedReader) -> None:
        super().__init__()
        self._src = src
        if self._strip_eol(src.readline(len(BEGIN) + 2)) != BEGIN:
            raise _refuse("it does not start with the BEGIN line")
        self._pending = b""
        self._data_ended = False  # a short or padded line was seen: only END may follow
        self._done = False

    def readable(self) -> bool:  # noqa: D102 - io protocol
        return True

    @staticmethod
    def _strip_eol(line: bytes) -> bytes:
        if line.endswith(b"\r\n"):
            return line[:-2]
        if line.endswith(b"\n"):
            return line[:-1]
        return line

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Fill ``buffer`` with decoded bytes; 0 only after a valid END line."""
        out = memoryview(buffer).cast("B")
        while not self._pending and not self._done:
            self._pending = self._next_line()
        take = min(len(out), len(self._pending))
        out[:take] = self._pending[:take]
        self._pending = self._pending[take:]
        return take

    def _next_line(self) -> bytes:
        raw = self._src.readline(COLUMNS + 2)
        if not raw:
            raise _refuse("the END line is missing")
        line = self._strip_eol(raw)
        if line == END:
            self._done = True
            self._check_trailer()
            return b""
        if raw == line and len(line) <= COLUMNS:
            raise _refuse("the END line is missing")
        if self._data_ended:
            raise _refuse("data follows the last base64 line")
        if not line:
            raise _refuse("it contains an empty line")
        if len(line) > COLUMNS:
            raise _refuse("a line is longer than 64 columns")
        if len(line) < COLUMNS or line.endswith(b"="):
            self._data_ended = True
        try:
            data = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise _refuse("a line is not valid base64") from None
        if base64.b64encode(data) != line:
            raise _refuse("a line is not canonical base64")
        return data

    def _check_trailer(self) -> None:
        rest = self._src.read(_MAX_SURROUNDING_WHITESPACE + 1)
        if len(rest) > _MAX_SURROUNDING_WHITESPACE or rest.strip(_WHITESPACE):
            raise _refuse("there is data after the END line")
