"""What the app asks a decoder worker to do, and within which limits. Plain, picklable data.

Jobs travel parent -> worker only (the parent is trusted; pickle is fine that way). Results come
back in the strict wire format of ``wire.py``, never as pickles.
"""

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.crypto.stream import Cipher, EncryptedFile

# A plaintext file the user named (CLI ``hash``), or a vault blob decrypted in memory.
MediaSource = Path | EncryptedFile

# Containers and codecs handed to FFmpeg. Each entry is a format the app has a reason to see in
# platform exports; everything else is refused before a demuxer or decoder touches the bytes.
VIDEO_DEMUXERS = ("mov", "matroska", "avi", "mpegts", "mpeg", "flv", "asf")
VIDEO_CODECS = frozenset(
    {
        "h264", "hevc", "vp8", "vp9", "av1", "libdav1d", "mpeg4", "msmpeg4v2", "msmpeg4v3", "mpeg1video",
        "mpeg2video", "mjpeg", "h263", "flv", "wmv1", "wmv2", "wmv3", "vc1", "theora",
    }
)  # fmt: skip
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """Limits for one decoding job. The defaults suit a reviewer's laptop.

    Attributes:
        memory_bytes: address space a worker may add on top of its loaded libraries (RLIMIT_AS).
        seconds: wall-clock limit for an image job, enforced by the parent (kill and respawn).
        video_seconds: wall-clock limit once the worker reports that the job is a video.
        max_pixels: largest picture or video frame (width x height) that is decoded at all.
        max_image_frames: frames counted in an animated picture (only the first is hashed).
        max_total_pixels: pixels across the frames of an animated picture before counting stops.
        max_video_seconds: video decoded for vPDQ; the rest is left unhashed (``complete=False``).
        max_video_frames: frames decoded for vPDQ, whatever their rate.
        max_preview_side: upper bound on any preview side a caller may ask for.
        max_keyframes: upper bound on keyframes per video preview.
        enable_probes: allow the test-only ``ProbeJob``; never set outside tests.
    """

    memory_bytes: int = 1536 * 1024 * 1024
    seconds: float = 30.0
    video_seconds: float = 300.0
    max_pixels: int = 80_000_000
    max_image_frames: int = 1000
    max_total_pixels: int = 400_000_000
    max_video_seconds: float = 3 * 3600.0
    max_video_frames: int = 400_000
    max_preview_side: int = 2048
    max_keyframes: int = 64
    enable_probes: bool = False


DEFAULT_LIMITS = DecodeLimits()


@dataclass(frozen=True, slots=True)
class AnalyseJob:
    """Decode once: kind, size, perceptual hashes, metadata."""

    source: MediaSource


@dataclass(frozen=True, slots=True)
class PreviewJob:
    """Small RGB pictures for the viewer: one for an image, a keyframe grid for a video."""

    source: MediaSource
    max_side: int = 256
    keyframes: int = 9


@dataclass(frozen=True, slots=True)
class ProbeJob:
    """Test-only misbehaviour, so the pool's limits can be tested deterministically.

    ``action`` is ``"allocate"`` (``amount`` MiB, touched), ``"sleep"`` (``amount`` seconds),
    ``"crash"`` (``os._exit(amount)``) or ``"garbage"`` (a malformed reply). Workers refuse it
    unless ``DecodeLimits.enable_probes``.
    """

    action: str
    amount: int = 0


Job = AnalyseJob | PreviewJob | ProbeJob


@dataclass(frozen=True, slots=True, repr=False)
class SealedSource:
    """An ``EncryptedFile`` in picklable form (its ``Cipher`` enum pickles by value, a class)."""

    path: Path
    file_key: bytes
    cipher: str

    def open_as(self) -> EncryptedFile:
        """The ``EncryptedFile`` again, in the worker."""
        return EncryptedFile(self.path, self.file_key, Cipher[self.cipher])


def portable(job: Job) -> Job | tuple[str, object, int, int]:
    """What goes down the pipe for ``job``: vault sources travel as ``SealedSource``."""
    if isinstance(job, AnalyseJob | PreviewJob) and isinstance(job.source, EncryptedFile):
        sealed = SealedSource(job.source.path, job.source.file_key, job.source.cipher.name)
        if isinstance(job, PreviewJob):
            return ("previews", sealed, job.max_side, job.keyframes)
        return ("analyse", sealed, 0, 0)
    return job


def restore(message: object) -> Job:
    """The job again, in the worker."""
    if isinstance(message, tuple):
        kind, sealed, max_side, keyframes = message
        assert isinstance(sealed, SealedSource)
        if kind == "previews":
            return PreviewJob(sealed.open_as(), max_side, keyframes)
        return AnalyseJob(sealed.open_as())
    assert isinstance(message, AnalyseJob | PreviewJob | ProbeJob)
    return message
