"""The sealed JSON of an item row, and the stand-in for a row that cannot be read.

``ItemStore`` (``storage/items.py``) seals these records into the items and item_sources tables;
this module is the record format alone: names and paths as base64 of their exact bytes, times as
ISO 8601, enums by value. ``erasure`` uses it too, to rewrite a record without its names.
"""

import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.domain.items import Digests, IntakeOutcome, Item, ItemKind, ItemSource, ReviewState
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, PdqHash, RenderProblem, VideoFrameHash
from desktop_app.core.storage.fields import FieldDamaged
from desktop_app.core.storage.row_tags import RowTampered

RECORD_FORMAT = 1
# Enum lookups by value through plain dicts: ``Enum(value)`` costs a few microseconds, and listing
# 100,000 items does three of them per item.
OUTCOMES = {str(member): member for member in IntakeOutcome}
KINDS = {str(member): member for member in ItemKind if member is not ItemKind.DAMAGED}
STATES = {str(member): member for member in ReviewState}
# What reading a row that was altered or corrupted raises: an unknown kind or state (KeyError), a
# bad time or JSON (ValueError), a sealed cell that does not open (FieldDamaged), a wrong shape.
DAMAGE = (KeyError, ValueError, TypeError, AttributeError, binascii.Error, FieldDamaged, RowTampered)


def _damage_reason(problem: Exception) -> str:
    if isinstance(problem, FieldDamaged):
        return "an encrypted field does not open"
    if isinstance(problem, RowTampered):
        return "its links or values no longer match what the workspace wrote"
    if isinstance(problem, KeyError) and problem.args:
        return f"a value this version does not know: {str(problem.args[0])[:40]!r}"
    return "a value in it is malformed"


def damaged_item(row: tuple[Any, ...], problem: Exception, viewed: bool) -> Item:
    """A stand-in for an item whose row cannot be read: listed as damaged, holding nothing usable."""
    item_id, _, state, added_at = row[:4]
    try:
        added = datetime.fromisoformat(added_at)
        if added.tzinfo is None:
            added = added.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        added = datetime.fromtimestamp(0, UTC)
    reason = _damage_reason(problem)
    return Item(
        item_id=str(item_id),
        kind=ItemKind.DAMAGED,
        state=STATES.get(state, ReviewState.NEW),
        added_at=added,
        outcome=IntakeOutcome.RECORD_DAMAGED,
        sources=(),
        outcome_detail=(
            f"This item's record cannot be read ({reason}): it is damaged or was altered outside Evidence Desk. "
            "Run 'log verify' and restore the workspace from a backup; the other items are not affected."
        ),
        viewed=viewed,
    )


@dataclass(frozen=True)
class ItemMeta:
    """The sealed part of an item row."""

    outcome: IntakeOutcome
    name: bytes | None = None  # the original name as first seen (sources hold every one)
    size: int | None = None
    digests: Digests | None = None
    detail: str = ""
    link_target: bytes | None = None


def _b64(value: bytes | None) -> str | None:
    return binascii.b2a_base64(value, newline=False).decode("ascii") if value is not None else None


def _unb64(value: str | None) -> bytes | None:
    # binascii directly: the base64 module's argument checks cost more than the decoding here,
    # and listing 100,000 items decodes two or three of these per item.
    return binascii.a2b_base64(value) if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    # Absent values are left out rather than written as null: smaller JSON parses faster, and
    # readers use .get() with the same defaults either way.
    return {key: value for key, value in record.items() if value is not None and value != {}}


def meta_to_json(meta: ItemMeta) -> dict[str, Any]:
    """The JSON sealed in ``items.meta_ct``."""
    digests = meta.digests
    return _compact(
        {
            "v": RECORD_FORMAT,
            "outcome": str(meta.outcome),
            "detail": meta.detail,
            "name": _b64(meta.name),
            "display_name": meta.name.decode("utf-8", "replace") if meta.name is not None else None,
            "size": meta.size,
            "md5": digests.md5 if digests else None,
            "sha1": digests.sha1 if digests else None,
            "sha256": digests.sha256 if digests else None,
            "link_target": _b64(meta.link_target),
        }
    )


def meta_from_json(data: dict[str, Any]) -> ItemMeta:
    """Inverse of ``meta_to_json``."""
    digests = Digests(data["md5"], data["sha1"], data["sha256"]) if data.get("sha256") else None
    return ItemMeta(
        OUTCOMES[data["outcome"]],
        _unb64(data.get("name")),
        data.get("size"),
        digests,
        data.get("detail", ""),
        _unb64(data.get("link_target")),
    )


def source_to_json(source: ItemSource) -> dict[str, Any]:
    """The JSON sealed in ``item_sources.source_ct`` (ids and time added are columns)."""
    return _compact(
        {
            "v": RECORD_FORMAT,
            "path": _b64(source.path),
            "original_name": _b64(source.original_name),
            "content_url": source.content_url,
            "uploader_account_id": source.uploader_account_id,
            "uploader_screen_name": source.uploader_screen_name,
            "upload_ip": source.upload_ip,
            "upload_port": source.upload_port,
            "upload_time": source.upload_time.isoformat() if source.upload_time else None,
            "message_id": source.message_id,
            "manifest": source.manifest,
            "extra": dict(source.extra),
            "file_modified": source.file_modified.isoformat() if source.file_modified else None,
        }
    )


def source_from_json(source_id: str, added_at: datetime, data: dict[str, Any]) -> ItemSource:
    """Inverse of ``source_to_json``."""
    return ItemSource(
        source_id=source_id,
        added_at=added_at,
        path=_unb64(data.get("path")),
        original_name=_unb64(data.get("original_name")),
        content_url=data.get("content_url"),
        uploader_account_id=data.get("uploader_account_id"),
        uploader_screen_name=data.get("uploader_screen_name"),
        upload_ip=data.get("upload_ip"),
        upload_port=data.get("upload_port"),
        upload_time=_time(data.get("upload_time")),
        message_id=data.get("message_id"),
        manifest=data.get("manifest"),
        extra=dict(data.get("extra") or {}),
        file_modified=_time(data.get("file_modified")),
    )


def source_key(source: ItemSource, record: ItemMeta | None = None) -> bytes:
    """What makes two sources the same place: everything but ids and time added.

    For an item without content (``record``), what was found there is part of it too: the same
    path that was a link to A and is now a link to B is a new finding.
    """
    key: dict[str, Any] = {"source": source_to_json(source)}
    if record is not None:
        key["record"] = meta_to_json(record)
    return json.dumps(key, sort_keys=True).encode()


def analysis_to_json(analysis: MediaAnalysis) -> dict[str, Any]:
    """The JSON sealed in ``items.analysis_ct``."""
    return {
        "v": RECORD_FORMAT,
        "kind": str(analysis.kind),
        "format": analysis.format,
        "width": analysis.width,
        "height": analysis.height,
        "duration_s": analysis.duration_s,
        "frame_count": analysis.frame_count,
        "pdq": [analysis.pdq.hex, analysis.pdq.quality] if analysis.pdq else None,
        "dihedral": list(analysis.dihedral),
        "vpdq": [[f.frame_number, f.quality, f.hex, f.timestamp] for f in analysis.vpdq],
        "exif": [list(pair) for pair in analysis.exif],
        "exif_orientation": analysis.exif_orientation,
        "problem": str(analysis.problem) if analysis.problem else None,
        "problem_detail": analysis.problem_detail,
    }


def analysis_from_json(data: dict[str, Any]) -> MediaAnalysis:
    """Inverse of ``analysis_to_json``."""
    pdq = data.get("pdq")
    return MediaAnalysis(
        kind=MediaKind(data["kind"]),
        format=data.get("format"),
        width=data.get("width"),
        height=data.get("height"),
        duration_s=data.get("duration_s"),
        frame_count=data.get("frame_count"),
        pdq=PdqHash(pdq[0], int(pdq[1])) if pdq else None,
        dihedral=tuple(data.get("dihedral") or ()),
        vpdq=tuple(VideoFrameHash(int(f), int(q), h, float(t)) for f, q, h, t in data.get("vpdq") or ()),
        exif=tuple((str(k), str(v)) for k, v in data.get("exif") or ()),
        exif_orientation=data.get("exif_orientation"),
        problem=RenderProblem(data["problem"]) if data.get("problem") else None,
        problem_detail=data.get("problem_detail", ""),
    )
