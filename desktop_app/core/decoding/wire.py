"""The byte format of worker -> app messages, parsed strictly on the app side.

A decoder that was exploited by a hostile file controls its process, so the app must not
unpickle what a worker sends (unpickling runs code). Messages are a tag byte and JSON, previews
add raw RGB bytes; every field is type- and range-checked, and anything malformed is treated
as a crashed worker.
"""

import json
import re
from typing import Any

from desktop_app.core.domain.media import (
    MediaAnalysis,
    MediaKind,
    PdqHash,
    Preview,
    PreviewSet,
    RenderProblem,
    VideoFrameHash,
)

MAX_MESSAGE_BYTES = 80 * 1024 * 1024
READY, STAGE, ANALYSIS, PREVIEWS, FAILURE = b"R", b"S", b"A", b"P", b"F"
_HEX = re.compile(r"[0-9a-f]{64}")
_MAX_TEXT = 4096
_MAX_ITEMS = 1_000_000


class WireError(Exception):
    """A worker sent something that is not a well-formed message."""


def encode_analysis(analysis: MediaAnalysis) -> bytes:
    """Serialise an analysis (worker side)."""
    body = {
        "kind": analysis.kind.value,
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
        "problem": analysis.problem.value if analysis.problem else None,
        "problem_detail": analysis.problem_detail,
    }
    return ANALYSIS + json.dumps(body, allow_nan=False).encode()


def encode_previews(previews: PreviewSet) -> bytes:
    """Serialise previews: JSON header line, then the frames' RGB bytes back to back."""
    header = {
        "frames": [[p.width, p.height, p.label] for p in previews.frames],
        "problem": previews.problem.value if previews.problem else None,
        "problem_detail": previews.problem_detail,
    }
    return PREVIEWS + json.dumps(header).encode() + b"\n" + b"".join(p.rgb for p in previews.frames)


def encode_failure(code: str, detail: str) -> bytes:
    """A job that must fail in the app with a typed error (``code`` names it)."""
    return FAILURE + json.dumps({"code": code, "detail": detail}).encode()


def encode_stage(kind: MediaKind) -> bytes:
    """The worker has recognised what it is decoding (the app then applies the matching time limit)."""
    return STAGE + kind.value.encode()


# --- app side --------------------------------------------------------------------------------------


def _int(value: Any, low: int = 0, high: int = 2**53) -> int:
    if type(value) is not int or not low <= value <= high:
        raise WireError("bad integer")
    return value


def _opt_int(value: Any, low: int = 0, high: int = 2**53) -> int | None:
    return None if value is None else _int(value, low, high)


def _float(value: Any) -> float:
    if type(value) not in (int, float) or not 0 <= value < 1e12:
        raise WireError("bad number")
    return float(value)


def _text(value: Any, limit: int = _MAX_TEXT) -> str:
    if type(value) is not str or len(value) > limit:
        raise WireError("bad text")
    return value


def _hex(value: Any) -> str:
    if type(value) is not str or not _HEX.fullmatch(value):
        raise WireError("bad hash")
    return value


def _list(value: Any, limit: int = _MAX_ITEMS) -> list[Any]:
    if type(value) is not list or len(value) > limit:
        raise WireError("bad list")
    return value


def _problem(value: Any) -> RenderProblem | None:
    try:
        return None if value is None else RenderProblem(_text(value, 64))
    except ValueError:
        raise WireError("bad problem") from None


def decode_analysis(payload: bytes) -> MediaAnalysis:
    """Parse and check an analysis message body (after the tag byte)."""
    try:
        body = json.loads(payload)
        if type(body) is not dict:
            raise WireError("bad analysis")
        pdq = body["pdq"]
        frames = [_list(f, 4) for f in _list(body["vpdq"])]
        return MediaAnalysis(
            kind=MediaKind(_text(body["kind"], 16)),
            format=None if body["format"] is None else _text(body["format"], 128),
            width=_opt_int(body["width"]),
            height=_opt_int(body["height"]),
            duration_s=None if body["duration_s"] is None else _float(body["duration_s"]),
            frame_count=_opt_int(body["frame_count"]),
            pdq=None if pdq is None else PdqHash(_hex(_list(pdq, 2)[0]), _int(pdq[1], 0, 100)),
            dihedral=tuple(_hex(h) for h in _list(body["dihedral"], 8)),
            vpdq=tuple(VideoFrameHash(_int(f[0]), _int(f[1], 0, 100), _hex(f[2]), _float(f[3])) for f in frames),
            exif=tuple((_text(k, 256), _text(v)) for k, v in (_list(p, 2) for p in _list(body["exif"], 1000))),
            exif_orientation=_opt_int(body["exif_orientation"], 1, 8),
            problem=_problem(body["problem"]),
            problem_detail=_text(body["problem_detail"]),
        )
    except (KeyError, IndexError, TypeError, ValueError, RecursionError) as exc:
        raise WireError(f"malformed analysis ({type(exc).__name__})") from None


def decode_previews(payload: bytes) -> PreviewSet:
    """Parse and check a previews message body (after the tag byte)."""
    try:
        header_bytes, _, pixels = payload.partition(b"\n")
        header = json.loads(header_bytes)
        if type(header) is not dict:
            raise WireError("bad previews")
        frames, offset = [], 0
        for entry in _list(header["frames"], 1024):
            width, height, label = _int(_list(entry, 3)[0], 1, 65535), _int(entry[1], 1, 65535), _text(entry[2], 64)
            size = width * height * 3
            if offset + size > len(pixels):
                raise WireError("previews are short of pixels")
            frames.append(Preview(width, height, pixels[offset : offset + size], label))
            offset += size
        if offset != len(pixels):
            raise WireError("previews have extra bytes")
        return PreviewSet(tuple(frames), _problem(header["problem"]), _text(header["problem_detail"]))
    except (KeyError, IndexError, TypeError, ValueError, RecursionError) as exc:
        raise WireError(f"malformed previews ({type(exc).__name__})") from None


def decode_failure(payload: bytes) -> tuple[str, str]:
    """``(code, detail)`` of a failure message."""
    try:
        body = json.loads(payload)
        return _text(body["code"], 64), _text(body["detail"])
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        raise WireError(f"malformed failure ({type(exc).__name__})") from None
