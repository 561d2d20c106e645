r"""The age v1 header: recipient stanzas and the header MAC, parsed under hard bounds.

``age-encryption.org/v1\n``, then stanzas ``-> type args...\n`` each followed by a canonical
unpadded base64 body wrapped at 64 columns and ended by a shorter line, then
``--- <base64 HMAC-SHA-256>\n``. The grammar sets no limit on the number of stanzas and some
readers take quadratic time on long headers, so this reader refuses a header larger than
``ReaderLimits.max_header_bytes`` or with more than ``max_stanzas`` stanzas before doing any
cryptography: a hostile file costs at most a few milliseconds.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import BinaryIO

from desktop_app.core.crypto.age.errors import AgeHeaderInvalid, AgeHeaderTooLarge

VERSION_LINE = b"age-encryption.org/v1\n"
COLUMNS = 64
MAC_SIZE = 32
_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


@dataclass(frozen=True)
class ReaderLimits:
    """What a reader accepts. Defaults fit any file we or stock age write for a handful of people."""

    max_header_bytes: int = 64 * 1024
    max_stanzas: int = 64


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its type, arguments and (decoded) body."""

    type: str
    args: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Header:
    """A parsed header; ``mac_input`` is every header byte up to and including ``---``."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes


def b64_decode_canonical(text: bytes) -> bytes:
    """Decode unpadded standard base64, refusing padding, stray characters and non-canonical bits."""
    if any(c not in _B64_ALPHABET for c in text) or len(text) % 4 == 1:
        raise AgeHeaderInvalid(_damaged("a base64 field holds characters or a length age does not allow"))
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise AgeHeaderInvalid(_damaged("a base64 field does not decode")) from None
    if b64_encode_raw(data) != text:
        raise AgeHeaderInvalid(_damaged("a base64 field is not in canonical form"))
    return data


def b64_encode_raw(data: bytes) -> bytes:
    """Standard base64 without padding."""
    return base64.b64encode(data).rstrip(b"=")


def _damaged(detail: str) -> str:
    return f"This is not a readable age file: {detail}. Ask the sender to export it again."


def _valid_argument(arg: bytes) -> bool:
    return bool(arg) and all(33 <= c <= 126 for c in arg)


class _BoundedLines:
    def __init__(self, src: BinaryIO, limits: ReaderLimits) -> None:
        self._src = src
        self._remaining = limits.max_header_bytes
        self.consumed = bytearray()

    def next(self) -> bytes:
        line = self._src.readline(self._remaining + 1)
        if len(line) > self._remaining:
            raise AgeHeaderTooLarge(
                f"The age header is larger than {len(self.consumed) + self._remaining} bytes, which no "
                "bundle needs; the file was refused unread. Ask the sender for a file with fewer recipients."
            )
        if not line.endswith(b"\n"):
            raise AgeHeaderInvalid(_damaged("the header ends early"))
        self._remaining -= len(line)
        self.consumed += line
        return line


def parse_header(src: BinaryIO, limits: ReaderLimits) -> Header:
    """Read and check the header's syntax; leaves ``src`` at the first payload byte.

    Raises:
        AgeHeaderInvalid: not age v1, or malformed.
        AgeHeaderTooLarge: beyond ``limits``.
    """
    lines = _BoundedLines(src, limits)
    first = src.readline(len(VERSION_LINE))
    if first != VERSION_LINE:
        if first.startswith(b"age-encryption.org/"):
            raise AgeHeaderInvalid("This age file uses a format version this app cannot read.")
        raise AgeHeaderInvalid(_damaged("it does not start with the age v1 version line"))
    lines.consumed += first
    stanzas: list[Stanza] = []
    while True:
        line = lines.next()
        if line.startswith(b"--- "):
            mac = b64_decode_canonical(line[4:-1])
            if len(mac) != MAC_SIZE:
                raise AgeHeaderInvalid(_damaged("the header MAC has the wrong length"))
            mac_input = bytes(lines.consumed[: -len(line) + 3])
            if not stanzas:
                raise AgeHeaderInvalid(_damaged("the header names no recipient"))
            return Header(tuple(stanzas), mac, mac_input)
        if not line.startswith(b"-> "):
            raise AgeHeaderInvalid(_damaged("a header line is neither a stanza nor the MAC line"))
        if len(stanzas) == limits.max_stanzas:
            raise AgeHeaderTooLarge(
                f"The age header has more than {limits.max_stanzas} recipient stanzas; the file was refused "
                "unread. Ask the sender for a file addressed to fewer recipients."
            )
        args = line[3:-1].split(b" ")
        if not all(_valid_argument(arg) for arg in args):
            raise AgeHeaderInvalid(_damaged("a recipient stanza has an empty or invalid argument"))
        body = bytearray()
        while True:
            body_line = lines.next()[:-1]
            if len(body_line) > COLUMNS:
                raise AgeHeaderInvalid(_damaged("a stanza body line is longer than 64 columns"))
            body += b64_decode_canonical(body_line)
            if len(body_line) < COLUMNS:
                break
        stanzas.append(Stanza(args[0].decode(), tuple(a.decode() for a in args[1:]), bytes(body)))


def format_stanza(stanza: Stanza) -> bytes:
    """Encode one stanza (always ending with a short body line, empty if need be)."""
    head = " ".join(("->", stanza.type, *stanza.args)).encode() + b"\n"
    encoded = b64_encode_raw(stanza.body)
    lines = [encoded[i : i + COLUMNS] for i in range(0, len(encoded), COLUMNS)]
    if not lines or len(lines[-1]) == COLUMNS:
        lines.append(b"")
    return head + b"".join(line + b"\n" for line in lines)


def header_without_mac(stanzas: list[Stanza]) -> bytes:
    """The MAC input of a header made of ``stanzas``."""
    return VERSION_LINE + b"".join(format_stanza(s) for s in stanzas) + b"---"
