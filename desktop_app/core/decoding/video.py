"""Videos inside the sandbox: vPDQ analysis and the viewer's keyframe grid.

Runs only in a decoder worker. The container is opened with the one demuxer its signature named
(no probing) and nested opens are refused, so a file cannot make FFmpeg read another file or a
URL. The codec must be on the allow-list and a frame within the pixel cap before anything is
decoded. One decoding thread per worker: the pool already runs a worker per core, and frame
threading would multiply the frames held in memory.
"""

from fractions import Fraction
from typing import TYPE_CHECKING, BinaryIO

import av
import av.error
import numpy as np
from PIL import Image

from desktop_app.core.decoding.jobs import VIDEO_CODECS, DecodeLimits
from desktop_app.core.decoding.problems import describe
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, Preview, PreviewSet, RenderProblem
from desktop_app.core.hashing.vpdq import frame_time, hash_video

if TYPE_CHECKING:
    import av.container
    import av.video.frame
    import av.video.stream

_FRAMES_PER_KEYFRAME_SEARCH = 600  # decode at most this far past a seek point for one keyframe
_STRAIGHT_THROUGH_SECONDS = 120.0  # previews of shorter videos decode every frame once instead of seeking


def _refuse_nested_open(url: str, flags: int, options: dict[str, str]) -> object:
    raise PermissionError("a media file may not open other files or URLs")


def open_container(fp: BinaryIO, demuxer: str) -> "av.container.InputContainer":
    """Open ``fp`` with exactly one demuxer and no nested I/O."""
    return av.open(
        fp,
        mode="r",
        format=demuxer,
        io_open=_refuse_nested_open,
        options={"protocol_whitelist": "none"},
        buffer_size=64 * 1024,
    )


class VideoRefused(Exception):
    """The video is refused before decoding; carries the problem and its detail."""

    def __init__(self, kind: MediaKind, problem: RenderProblem, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.problem, self.detail = kind, problem, detail


def _video_stream(container: "av.container.InputContainer", limits: DecodeLimits) -> "av.video.stream.VideoStream":
    if not container.streams.video:
        raise VideoRefused(
            MediaKind.OTHER, RenderProblem.UNSUPPORTED_FORMAT, "This file holds no video (audio only, or empty)."
        )
    stream = container.streams.video[0]
    codec = stream.codec_context.name
    if codec not in VIDEO_CODECS:
        raise VideoRefused(MediaKind.VIDEO, RenderProblem.UNSUPPORTED_FORMAT, describe(
            RenderProblem.UNSUPPORTED_FORMAT, MediaKind.VIDEO, f"video codec {codec}"))  # fmt: skip
    width, height = stream.codec_context.width, stream.codec_context.height
    if width * height > limits.max_pixels:
        raise VideoRefused(MediaKind.VIDEO, RenderProblem.TOO_MANY_PIXELS, describe(
            RenderProblem.TOO_MANY_PIXELS, MediaKind.VIDEO, f"{width} x {height} frames"))  # fmt: skip
    stream.thread_count = 1
    return stream


def _no_frames() -> VideoRefused:
    hint = "no frame could be decoded"
    return VideoRefused(MediaKind.VIDEO, RenderProblem.CORRUPT, describe(RenderProblem.CORRUPT, MediaKind.VIDEO, hint))


def _duration(container: "av.container.InputContainer", stream: "av.video.stream.VideoStream") -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def analyse_video(fp: BinaryIO, demuxer: str, limits: DecodeLimits) -> MediaAnalysis:
    """VPDQ at one hash per second, duration, frame count, size."""
    with open_container(fp, demuxer) as container:
        stream = _video_stream(container, limits)
        hashes = hash_video(
            container, seconds_per_hash=1.0, max_seconds=limits.max_video_seconds, max_frames=limits.max_video_frames
        )
        if not hashes.features:
            raise _no_frames()
        return MediaAnalysis(
            kind=MediaKind.VIDEO,
            format=container.format.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            duration_s=_duration(container, stream),
            frame_count=hashes.frames_decoded if hashes.complete else stream.frames or None,
            vpdq=hashes.features,
        )


def iso_media_truncated(fp: BinaryIO) -> bool:
    """Whether an MP4/MOV file's top-level boxes run past its end: it was cut short.

    FFmpeg reports a cut-off MP4 as invalid data ("moov atom not found") when the index was at
    the end; walking the box sizes tells the reviewer the more useful truth.
    """
    size = fp.seek(0, 2)
    position = 0
    for _ in range(100_000):  # a real file has a handful of top-level boxes
        if position == size:
            return False
        if position + 8 > size:
            return True
        fp.seek(position)
        header = fp.read(16)
        box = int.from_bytes(header[:4], "big")
        if box == 1:  # 64-bit size follows the type
            if len(header) < 16:
                return True
            box = int.from_bytes(header[8:16], "big")
        elif box == 0:  # the box runs to the end of the file
            return False
        if box < 8:
            return False  # nonsense, not truncation
        position += box
        if position > size:
            return True
    return False


def _label(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60.0)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{rest:04.1f}" if hours else f"{minutes}:{rest:04.1f}"


def _to_preview(frame: "av.video.frame.VideoFrame", when: Fraction, max_side: int, sar: Fraction) -> Preview:
    display_width = frame.width * sar if sar > 0 else Fraction(frame.width)
    scale = min(Fraction(1), Fraction(max_side) / max(display_width, Fraction(frame.height)))
    width, height = max(1, round(display_width * scale)), max(1, round(frame.height * scale))
    rgb = np.asarray(frame.reformat(width=width, height=height, format="rgb24").to_ndarray(), dtype=np.uint8)
    picture = Image.fromarray(rgb)
    rotation = frame.rotation  # counterclockwise degrees from the display matrix (phone videos)
    if rotation % 360:
        picture = picture.rotate(rotation, expand=True)
    return Preview(picture.width, picture.height, picture.tobytes(), label=_label(float(when)))


def _frame_at(
    container: "av.container.InputContainer", stream: "av.video.stream.VideoStream", target: Fraction
) -> tuple["av.video.frame.VideoFrame", Fraction] | None:
    """The first frame at or after ``target`` seconds, seeking to the keyframe before it."""
    assert stream.time_base is not None
    container.seek(int(target / Fraction(stream.time_base)) + (stream.start_time or 0), stream=stream)
    chosen = None
    for index, frame in enumerate(container.decode(stream)):
        when = frame_time(frame, stream, index)
        chosen = (frame, when)
        if when >= target or index >= _FRAMES_PER_KEYFRAME_SEARCH:
            break
    return chosen


def _seeking(
    container: "av.container.InputContainer", stream: "av.video.stream.VideoStream", targets: list[Fraction],
    shape: tuple[int, Fraction],
) -> list[Preview] | None:  # fmt: skip
    """Seek to the keyframe before each target; None when the container cannot seek precisely."""
    tolerance = (targets[1] - targets[0]) / 2 if len(targets) > 1 else Fraction(1)
    previews = []
    for target in targets:
        try:
            found = _frame_at(container, stream, target)
        except av.error.FFmpegError:
            return None
        if found is None or found[1] > target + tolerance:
            return None  # the demuxer landed past the target (byte-based seeking): decode straight through
        previews.append(_to_preview(found[0], found[1], *shape))
    return previews


def _straight_through(
    container: "av.container.InputContainer", stream: "av.video.stream.VideoStream", targets: list[Fraction],
    shape: tuple[int, Fraction],
) -> list[Preview]:  # fmt: skip
    """One decoding pass: the first frame at or after each target, shrunk at once (frames are not kept)."""
    previews: list[Preview] = []
    pending = list(targets)
    last = None
    for index, frame in enumerate(container.decode(stream)):
        when = frame_time(frame, stream, index)
        last = (frame, when)
        while pending and when >= pending[0]:
            previews.append(_to_preview(frame, when, *shape))
            pending.pop(0)
        if not pending:
            return previews
    if last is not None:  # the container overstated the duration: end on the last frame
        previews.append(_to_preview(last[0], last[1], *shape))
    return previews


def preview_video(fp: BinaryIO, demuxer: str, limits: DecodeLimits, max_side: int, count: int) -> PreviewSet:
    """``count`` frames spread evenly over the video, each no larger than ``max_side``.

    Short videos are decoded straight through (exact, and cheap); longer ones seek to the
    keyframe before each moment, falling back to a straight pass where seeking is imprecise.
    """
    with open_container(fp, demuxer) as container:
        stream = _video_stream(container, limits)
        shape = (max_side, Fraction(stream.codec_context.sample_aspect_ratio or 0))
        duration = Fraction(_duration(container, stream) or 0)
        if duration <= 0 or count == 1:
            targets = [Fraction(0)]
        else:
            targets = [duration * (2 * i + 1) / (2 * count) for i in range(count)]
        previews = _seeking(container, stream, targets, shape) if duration > _STRAIGHT_THROUGH_SECONDS else None
    if previews is None:
        fp.seek(0)
        with open_container(fp, demuxer) as container:
            previews = _straight_through(container, _video_stream(container, limits), targets, shape)
    if not previews:
        raise _no_frames()
    return PreviewSet(frames=tuple(previews))
