"""Text evidence made safe to read on screen: which items are text, and their words, neutralised.

A text item (a pasted transcript) and a text file imported as evidence (``chat-log.txt``) are read
the same way, after a reveal the custody log recorded. What is shown is bounded (the first
``SHOWN_BYTES`` of the preserved bytes), decoded with an encoding that is proved where it can be
(a byte-order mark, strictly valid UTF-8, the zero bytes of UTF-16) and only otherwise guessed, and
said to be a guess. Characters that could act on the display instead of being read are replaced by
visible stand-ins: control characters (a terminal escape, a NUL, a bell) by their names in brackets
(``[ESC]``, ``[NUL]``, ``[BEL]``), and the bidirectional overrides and isolates that can make a line
read in an order other than its bytes' ("Trojan Source") by theirs (``[RLO]``). Nothing here touches a disk: bytes in, a
string out.
"""

import codecs
from dataclasses import dataclass

from desktop_app.core.domain.items import Item, ItemKind
from desktop_app.core.domain.media import MediaKind

TEXT_FORMAT = "Text"  # ``MediaAnalysis.format`` of a file whose content the decoder found to be text
SHOWN_BYTES = 1_000_000  # a longer text is shown in part, and says so
SNIFF_BYTES = 1024  # what ``looks_like_text`` needs (the decoder's head)

# Suffixes that name text, for files analysed before the decoder recognised text (format None).
TEXT_SUFFIXES = frozenset({"txt", "text", "log", "csv", "tsv", "json", "xml", "html", "htm", "md", "eml", "srt"})

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
_KEPT_CONTROLS = frozenset("\t\n")
# Control characters by their standard abbreviations. Unicode's control pictures (U+2400: ␛) would
# say the same, but many fonts lack them and a box tells the reviewer nothing.
_C0_NAMES = (
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
)
_BIDI_NAMES = {
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
    "\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReadableText:
    """What the viewer shows of a text: the words, how they were decoded, and what was held back."""

    text: str
    encoding: str  # as the reviewer reads it: "UTF-8", "UTF-16 LE", "Windows-1252"
    guessed: bool  # the encoding was not proved by a mark or by strict decoding
    shown_bytes: int
    total_bytes: int
    neutralised: int  # control and direction characters replaced by visible stand-ins
    undecodable: int  # bytes that are not text in the encoding, shown as U+FFFD

    @property
    def partial(self) -> bool:
        """Whether only the first part of the text is shown."""
        return self.shown_bytes < self.total_bytes


def is_readable_text(item: Item) -> bool:
    """Whether ``item`` is text the viewer offers to read: a text item, or a file whose content is text."""
    if item.blob_id is None:
        return False
    if item.kind is ItemKind.TEXT:
        return True
    analysis = item.analysis
    if item.kind is not ItemKind.FILE or analysis is None or analysis.kind is not MediaKind.OTHER:
        return False
    if analysis.format == TEXT_FORMAT:
        return True
    stem, dot, suffix = item.display_name.rpartition(".")
    return analysis.format is None and bool(dot and stem) and suffix.casefold() in TEXT_SUFFIXES


def looks_like_text(head: bytes) -> bool:
    """Whether a file that begins with ``head`` (no picture or video signature) is text.

    As ``file(1)`` decides: a byte-order mark, or no zero bytes outside UTF-16's pattern and hardly
    any control bytes. Random or compressed bytes have a zero and an eighth of control bytes in a
    kilobyte; text has neither (a chat log may keep a few escapes or bells, which the viewer shows).
    """
    if not head:
        return False
    if any(head.startswith(bom) for bom, _, _ in _BOMS):
        return True
    if _utf16_without_mark(head) is not None:
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if (byte < 0x20 and byte not in b"\t\n\r\f\x1b") or byte == 0x7F)
    return controls <= max(1, len(head) // 20)  # at most 5% (a short message may carry one stray escape)


def decode_for_reading(head: bytes, total_bytes: int) -> ReadableText:
    """Decode the first bytes of a text (at most ``SHOWN_BYTES`` are used) and neutralise it."""
    data = head[:SHOWN_BYTES]
    partial = len(data) < total_bytes
    codec, label, guessed, data = _detect(data, partial)
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    # A cut text may end inside a character: the incremental decoder holds it back instead of
    # showing a replacement character for a byte that is not damaged, only not shown.
    raw = decoder.decode(data, final=not partial)
    undecodable = raw.count("\ufffd") - _count_replacement_chars_in_source(data, codec)
    text, neutralised = neutralise(raw.replace("\r\n", "\n").replace("\r", "\n"))
    return ReadableText(text, label, guessed, len(head[:SHOWN_BYTES]), total_bytes, neutralised, max(0, undecodable))


def neutralise(text: str) -> tuple[str, int]:
    """Replace the characters that act on a display by visible stand-ins; returns the text and their count."""
    out: list[str] = []
    count = 0
    for char in text:
        code = ord(char)
        if char in _KEPT_CONTROLS:
            out.append(char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"[{_C0_NAMES[code] if code < 0x20 else 'DEL'}]")
            count += 1
        elif 0x80 <= code <= 0x9F:
            out.append(f"[U+{code:04X}]")
            count += 1
        elif char in _BIDI_NAMES:
            out.append(f"[{_BIDI_NAMES[char]}]")
            count += 1
        else:
            out.append(char)
    return "".join(out), count


def _detect(data: bytes, partial: bool) -> tuple[str, str, bool, bytes]:
    """The codec, its label, whether it is a guess, and the bytes after any byte-order mark."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return codec, label, False, data[len(bom) :]
    # Before UTF-8: ASCII in UTF-16 is valid UTF-8 too, one NUL after every letter.
    utf16 = _utf16_without_mark(data[:SNIFF_BYTES])
    if utf16 is not None:
        return utf16, "UTF-16 LE" if utf16.endswith("le") else "UTF-16 BE", True, data
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(data, final=not partial)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "UTF-8", False, data
    # Single-byte text from a Windows machine is the common case left; every byte decodes to something.
    return "cp1252", "Windows-1252", True, data


def _utf16_without_mark(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the zero bytes fall as mostly-ASCII UTF-16 puts them, else None."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even_zeros = sum(1 for i in range(0, pairs * 2, 2) if head[i] == 0)
    odd_zeros = sum(1 for i in range(1, pairs * 2, 2) if head[i] == 0)
    if odd_zeros * 10 >= pairs * 6 and even_zeros * 20 <= pairs:
        return "utf-16-le"
    if even_zeros * 10 >= pairs * 6 and odd_zeros * 20 <= pairs:
        return "utf-16-be"
    return None


def _count_replacement_chars_in_source(data: bytes, codec: str) -> int:
    """U+FFFD written in the text itself is not an undecodable byte (only UTF-8 is checked; rare elsewhere)."""
    return data.count("\ufffd".encode()) if codec == "utf-8" else 0
