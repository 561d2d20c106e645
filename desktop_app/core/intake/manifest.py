"""Manifests: what a platform knows about the files it flagged, as CSV or JSON.

A manifest lists one item per row (CSV) or per object (JSON: a list of objects, or
``{"items": [...]}``). A row names either a file (``path``, relative to the manifest's folder or
absolute) or a text-only item (``text``: a message transcript), plus what the platform knows.
A file must lie in the manifest's folder (or below it, or in a folder being imported with it):
a row reaching elsewhere (``../../home/...``, ``/etc/...``) is refused unless the reviewer
confirmed that path (``scan``'s ``allow_outside``), so a manifest cannot pull arbitrary local
files into the evidence.
Column names are matched tolerantly: case, spaces, hyphens, dots and camelCase do not matter
(``Upload Time``, ``upload-time`` and ``uploadTime`` are all ``upload_time``), and each field has
the aliases listed in ``ALIASES``. Any other column is kept as an extra key/value.

A bad row never stops the import: it is skipped with a ``ManifestFinding`` naming the row, the
field and what to fix. Fixing the manifest and importing it again is safe: rows already taken in
are recognised and not added twice. Times must carry a zone (``Z`` or ``+02:00``): a time
without one is ambiguous by hours, and a report built on it would mislead an investigator.

Only the standard library parses: ``csv`` and ``json``, on a file read whole after a size check.
"""

import csv
import hashlib
import io
import ipaddress
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop_app.core.domain.items import SourceFields
from desktop_app.core.errors import ManifestUnreadable
from desktop_app.core.intake.reading import NotReadable, SafeFile

DEFAULT_MAX_MANIFEST_SIZE = 64 * 1024 * 1024
_MAX_CSV_FIELD = 16 * 1024 * 1024  # a transcript can be long; csv's default cap is 128 KiB

# Canonical field -> accepted column names (after normalisation, see ``normalise_key``).
ALIASES: dict[str, tuple[str, ...]] = {
    "path": ("path", "file", "file_path", "filepath", "local_path", "location"),
    "text": ("text", "transcript", "message_text", "body"),
    "content_url": ("content_url", "url", "media_url", "file_url", "source_url"),
    "uploader_account_id": ("uploader_account_id", "account_id", "user_id", "uploader_id", "uploader_user_id"),
    "uploader_screen_name": (
        "uploader_screen_name",
        "screen_name",
        "username",
        "user_name",
        "uploader_username",
        "handle",
    ),
    "upload_ip": ("upload_ip", "ip", "ip_address", "uploader_ip", "source_ip"),
    "upload_port": ("upload_port", "port", "source_port", "ip_port"),
    "upload_time": ("upload_time", "uploaded_at", "upload_datetime", "upload_date_time", "time", "timestamp"),
    "original_name": ("original_name", "original_file_name", "original_filename", "file_name", "filename"),
    "message_id": ("message_id", "post_id", "status_id", "msg_id"),
}
_CANONICAL = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class ManifestFinding:
    """One problem with one row (``row`` 0 is the manifest as a whole).

    ``row`` counts as a spreadsheet does for CSV (the header is row 1) and from 1 for JSON items.
    """

    row: int
    field: str | None
    code: str
    message: str
    severity: str = "error"  # "error": the row was not imported; "warning": imported, but look


@dataclass(frozen=True)
class ManifestRow:
    """One valid row: a file (absolute ``path``) or a ``text``, with the platform's fields."""

    row: int
    fields: SourceFields
    path: bytes | None = None
    text: str | None = None


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest."""

    name: str  # the manifest's file name, for showing and for the sources that came from it
    sha256: str  # of the manifest file as read: the custody event names exactly which file was used
    rows: tuple[ManifestRow, ...] = ()
    findings: tuple[ManifestFinding, ...] = field(default_factory=tuple)
    base_dir: bytes | None = None  # the folder relative paths start from; rows must stay inside it


def normalise_key(key: str) -> str:
    """``"Upload Time"``, ``"upload-time"``, ``"uploadTime"`` -> ``"upload_time"``."""
    key = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key.strip())
    return re.sub(r"[^0-9a-z]+", "_", key.lower()).strip("_")


class _RowError(Exception):
    def __init__(self, field_name: str | None, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.code = code
        self.message = message


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _RowError(name, "bad-value", f"{name} must be text or a number, not {type(value).__name__}.")
    text = str(value).strip()
    return text or None


def _time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _RowError(
            "upload_time", "bad-time", f"upload time {value!r} is not an ISO 8601 time such as 2024-05-01T14:03:00Z."
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _RowError(
            "upload_time",
            "time-without-zone",
            f"upload time {value!r} has no time zone; add Z (UTC) or the platform's offset such as +02:00.",
        )
    return parsed


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise _RowError("upload_port", "bad-port", f"upload port {value!r} is not a number from 0 to 65535.")
    return int(value)


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise _RowError("upload_ip", "bad-ip", f"upload IP {value!r} is not an IPv4 or IPv6 address.") from None


def _extra_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class _RowParser:
    """Turns one raw row (column -> value) into a ``ManifestRow``, collecting warnings once per column."""

    def __init__(self, base_dir: bytes) -> None:
        self._base_dir = base_dir
        self.warnings: dict[str, ManifestFinding] = {}

    def parse(self, number: int, raw: Mapping[str, Any]) -> ManifestRow:
        known: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for key, value in raw.items():
            canonical = _CANONICAL.get(normalise_key(key))
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if canonical is None:
                extra[key.strip()] = _extra_value(value)
            elif canonical in known:
                extra[key.strip()] = _extra_value(value)
                self.warnings.setdefault(
                    key,
                    ManifestFinding(
                        number,
                        canonical,
                        "duplicate-column",
                        f"Column {key!r} also means {canonical}; the first such column is used and {key!r} is kept "
                        "as an extra value.",
                        "warning",
                    ),
                )
            else:
                known[canonical] = value
        values = {name: _text(value, name) for name, value in known.items()}
        path_text, text = values.pop("path", None), known.get("text")
        if text is not None and not isinstance(text, str):
            raise _RowError("text", "bad-value", "text must be a string.")
        values.pop("text", None)
        if path_text and text:
            raise _RowError("path", "path-and-text", "A row names either a file (path) or a text, not both.")
        if not path_text and not (text and text.strip()):
            raise _RowError("path", "no-path-or-text", "The row names no file (path) and no text; nothing to import.")
        name, ip, port, time = (values.get(k) for k in ("original_name", "upload_ip", "upload_port", "upload_time"))
        fields = SourceFields(
            original_name=name.encode() if name else None,
            content_url=values.get("content_url"),
            uploader_account_id=values.get("uploader_account_id"),
            uploader_screen_name=values.get("uploader_screen_name"),
            upload_ip=_ip(ip) if ip else None,
            upload_port=_port(port) if port else None,
            upload_time=_time(time) if time else None,
            message_id=values.get("message_id"),
            extra=extra,
        )
        if path_text:
            path = os.path.normpath(os.path.join(self._base_dir, os.fsencode(path_text)))
            return ManifestRow(number, fields, path=path)
        return ManifestRow(number, fields, text=text)


def _rows_from_json(data: bytes) -> Iterable[tuple[int, Any]]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ManifestUnreadable(f"The manifest is not valid JSON ({exc}).") from None
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        document = document["items"]
    if not isinstance(document, list):
        raise ManifestUnreadable('A JSON manifest must be a list of objects, or {"items": [ ... ]}.')
    return enumerate(document, start=1)


def _rows_from_csv(data: bytes) -> Iterable[tuple[int, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestUnreadable(f"The manifest is not UTF-8 text (line {line}); save it as UTF-8 CSV.") from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    previous_limit = csv.field_size_limit(_MAX_CSV_FIELD)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        if not reader.fieldnames:
            raise ManifestUnreadable("The CSV manifest has no header row naming its columns.")
        rows = []
        for number, record in enumerate(reader, start=2):
            rows.append((number, record))
        return rows
    except csv.Error as exc:
        raise ManifestUnreadable(f"The CSV manifest is malformed near line {reader.line_num} ({exc}).") from None
    finally:
        csv.field_size_limit(previous_limit)


def parse_manifest(data: bytes, base_dir: bytes, name: str, fmt: str | None = None) -> Manifest:
    """Parse manifest bytes; ``fmt`` is "csv" or "json", guessed from the content when None."""
    if fmt is None:
        fmt = "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else "csv"
    raw_rows = _rows_from_json(data) if fmt == "json" else _rows_from_csv(data)
    parser = _RowParser(base_dir)
    rows: list[ManifestRow] = []
    findings: list[ManifestFinding] = []
    for number, raw in raw_rows:
        if not isinstance(raw, dict):
            findings.append(ManifestFinding(number, None, "not-an-object", "This item is not an object; skipped."))
            continue
        if None in raw:  # csv.DictReader puts cells beyond the header under None
            findings.append(
                ManifestFinding(number, None, "extra-cells", "The row has more cells than the header has columns.")
            )
            continue
        try:
            rows.append(parser.parse(number, raw))
        except _RowError as error:
            findings.append(ManifestFinding(number, error.field, error.code, f"{error.message} The row was skipped."))
    findings.extend(parser.warnings.values())
    findings.sort(key=lambda f: f.row)
    return Manifest(name, hashlib.sha256(data).hexdigest(), tuple(rows), tuple(findings), base_dir)


def _real(path: bytes) -> bytes:
    """``path`` with every folder resolved (links included) but the last component left as it is.

    The last component is opened without following links (a link there is recorded, not read),
    so only the folders decide where a row really points.
    """
    head, tail = os.path.split(os.path.normpath(path))
    return os.path.normcase(os.path.join(os.path.realpath(head), tail))


def is_within(path: bytes, roots: Iterable[bytes]) -> bool:
    """Whether ``path`` (absolute) is one of ``roots`` or lies below one, after resolving folders."""
    real = _real(path)
    for root in roots:
        base = os.path.normcase(os.path.realpath(root))
        if real == base or real.startswith(base.rstrip(os.sep.encode()) + os.sep.encode()):
            return True
    return False


def outside_finding(row: ManifestRow, base_dir: bytes | None) -> ManifestFinding:
    """The refusal of a row that points outside the manifest's folder and the folders being imported."""
    shown = (row.path or b"").decode("utf-8", "replace")
    folder = (base_dir or b"").decode("utf-8", "replace")
    return ManifestFinding(
        row.row,
        "path",
        "path-outside-manifest-folder",
        f"The path {shown!r} is outside the manifest's folder ({folder}) and the folders being imported, so "
        "it was not read. Move the file next to the manifest, or confirm the path (command line: "
        "--allow-outside PATH). The row was skipped.",
    )


def read_manifest(path: bytes, max_size: int = DEFAULT_MAX_MANIFEST_SIZE) -> Manifest:
    """Read (safely: no links, no FIFOs, capped) and parse a manifest file."""
    name = os.path.basename(path).decode("utf-8", "replace")
    try:
        with SafeFile(path, max_size) as source:
            data = bytearray()
            while chunk := source.read():
                data += chunk
    except NotReadable as refused:
        raise ManifestUnreadable(f"The manifest {name} cannot be used: {refused.detail}") from None
    suffix = os.path.splitext(path)[1].lower()
    fmt = {b".json": "json", b".csv": "csv", b".tsv": "csv", b".txt": "csv"}.get(suffix)
    return parse_manifest(bytes(data), os.path.dirname(os.path.abspath(path)), name, fmt)
