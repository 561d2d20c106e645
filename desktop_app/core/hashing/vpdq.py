"""vPDQ video hashes: the PDQ of sampled frames, decoded with PyAV (its bundled FFmpeg).

vPDQ (ThreatExchange ``vpdq``) is a list of per-frame PDQ features, ``frame_number, quality,
hex, timestamp``. With ``seconds_per_hash=1`` (vpdq's default, what hash lists hold) a frame is
hashed when it is the first at or after each whole second; with ``seconds_per_hash=0`` every
frame is. Frames are converted to rgb24 by FFmpeg's swscale and hashed by pdqhash, which is what
vpdq does: our comparison (hashes.md §3) found this identical to vpdq for 4,900 of 4,901 frames,
so the app does not need the vpdq package (no wheels, no Windows).

Frames are numbered in presentation order from 0, as vpdq does, and timestamps are the frame's
presentation time from the stream start. Only the sampled frames are converted and hashed; every
frame is still decoded, because the frame at a whole second may not be a keyframe.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.core.domain.media import VideoFrameHash
from desktop_app.core.hashing.pdq import hash_pixels

if TYPE_CHECKING:
    import av.container
    import av.video.frame
    import av.video.stream


@dataclass(frozen=True, slots=True)
class VideoHashes:
    """The features of one video and how much of it they cover."""

    features: tuple[VideoFrameHash, ...]
    frames_decoded: int
    seconds_decoded: float
    complete: bool  # False when a cap stopped decoding before the end


def frame_time(frame: "av.video.frame.VideoFrame", stream: "av.video.stream.VideoStream", index: int) -> Fraction:
    """Presentation time of a frame from the stream's start, exact (a fraction of seconds)."""
    if frame.pts is not None and stream.time_base is not None:
        start = stream.start_time or 0
        return max(Fraction(0), Fraction(frame.pts - start) * Fraction(stream.time_base))
    rate = stream.average_rate or stream.guessed_rate
    # No timestamps (rare, raw streams): fall back to the nominal frame rate, as vpdq does.
    return Fraction(index) / Fraction(rate) if rate else Fraction(index)


def iter_frames(
    container: "av.container.InputContainer", stream: "av.video.stream.VideoStream"
) -> Iterator[tuple[int, Fraction, "av.video.frame.VideoFrame"]]:
    """Decoded frames in presentation order with their number and time."""
    for index, frame in enumerate(container.decode(stream)):
        yield index, frame_time(frame, stream, index), frame


def hash_video(
    container: "av.container.InputContainer",
    *,
    seconds_per_hash: float = 1.0,
    max_seconds: float | None = None,
    max_frames: int | None = None,
) -> VideoHashes:
    """VPDQ features of the first video stream; stops early at ``max_seconds`` or ``max_frames``.

    Raises:
        ValueError: the container has no video stream.
        av.error.FFmpegError: the stream cannot be decoded (the caller classifies it).
    """
    if not container.streams.video:
        raise ValueError("no video stream")
    stream = container.streams.video[0]
    step = Fraction(seconds_per_hash).limit_denominator(1000) if seconds_per_hash > 0 else Fraction(0)
    next_sample = Fraction(0)
    features: list[VideoFrameHash] = []
    decoded, last_time, complete = 0, Fraction(0), True
    for index, when, frame in iter_frames(container, stream):
        if (max_frames is not None and index >= max_frames) or (max_seconds is not None and when > max_seconds):
            complete = False
            break
        decoded, last_time = index + 1, when
        if when < next_sample:
            continue
        result = hash_pixels(np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8), dihedral=False)
        features.append(VideoFrameHash(index, result.pdq.quality, result.pdq.hex, float(when)))
        if step:
            # The next whole multiple of the step after this frame: a gap in the video (variable
            # frame rate) skips the seconds that have no frame rather than hashing one frame twice.
            next_sample = (when // step + 1) * step
    return VideoHashes(tuple(features), decoded, float(last_time), complete)
