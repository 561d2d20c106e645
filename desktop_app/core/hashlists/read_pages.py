"""Page formats from the programmes' APIs: NCMEC Hash Sharing v2 XML, StopNCII, ThreatExchange, TAT JSON.

A page is read whole (the size is capped first). A file may hold one page or, for JSON, a list of
pages, so a saved run of paging can be imported at once. Records are numbered from 1 across the
file; a bad record is reported by that number. Withdrawals are changes like additions: StopNCII's
Withdrawn/Deleted status, ThreatExchange's ``should_delete``, TAT's ``deleted`` and NCMEC's
``deletedImage``/``deletedVideo`` (which name NCMEC's entry id, not a hash).
"""

import json
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from desktop_app.core.domain.hashlists import Algorithm, EntryMeta
from desktop_app.core.hashlists.changes import ChangeBuilder, InvalidValue
from desktop_app.core.hashlists.errors import ListFileRefused
from desktop_app.core.hashlists.guards import ListLimits, check_bad_ratio, check_text
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator

PROGRESS_EVERY = 20_000  # records

STOPNCII_TYPES = {"imagepdq": (Algorithm.PDQ, "image"), "videomd5": (Algorithm.MD5, "video")}
STOPNCII_REMOVED = frozenset({"withdrawn", "deleted"})
THREATEXCHANGE_TYPES = {
    "hash_pdq": (Algorithm.PDQ, "image"),
    "hash_md5": (Algorithm.MD5, ""),
    "hash_video_md5": (Algorithm.MD5, "video"),
    "hash_sha1": (Algorithm.SHA1, ""),
    "hash_sha256": (Algorithm.SHA256, ""),
    "hash_video_sha256": (Algorithm.SHA256, "video"),
}
TAT_ALGORITHMS = {"pdq": Algorithm.PDQ, "md5": Algorithm.MD5, "sha1": Algorithm.SHA1, "sha256": Algorithm.SHA256}
_VIDEO_TYPES = frozenset({"mp4", "mov", "webm", "mkv", "avi", "gif", "m4v", "3gp", "flv", "wmv", "video"})
NCMEC_NS = "{https://hashsharing.ncmec.org/hashsharing/v2}"
NCMEC_FINGERPRINTS = {"md5": Algorithm.MD5, "sha1": Algorithm.SHA1, "pdq": Algorithm.PDQ}


def _load_json(raw: bytes) -> Any:
    check_text(raw[:65536])
    try:
        return json.loads(raw)
    except RecursionError:
        raise ListFileRefused("The JSON is nested too deeply to be a hash-list page; it was refused.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ListFileRefused(f"The file is not valid JSON ({exc}).") from None


def _pages(document: Any, records_key: str, what: str) -> Iterator[list[Any]]:
    pages = document if isinstance(document, list) else [document]
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get(records_key), list):
            raise ListFileRefused(f"This is not a {what} page: it has no '{records_key}' list.")
        yield page[records_key]


def _records(
    raw: bytes, records_key: str, what: str, out: ChangeBuilder, limits: ListLimits, cancel: CancelToken | None,
    handle: Callable[[dict[str, Any]], None],
) -> ProgressGenerator[None]:
    document = _load_json(raw)
    number = 0
    for records in _pages(document, records_key, what):
        for record in records:
            number += 1
            if number % PROGRESS_EVERY == 0:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                yield Progress(number, None, "reading")
            out.rows_read += 1
            if not isinstance(record, dict):
                out.bad(number, "a record is a JSON object")
                continue
            try:
                handle(record)
            except (InvalidValue, KeyError, TypeError, AttributeError) as exc:
                reason = str(exc) if isinstance(exc, InvalidValue) else f"missing or malformed field {exc}"
                out.bad(number, reason)
            check_bad_ratio(out.rows_read, out.bad_row_count, limits, what)
    yield Progress(number, number, "read")


def read_stopncii(
    raw: bytes, out: ChangeBuilder, options: ReadOptions, limits: ListLimits, cancel: CancelToken | None = None
) -> ProgressGenerator[None]:
    """StopNCII ``FetchHashes`` pages: ``hashRecords`` with ``signalType``, ``hashValue``, ``hashStatus``."""

    def handle(record: dict[str, Any]) -> None:
        kind = str(record["signalType"]).lower()
        if kind not in STOPNCII_TYPES:
            out.ignored(str(record["signalType"]))
            return
        algorithm, media_kind = STOPNCII_TYPES[kind]
        value = str(record["hashValue"])
        if str(record.get("hashStatus", "")).lower() in STOPNCII_REMOVED:
            out.delete(algorithm, value)
            return
        cases = record.get("caseNumbers") or {}
        source_id = ",".join(str(v) for v in cases.values()) if isinstance(cases, dict) else ""
        out.add(algorithm, value, EntryMeta(media_kind, source_id))

    return (yield from _records(raw, "hashRecords", "StopNCII", out, limits, cancel, handle))


def read_threatexchange(
    raw: bytes, out: ChangeBuilder, options: ReadOptions, limits: ListLimits, cancel: CancelToken | None = None
) -> ProgressGenerator[None]:
    """ThreatExchange ``threat_updates`` pages: ``data`` with ``indicator``, ``type``, ``should_delete``."""

    def handle(record: dict[str, Any]) -> None:
        kind = str(record["type"]).lower()
        if kind not in THREATEXCHANGE_TYPES:
            out.ignored(str(record["type"]))
            return
        algorithm, media_kind = THREATEXCHANGE_TYPES[kind]
        tags = record.get("tags") or []
        if media_kind == "" and isinstance(tags, list) and "media_type_video" in tags:
            media_kind = "video"
        value = str(record["indicator"])
        if record.get("should_delete") is True:
            out.delete(algorithm, value)
            return
        out.add(algorithm, value, EntryMeta(media_kind, str(record.get("id", "")), "", tuple(str(t) for t in tags)))

    return (yield from _records(raw, "data", "ThreatExchange threat_updates", out, limits, cancel, handle))


def read_tat(
    raw: bytes, out: ChangeBuilder, options: ReadOptions, limits: ListLimits, cancel: CancelToken | None = None
) -> ProgressGenerator[None]:
    """Tech Against Terrorism hash-list pages: ``results`` with ``hash_digest``, ``algorithm``, ``deleted``."""

    def handle(record: dict[str, Any]) -> None:
        name = str(record["algorithm"]).lower()
        if name not in TAT_ALGORITHMS:
            out.ignored(str(record["algorithm"]))
            return
        file_type = str(record.get("file_type") or "").lower()
        media_kind = "video" if file_type in _VIDEO_TYPES else ("image" if file_type else "")
        value = str(record["hash_digest"])
        if record.get("deleted") is True:
            out.delete(TAT_ALGORITHMS[name], value)
            return
        label = str(record.get("ideology") or "")
        out.add(TAT_ALGORITHMS[name], value, EntryMeta(media_kind, str(record.get("id", "")), label))

    return (yield from _records(raw, "results", "Tech Against Terrorism", out, limits, cancel, handle))


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def read_ncmec(
    raw: bytes, out: ChangeBuilder, options: ReadOptions, limits: ListLimits, cancel: CancelToken | None = None
) -> ProgressGenerator[None]:
    """An NCMEC Hash Sharing v2 ``queryResult`` page: images and videos, and their deletions by id."""
    check_text(raw[:65536])
    try:
        # defusedxml refuses DTDs, entity declarations and external references outright, so an
        # entity bomb never expands; forbid_dtd because a hash-list page never has one.
        root = safe_xml.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ListFileRefused(f"The XML declares entities or a DTD ({type(exc).__name__}); it was refused.") from None
    except ParseError as exc:
        raise ListFileRefused(f"The file is not well-formed XML ({exc}).") from None
    if root.tag != NCMEC_NS + "queryResult":
        raise ListFileRefused("This is not an NCMEC Hash Sharing v2 page (no queryResult in its namespace).")
    number = 0
    for group, media_kind in (("images", "image"), ("videos", "video")):
        for container in root.findall(NCMEC_NS + group):
            for record in container:
                name = record.tag.removeprefix(NCMEC_NS)
                if name not in ("image", "video", "deletedImage", "deletedVideo"):
                    continue
                number += 1
                if number % PROGRESS_EVERY == 0:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    yield Progress(number, None, "reading")
                out.rows_read += 1
                source_id = _text(record.find(NCMEC_NS + "id"))
                if not source_id:
                    out.bad(number, f"an <{name}> without an <id>")
                    continue
                if name.startswith("deleted"):
                    out.delete_source_id(source_id)
                    continue
                _ncmec_entry(out, number, record, EntryMeta(
                    media_kind, source_id, _text(record.find(NCMEC_NS + "classification"))
                ))
                check_bad_ratio(out.rows_read, out.bad_row_count, limits, "NCMEC")
    yield Progress(number, number, "read")


def _ncmec_entry(out: ChangeBuilder, number: int, record: Element, meta: EntryMeta) -> None:
    fingerprints = record.find(NCMEC_NS + "fingerprints")
    found = 0
    # An update of an entry replaces it: withdraw what the id carried before, then add anew.
    out.delete_source_id(meta.source_id)
    for element in fingerprints if fingerprints is not None else ():
        name = element.tag.removeprefix(NCMEC_NS).lower()
        if name not in NCMEC_FINGERPRINTS:
            out.ignored(name)  # PhotoDNA, NetClean, large binary fingerprints
            continue
        try:
            out.add(NCMEC_FINGERPRINTS[name], _text(element), meta)
            found += 1
        except InvalidValue as exc:
            out.bad(number, f"<{name}>: {exc}")
    if fingerprints is None:
        out.bad(number, "an entry without <fingerprints>")
