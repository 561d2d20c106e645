"""Read one list file of a declared format into a ``ChangeSet``, with progress and cancel.

The format is the user's choice (or the CLI's ``--format``); ``guess_format`` only proposes one
from the file name and the first bytes, it never decides a hash's algorithm.
"""

import os
from typing import BinaryIO, Protocol

from desktop_app.core.domain.hashlists import ListFormat
from desktop_app.core.hashlists import read_lines, read_pages
from desktop_app.core.hashlists.changes import ChangeBuilder, ChangeSet
from desktop_app.core.hashlists.errors import ListFileRefused
from desktop_app.core.hashlists.guards import ListLimits, check_size
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import CancelToken, ProgressGenerator

PathLike = str | os.PathLike[str]


class _LineReader(Protocol):
    def __call__(
        self, stream: BinaryIO, size: int, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
        cancel: CancelToken | None = None,
    ) -> ProgressGenerator[None]: ...


class _PageReader(Protocol):
    def __call__(
        self, raw: bytes, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
        cancel: CancelToken | None = None,
    ) -> ProgressGenerator[None]: ...


LINE_READERS: dict[ListFormat, _LineReader] = {
    ListFormat.TEXT: read_lines.read_text,
    ListFormat.CSV: read_lines.read_csv,
    ListFormat.HMA_CSV: read_lines.read_hma_csv,
    ListFormat.HMA_TEXT: read_lines.read_hma_text,
}
PAGE_READERS: dict[ListFormat, _PageReader] = {
    ListFormat.NCMEC_XML: read_pages.read_ncmec,
    ListFormat.STOPNCII_JSON: read_pages.read_stopncii,
    ListFormat.THREATEXCHANGE_JSON: read_pages.read_threatexchange,
    ListFormat.TAT_JSON: read_pages.read_tat,
}


def read_list(
    path: PathLike, format: ListFormat, options: ReadOptions | None = None, limits: ListLimits | None = None,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[ChangeSet]:
    """Read ``path`` as ``format``; raises ``ListFileRefused`` for a file that is not such a list."""
    options = options or ReadOptions()
    limits = limits or ListLimits()
    out = ChangeBuilder()
    if format in LINE_READERS:
        size = check_size(path, limits.max_line_file, "list")
        with open(path, "rb", buffering=1024 * 1024) as stream:
            yield from LINE_READERS[format](stream, size, out, options, limits, cancel)
    elif format in PAGE_READERS:
        check_size(path, limits.max_page_file, "page")
        with open(path, "rb") as stream:
            raw = stream.read()
        yield from PAGE_READERS[format](raw, out, options, limits, cancel)
    else:
        raise ListFileRefused(f"Unknown list format '{format}'.")
    return out.build()


def guess_format(path: PathLike) -> ListFormat | None:
    """A format to propose for a file (the user confirms): by its first bytes, then its name."""
    with open(path, "rb") as stream:
        head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    name = os.fspath(path).lower()
    if head.startswith(b"<"):
        return ListFormat.NCMEC_XML
    if head.startswith((b"{", b"[")):
        for key, fmt in (
            (b'"hashRecords"', ListFormat.STOPNCII_JSON),
            (b'"should_delete"', ListFormat.THREATEXCHANGE_JSON),
            (b'"hash_digest"', ListFormat.TAT_JSON),
        ):
            if key in head:
                return fmt
        return None
    if head.lower().startswith(b"signal_type,signal_str"):
        return ListFormat.HMA_CSV
    if name.endswith((".csv", ".tsv")):
        return ListFormat.CSV
    return None
