"""Refusing hostile list files early: too large, binary, too deep, endless lines, all rows bad.

Every check here runs before (or while) the file is read, so a gigabyte of noise, an executable
renamed ``.csv``, a JSON document nested a million deep or an XML entity bomb is refused within
a second with a sentence saying why, and nothing is imported.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from desktop_app.core.hashlists.errors import ListFileRefused

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ListLimits:
    """Upper bounds for list files. Line formats stream; JSON and XML pages are read whole."""

    max_line_file: int = 4 * 1024**3  # a 10 M-entry HMA CSV is ~1 GB
    max_page_file: int = 256 * 1024**2  # one API page (StopNCII, ThreatExchange, TAT, NCMEC)
    max_line: int = 1024 * 1024  # a vPDQ signal of an hour of video is ~260 KB
    # A file whose first rows are all unusable is the wrong format, not a list with bad rows.
    give_up_after_bad: int = 1000


def check_size(path: str | os.PathLike[str], limit: int, what: str) -> int:
    """The file's size, or ``ListFileRefused`` if it is larger than ``limit``."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ListFileRefused(f"The list file cannot be read: {exc.strerror}.") from None
    if size > limit:
        raise ListFileRefused(
            f"The file is {size / 1024**2:,.0f} MiB; {what} files larger than {limit / 1024**2:,.0f} MiB are refused."
            " Is this the right file?"
        )
    return size


def check_text(head: bytes) -> None:
    """Refuse binary content: NUL bytes or invalid UTF-8 in the first 64 KiB."""
    if b"\x00" in head:
        raise ListFileRefused("The file holds binary data, not a hash list (it contains NUL bytes).")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the sniff boundary is fine
            raise ListFileRefused(
                f"The file is not UTF-8 text (byte {exc.start}); hash lists are text. Is this the right file?"
            ) from None


def text_lines(stream: BinaryIO, limits: ListLimits) -> Iterator[tuple[int, str]]:
    """Numbered lines (1-based) of a UTF-8 file, refusing endless lines and binary data."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    check_text(head)
    number = 0
    while True:
        raw = stream.readline(limits.max_line + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limits.max_line:
            raise ListFileRefused(
                f"Line {number} is longer than {limits.max_line // 1024} KiB; no hash list has such lines."
            )
        if b"\x00" in raw:
            raise ListFileRefused(f"Line {number} holds binary data (NUL bytes); this is not a hash list.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ListFileRefused(f"Line {number} is not UTF-8 text; this is not a hash list.") from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text.rstrip("\r\n")


def check_bad_ratio(rows: int, bad: int, limits: ListLimits, what: str) -> None:
    """Give up when every one of the first rows was unusable (the wrong format, or noise)."""
    if rows >= limits.give_up_after_bad and bad == rows:
        raise ListFileRefused(
            f"None of the first {rows:,} rows is a usable {what} entry. Is this the right file and format?"
        )
