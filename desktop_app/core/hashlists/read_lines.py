"""Line formats: plain text, CSV/TSV with a column mapping, and python-threatexchange's CSV and text.

All stream the file line by line (a 10 M-entry list never sits in memory as text), yield progress
by bytes read, and check the cancel token between chunks of lines.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from desktop_app.core.domain.hashlists import Algorithm, EntryMeta
from desktop_app.core.hashlists.changes import ChangeBuilder, InvalidValue
from desktop_app.core.hashlists.errors import ListFileRefused, ListMappingInvalid
from desktop_app.core.hashlists.guards import ListLimits, check_bad_ratio, text_lines
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator

PROGRESS_EVERY = 20_000  # lines

# python-threatexchange signal type names -> (algorithm, media kind). Types that are not hashes of
# media we hold (URLs, text) are counted as ignored, not as bad rows.
HMA_SIGNAL_TYPES = {
    "pdq": (Algorithm.PDQ, "image"),
    "video_md5": (Algorithm.MD5, "video"),
    "video_sha256": (Algorithm.SHA256, "video"),
    "vpdq": (Algorithm.VPDQ, "video"),
    "md5": (Algorithm.MD5, ""),
    "sha1": (Algorithm.SHA1, ""),
    "sha256": (Algorithm.SHA256, ""),
}
HMA_IGNORED_TYPES = frozenset({"url", "url_md5", "raw_text", "trend_query", "tmk", "photodna", "pdna"})
HMA_CSV_HEADER = ("signal_type", "signal_str", "collab", "category", "tags")

# What a CSV column can be mapped to besides an algorithm.
META_ROLES = ("label", "tags", "source_id", "media_kind", "deleted")
_TRUE = frozenset({"1", "true", "yes", "y", "deleted", "withdrawn"})


@dataclass(frozen=True)
class ReadOptions:
    """What the user told the importer: the algorithm of a plain list, a CSV's column mapping."""

    algorithm: Algorithm | None = None  # plain text: required, never guessed from the length
    mapping: dict[str, str] = field(default_factory=dict)  # CSV column (name or 1-based number) -> role
    delimiter: str | None = None  # CSV: None sniffs comma, tab or semicolon from the first line
    media_kind: str = ""  # what the list's entries are hashes of, when the file does not say


def _ticker(stream: BinaryIO, size: int, cancel: CancelToken | None) -> Iterator[Progress]:
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield Progress(stream.tell(), size, "reading")


def read_text(
    stream: BinaryIO, size: int, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[None]:
    """One hash a line; blank lines and ``#`` comments are skipped."""
    if options.algorithm is None:
        raise ListMappingInvalid("Say which kind of hash the list holds (md5, sha1, sha256, pdq); it is never guessed.")
    algorithm = options.algorithm
    meta = EntryMeta(media_kind=options.media_kind)
    tick = _ticker(stream, size, cancel)
    for number, line in text_lines(stream, limits):
        if number % PROGRESS_EVERY == 0:
            yield next(tick)
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        out.rows_read += 1
        try:
            out.add(algorithm, value, meta)
        except InvalidValue as exc:
            out.bad(number, str(exc))
            check_bad_ratio(out.rows_read, out.bad_row_count, limits, str(algorithm))
    yield next(tick)


def _csv_rows(stream: BinaryIO, limits: ListLimits, delimiter: str | None) -> Iterator[tuple[int, list[str]]]:
    lines = text_lines(stream, limits)
    numbers: list[int] = []

    def feed() -> Iterator[str]:
        for number, text in lines:
            numbers.append(number)
            yield text

    source = feed()
    if delimiter is None:
        try:
            first = next(source)
        except StopIteration:
            return
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","

        def again(first: str = first, rest: Iterator[str] = source) -> Iterator[str]:
            yield first
            yield from rest

        source = again()
    try:
        for row in csv.reader(source, delimiter=delimiter, strict=True):
            yield numbers[-1], row
    except csv.Error as exc:
        raise ListFileRefused(f"Line {numbers[-1] if numbers else 1} is not valid CSV ({exc}).") from None


def _column_index(header: list[str], column: str) -> int:
    names = [h.strip().lower() for h in header]
    if column.strip().lower() in names:
        return names.index(column.strip().lower())
    if column.isdigit() and 1 <= int(column) <= len(header):
        return int(column) - 1
    raise ListMappingInvalid(f"The file has no column '{column}'. Its columns are: {', '.join(header)}.")


def read_csv(
    stream: BinaryIO, size: int, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[None]:
    """CSV or TSV with a header; ``options.mapping`` maps columns to algorithms and metadata roles."""
    roles: dict[str, str] = {}
    for column, role in options.mapping.items():
        role = role.strip().lower()
        if role not in {str(a) for a in Algorithm} and role not in META_ROLES:
            raise ListMappingInvalid(
                f"'{role}' is not a hash algorithm ({', '.join(Algorithm)}) or one of {', '.join(META_ROLES)}."
            )
        roles[column] = role
    if not any(role in {str(a) for a in Algorithm} for role in roles.values()):
        raise ListMappingInvalid("Map at least one column to a hash algorithm, e.g. --map md5=md5.")
    rows = _csv_rows(stream, limits, options.delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        return
    indexes = {role: _column_index(header, column) for column, role in roles.items()}
    hash_roles = [(Algorithm(role), i) for role, i in indexes.items() if role in {str(a) for a in Algorithm}]
    tick = _ticker(stream, size, cancel)
    for number, row in rows:
        if number % PROGRESS_EVERY == 0:
            yield next(tick)
        if not any(cell.strip() for cell in row):
            continue
        out.rows_read += 1

        def cell(role: str, row: list[str] = row) -> str:
            i = indexes.get(role)
            return row[i].strip() if i is not None and i < len(row) else ""

        meta = EntryMeta(
            cell("media_kind") or options.media_kind, cell("source_id"), cell("label"), tuple(cell("tags").split())
        )
        deleted = cell("deleted").lower() in _TRUE
        values = [(algorithm, row[i] if i < len(row) else "") for algorithm, i in hash_roles]
        if not any(value.strip() for _, value in values):
            out.bad(number, "no hash in the mapped columns")
        for algorithm, value in values:
            if not value.strip():
                continue
            try:
                out.change(algorithm, value, meta, deleted)
            except InvalidValue as exc:
                out.bad(number, str(exc))
        check_bad_ratio(out.rows_read, out.bad_row_count, limits, "CSV")
    yield next(tick)


def _hma_signal(out: ChangeBuilder, number: int, signal_type: str, signal: str, meta: EntryMeta) -> None:
    kind = signal_type.strip().lower()
    if kind in HMA_IGNORED_TYPES:
        out.ignored(kind)
        return
    if kind not in HMA_SIGNAL_TYPES:
        out.bad(number, f"unknown signal type '{signal_type[:40]}'")
        return
    algorithm, media_kind = HMA_SIGNAL_TYPES[kind]
    meta = EntryMeta(media_kind or meta.media_kind, meta.source_id, meta.label, meta.tags)
    try:
        if algorithm == Algorithm.VPDQ:
            features = json.loads(signal)
            if not isinstance(features, list):
                raise InvalidValue("a vpdq signal is a JSON list of 'pdq_hex,quality,timestamp' strings")
            out.add(algorithm, [str(f) for f in features], meta)
        else:
            out.add(algorithm, signal, meta)
    except (InvalidValue, json.JSONDecodeError, RecursionError) as exc:
        out.bad(number, str(exc) if isinstance(exc, InvalidValue) else "the vpdq signal is not valid JSON")


def read_hma_csv(
    stream: BinaryIO, size: int, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[None]:
    """``threatexchange dataset --csv``: signal_type,signal_str,collab,category,tags (tags space-separated)."""
    rows = _csv_rows(stream, limits, ",")
    try:
        first_number, first = next(rows)
    except StopIteration:
        return
    header = tuple(c.strip().lower() for c in first)
    pending = [] if header[:2] == HMA_CSV_HEADER[:2] else [(first_number, first)]
    tick = _ticker(stream, size, cancel)

    def all_rows() -> Iterator[tuple[int, list[str]]]:
        yield from pending
        yield from rows

    for number, row in all_rows():
        if number % PROGRESS_EVERY == 0:
            yield next(tick)
        if not any(cell.strip() for cell in row):
            continue
        out.rows_read += 1
        if len(row) < 2:
            out.bad(number, "a row needs at least signal_type and signal_str")
        else:
            padded = row + [""] * (5 - len(row))
            meta = EntryMeta(options.media_kind, "", padded[3].strip(), tuple(padded[4].split()))
            _hma_signal(out, number, padded[0], padded[1], meta)
        check_bad_ratio(out.rows_read, out.bad_row_count, limits, "python-threatexchange CSV")
    yield next(tick)


def read_hma_text(
    stream: BinaryIO, size: int, out: ChangeBuilder, options: ReadOptions, limits: ListLimits,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[None]:
    """python-threatexchange's text form: ``<signal_type> <signal>`` a line."""
    tick = _ticker(stream, size, cancel)
    for number, line in text_lines(stream, limits):
        if number % PROGRESS_EVERY == 0:
            yield next(tick)
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        out.rows_read += 1
        parts = text.split(None, 1)
        if len(parts) != 2:
            out.bad(number, "a line is '<signal_type> <signal>'")
        else:
            _hma_signal(out, number, parts[0], parts[1], EntryMeta(options.media_kind))
        check_bad_ratio(out.rows_read, out.bad_row_count, limits, "python-threatexchange text")
    yield next(tick)
