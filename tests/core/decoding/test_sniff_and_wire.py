"""Format recognition before decoding, and the strict parsing of what workers send back."""

import json

import pytest

from desktop_app.core.decoding import wire
from desktop_app.core.decoding.jobs import ProbeJob
from desktop_app.core.decoding.pool import DecodeLimits, DecoderPool
from desktop_app.core.decoding.sniff import HEAD_BYTES, sniff
from desktop_app.core.domain.media import (
    MediaAnalysis,
    MediaKind,
    PdqHash,
    Preview,
    PreviewSet,
    RenderProblem,
    VideoFrameHash,
)
from tests import synthetic_media as sm
from tests.core.decoding.conftest import put


@pytest.mark.parametrize(
    ("data", "kind", "name", "label"),
    [
        (sm.photo(16, 16), MediaKind.IMAGE, "JPEG", "JPEG"),
        (sm.photo(16, 16, fmt="PNG"), MediaKind.IMAGE, "PNG", "PNG"),
        (sm.photo(16, 16, fmt="GIF"), MediaKind.IMAGE, "GIF", "GIF"),
        (sm.photo(16, 16, fmt="WEBP"), MediaKind.IMAGE, "WEBP", "WEBP"),
        (sm.photo(16, 16, fmt="BMP"), MediaKind.IMAGE, "BMP", "BMP"),
        (sm.photo(16, 16, fmt="TIFF"), MediaKind.IMAGE, "TIFF", "TIFF"),
        (sm.mp4(0.5), MediaKind.VIDEO, "mov", "MP4"),
        (b"\x00\x00\x00\x14ftypqt  " + bytes(40), MediaKind.VIDEO, "mov", "QuickTime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm" + bytes(40), MediaKind.VIDEO, "matroska", "WebM"),
        (b"RIFF\x00\x00\x00\x00AVI LIST" + bytes(40), MediaKind.VIDEO, "avi", "AVI"),
        ((b"\x47\x40\x00\x10" + bytes(184)) * 5, MediaKind.VIDEO, "mpegts", "MPEG transport stream"),
    ],
)
def test_signatures(data, kind, name, label):
    found = sniff(data[:HEAD_BYTES])
    assert found is not None and (found.kind, found.name, found.display, found.supported) == (kind, name, label, True)


@pytest.mark.parametrize(
    "data",
    [b"", b"G", b"GIF8", b"Good morning\n" * 100, b"PK\x03\x04" + bytes(60), b"%PDF-1.7\n", bytes(HEAD_BYTES)],
)
def test_not_media(data):
    assert sniff(data[:HEAD_BYTES]) is None


@pytest.mark.parametrize(
    "data",
    [b"\x00\x00\x00\x18ftypheic" + bytes(8), b"\x00\x00\x00\x1cftypavif", b"8BPS\x00\x01", b"OggS\x00\x02"],
)
def test_recognised_but_not_decoded(data):
    found = sniff(data)
    assert found is not None and not found.supported


def _analysis() -> MediaAnalysis:
    return MediaAnalysis(
        kind=MediaKind.VIDEO,
        format="MP4",
        width=640,
        height=360,
        duration_s=12.5,
        frame_count=300,
        pdq=PdqHash("ab" * 32, 87),
        dihedral=("ab" * 32, "cd" * 32),
        vpdq=(VideoFrameHash(0, 100, "ef" * 32, 0.0), VideoFrameHash(25, 49, "01" * 32, 1.0)),
        exif=(("Make", "synthetic"), ("GPS GPSLatitude", "1, 2, 3")),
        exif_orientation=6,
        problem=None,
        problem_detail="",
    )


def test_round_trips():
    analysis = _analysis()
    message = wire.encode_analysis(analysis)
    assert message[:1] == wire.ANALYSIS and wire.decode_analysis(message[1:]) == analysis
    problem = MediaAnalysis(MediaKind.IMAGE, format="PNG", problem=RenderProblem.TRUNCATED, problem_detail="cut")
    assert wire.decode_analysis(wire.encode_analysis(problem)[1:]) == problem
    previews = PreviewSet((Preview(2, 1, bytes(6), "0:01.0"), Preview(1, 3, bytes(range(9)))))
    assert wire.decode_previews(wire.encode_previews(previews)[1:]) == previews
    empty = PreviewSet(problem=RenderProblem.TIMED_OUT, problem_detail="slow")
    assert wire.decode_previews(wire.encode_previews(empty)[1:]) == empty
    assert wire.decode_failure(wire.encode_failure("blob-integrity", "x")[1:]) == ("blob-integrity", "x")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "executable"),
        ("pdq", ["AB" * 32, 87]),  # upper case is not what a worker sends
        ("pdq", ["ab" * 32, 101]),
        ("width", -1),
        ("width", 1.5),
        ("width", True),
        ("duration_s", float("inf")),
        ("dihedral", ["ab" * 32] * 9),
        ("vpdq", [[0, 100, "ab" * 32]]),
        ("exif", [["k", "v" * 5000]]),
        ("exif_orientation", 9),
        ("problem", "on-fire"),
        ("problem_detail", None),
    ],
)
def test_malformed_analysis_is_rejected(field, value):
    body = json.loads(wire.encode_analysis(_analysis())[1:])
    body[field] = value
    with pytest.raises(wire.WireError):
        wire.decode_analysis(json.dumps(body).encode())


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        b"{}",
        b"[" * 100_000,
        json.dumps({"frames": [[2, 2, ""]], "problem": None, "problem_detail": ""}).encode() + b"\n" + bytes(11),
        json.dumps({"frames": [[2, 2, ""]], "problem": None, "problem_detail": ""}).encode() + b"\n" + bytes(13),
        json.dumps({"frames": [[0, 2, ""]], "problem": None, "problem_detail": ""}).encode() + b"\n",
    ],
)
def test_malformed_previews_are_rejected(payload):
    with pytest.raises(wire.WireError):
        wire.decode_previews(payload)


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: (malformed reply|process \d+ died)")
def test_a_worker_that_talks_nonsense_is_treated_as_crashed(tmp_path):
    with DecoderPool(workers=1, limits=DecodeLimits(enable_probes=True)) as pool:
        result = pool._submit(ProbeJob("garbage")).result()
        assert result.problem is RenderProblem.DECODER_CRASHED
        assert pool.analyse(put(tmp_path, "ok.png", sm.photo(40, 30, fmt="PNG"))).pdq is not None
