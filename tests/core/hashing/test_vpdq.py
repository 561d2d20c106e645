"""vPDQ conformance on the ThreatExchange sample videos and hashes, and on generated video."""

import csv
import io

import av
import pytest

from desktop_app.core.domain.media import PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY, VideoFrameHash
from desktop_app.core.hashing.pdq import hamming
from desktop_app.core.hashing.vpdq import hash_video
from tests import synthetic_media as sm
from tests.core.hashing.conftest import require_fixtures

# One SD and one HD video (~6 s together; the 1080x1080 one alone takes 5-8 s). The chair video is
# covered at 1 hash/s below; all 14 run in the slow test after them.
DEFAULT_VIDEOS = ["pattern-sd-grey-bar", "doorknob-hd-no-bar"]


def every_frame(name: str) -> tuple[list[VideoFrameHash], list[VideoFrameHash]]:
    base = require_fixtures() / "threatexchange"
    video = base / "tmk/sample-videos" / f"{name}.mp4"
    if not video.is_file():
        pytest.skip(f"{video.name} is missing from the fixtures snapshot")
    with av.open(str(video)) as container:
        ours = hash_video(container, seconds_per_hash=0)
    expected_lines = (base / "vpdq/sample-hashes" / f"{name}.txt").read_text().splitlines()
    assert ours.complete
    return list(ours.features), [VideoFrameHash.from_line(line) for line in expected_lines if line.strip()]


def assert_upstream_rule(ours: list[VideoFrameHash], expected: list[VideoFrameHash]) -> None:
    """vpdq/python/tests/test_vpdq_hash.py: same frames; where both have quality >= 50, distance < 31."""
    assert len(ours) == len(expected)
    compared = 0
    for mine, theirs in zip(ours, expected, strict=True):
        assert mine.frame_number == theirs.frame_number
        if mine.quality < PDQ_MIN_QUALITY or theirs.quality < PDQ_MIN_QUALITY:
            continue
        compared += 1
        assert hamming(mine.hex, theirs.hex) < 31, f"frame {mine.frame_number}"
    assert 2 * compared >= len(ours)  # the rule was applied to at least half the frames, not skipped


@pytest.mark.parametrize("name", DEFAULT_VIDEOS)
def test_every_frame_matches_the_sample_hashes(name):
    assert_upstream_rule(*every_frame(name))


@pytest.mark.slow  # ~50 s on 2 cores: part of the default run, since it is the whole conformance check
def test_every_frame_of_every_sample_video():
    base = require_fixtures() / "threatexchange/tmk/sample-videos"
    names = sorted(p.stem for p in base.glob("*.mp4"))
    assert len(names) == 14
    for name in names:
        assert_upstream_rule(*every_frame(name))


def test_one_hash_per_second_matches_python_threatexchange():
    base = require_fixtures()
    with av.open(str(base / "threatexchange/tmk/sample-videos/chair-20-sd-bar.mp4")) as container:
        ours = hash_video(container)
    with (base / "expected_vpdq_1fps_chair-20-sd-bar.csv").open(newline="") as handle:
        expected = list(csv.DictReader(handle))
    assert len(ours.features) == len(expected) == 21
    for mine, row in zip(ours.features, expected, strict=True):
        assert mine.timestamp == pytest.approx(float(row["timestamp_s"]))
        assert mine.frame_number == 30 * int(row["feature_index"])  # 30 fps: the first frame of each second
        assert mine.quality >= PDQ_MIN_QUALITY and int(row["quality"]) >= PDQ_MIN_QUALITY
        assert hamming(mine.hex, row["pdq_hex"]) <= PDQ_MATCH_DISTANCE
    assert ours.frames_decoded == 614 and ours.complete


def test_generated_video_gets_one_feature_per_second():
    data = sm.mp4(seconds=3.0, fps=10)
    with av.open(io.BytesIO(data)) as container:
        result = hash_video(container)
    assert [f.frame_number for f in result.features] == [0, 10, 20]
    assert [f.timestamp for f in result.features] == [0.0, 1.0, 2.0]
    assert result.frames_decoded == 30 and result.complete
    with av.open(io.BytesIO(data)) as container:
        every = hash_video(container, seconds_per_hash=0)
    assert len(every.features) == 30
    assert {f.hex for f in result.features} <= {f.hex for f in every.features}
    with av.open(io.BytesIO(data)) as container:
        half_second = hash_video(container, seconds_per_hash=0.5)
    assert [f.frame_number for f in half_second.features] == [0, 5, 10, 15, 20, 25]


def test_caps_stop_decoding_and_say_so():
    data = sm.mp4(seconds=3.0, fps=10)
    with av.open(io.BytesIO(data)) as container:
        by_time = hash_video(container, max_seconds=1.0)
    assert [f.frame_number for f in by_time.features] == [0, 10] and not by_time.complete
    with av.open(io.BytesIO(data)) as container:
        by_frames = hash_video(container, max_frames=15)
    assert by_frames.frames_decoded == 15 and len(by_frames.features) == 2 and not by_frames.complete


def test_line_format_round_trips():
    feature = VideoFrameHash(30, 100, "e4" * 32, 1.0)
    assert feature.to_line() == f"30,100,{'e4' * 32},1.000"
    assert VideoFrameHash.from_line(feature.to_line()) == feature


def test_no_video_stream_is_an_error():
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("aac", rate=8000)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with av.open(io.BytesIO(out.getvalue())) as container, pytest.raises(ValueError):
        hash_video(container)
