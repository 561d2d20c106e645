"""Reading form bodies (``/upload``, ``/finish``, ``/retract``) with python-multipart, streaming.

The file part of an upload is never stored: each chunk goes through MD5 and a byte count as it
arrives, which is all NCMEC's answer needs (the ``hash`` of what arrived), so no evidence-like bytes
reach memory beyond one chunk or any disk. Other parts are small fields held in memory under a cap.
Parts may come in any order, with or without a filename or a Content-Type; a part with no name
cannot be addressed and is skipped. Malformed multipart raises ``FormUnreadable``.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 16


class FormUnreadable(ValueError):
    """The body is not the form it claims to be (or breaks a limit)."""


@dataclass
class ReceivedFile:
    """What arrived in the file part: its digest and size, and the name the client gave."""

    filename: str | None
    size: int = 0
    _md5: "hashlib._Hash" = field(default_factory=hashlib.md5, repr=False)

    def update(self, data: bytes) -> None:
        """Count and hash the next bytes of the file."""
        self.size += len(data)
        self._md5.update(data)

    @property
    def md5(self) -> str:
        """Lowercase hex MD5 of every byte received."""
        return self._md5.hexdigest()


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The media type (lower case) and its parameters from a Content-Type header."""
    kind, params = parse_options_header(content_type or "")
    return kind.decode("latin-1").lower(), {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in params.items()}


class MultipartForm:
    """A multipart/form-data body fed chunk by chunk; ``file_field`` names the part to hash."""

    def __init__(self, content_type: str | None, file_field: str | None = None) -> None:
        kind, params = media_type(content_type)
        boundary = params.get("boundary")
        if kind != "multipart/form-data" or not boundary:
            raise FormUnreadable(f"expected multipart/form-data with a boundary, got {content_type or 'no type'!r}")
        self.fields: dict[str, str] = {}
        self.file: ReceivedFile | None = None
        self._file_field = file_field
        self._ended = False
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._field_name: str | None = None
        self._field_value = bytearray()
        self._into_file = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
        )

    def feed(self, chunk: bytes) -> None:
        """Parse the next chunk of the body."""
        if not chunk:
            return
        try:
            self._parser.write(chunk)
        except MultipartParseError as problem:
            raise FormUnreadable(f"the multipart body is malformed: {problem}") from None

    def close(self) -> None:
        """The body ended: it must have ended as multipart does (with the closing boundary)."""
        if not self._ended:
            raise FormUnreadable("the multipart body ended before its closing boundary")

    # -- python-multipart callbacks -------------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers = {}
        self._field_name = None
        self._field_value = bytearray()
        self._into_file = False

    def _header_end(self) -> None:
        self._headers[bytes(self._header_name).decode("latin-1").lower()] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get("content-disposition", b""))
        name = params.get(b"name")
        if disposition.lower() != b"form-data" or name is None:
            return  # an unnamed part: nothing can refer to it
        text = name.decode("utf-8", "replace")
        if text == self._file_field:
            if self.file is not None:
                raise FormUnreadable(f"more than one {text!r} part")
            filename = params.get(b"filename")
            self.file = ReceivedFile(filename.decode("utf-8", "replace") if filename is not None else None)
            self._into_file = True
            return
        if text in self.fields or len(self.fields) >= MAX_FIELDS:
            raise FormUnreadable(f"the part {text!r} is repeated, or there are too many parts")
        self._field_name = text

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._into_file and self.file is not None:
            self.file.update(data[start:end])
        elif self._field_name is not None:
            self._field_value.extend(data[start:end])
            if len(self._field_value) > MAX_FIELD_BYTES:
                raise FormUnreadable(f"the part {self._field_name!r} is longer than {MAX_FIELD_BYTES:,} bytes")

    def _part_end(self) -> None:
        if self._field_name is not None:
            self.fields[self._field_name] = self._field_value.decode("utf-8", "replace")
        self._field_name = None
        self._into_file = False

    def _end(self) -> None:
        self._ended = True


def urlencoded_fields(body: bytes) -> dict[str, str]:
    """The fields of an application/x-www-form-urlencoded body (first value of each name)."""
    try:
        text = body.decode("ascii")
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as problem:
        raise FormUnreadable(f"the form body is not URL-encoded fields: {problem}") from None
    return {name: values[0] for name, values in parsed.items()}
