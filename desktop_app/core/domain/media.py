"""What decoding a piece of evidence tells us: perceptual hashes, dimensions, metadata, previews.

Pure types. Decoding itself happens in a sandboxed worker process (``core.decoding``); these are
what crosses back to the app, so they are small, frozen and picklable.
"""

from dataclasses import dataclass, field
from enum import StrEnum

# Upstream guidance (ThreatExchange pdq/README.md, python-threatexchange): a match is a Hamming
# distance <= 31; hashes with quality < 50 are too featureless to match on.
PDQ_MATCH_DISTANCE = 31
PDQ_MIN_QUALITY = 50


class MediaKind(StrEnum):
    """What the bytes turned out to be when decoded (not what the file name claims)."""

    IMAGE = "image"
    VIDEO = "video"
    OTHER = "other"  # preserved and hashed, but not a picture or a video we decode


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A 256-bit PDQ hash as 64 lowercase hex digits (most significant bit first) and its quality."""

    hex: str
    quality: int

    def distance(self, other: "PdqHash | str") -> int:
        """Hamming distance to another hash."""
        other_hex = other.hex if isinstance(other, PdqHash) else other
        return (int(self.hex, 16) ^ int(other_hex, 16)).bit_count()


@dataclass(frozen=True, slots=True)
class VideoFrameHash:
    """One vPDQ feature: the PDQ of the first frame at or after each sampled second."""

    frame_number: int
    quality: int
    hex: str
    timestamp: float

    def to_line(self) -> str:
        """The vPDQ line format: ``frame_number,quality,pdq_hex,timestamp_seconds``."""
        return f"{self.frame_number},{self.quality},{self.hex},{self.timestamp:.3f}"

    @classmethod
    def from_line(cls, line: str) -> "VideoFrameHash":
        """Parse a vPDQ line (as written by ``to_line`` or the reference ``vpdq`` tools)."""
        frame, quality, hex_, timestamp = line.strip().split(",")
        return cls(int(frame), int(quality), hex_.lower(), float(timestamp))


class RenderProblem(StrEnum):
    """Why evidence could not be rendered. The bytes are preserved and hashed regardless."""

    UNSUPPORTED_FORMAT = "unsupported-format"  # not in the allow-list, or not a picture/video at all
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too-many-pixels"  # decompression-bomb guard
    TOO_MUCH_MEMORY = "too-much-memory"  # the worker hit its memory limit
    TIMED_OUT = "timed-out"  # the worker hit its time limit
    DECODER_CRASHED = "decoder-crashed"
    UNREADABLE = "unreadable"  # a plaintext file named on the command line could not be opened


@dataclass(frozen=True, slots=True)
class MediaAnalysis:
    """Everything the app keeps from decoding one blob.

    ``dihedral`` holds the 8 PDQ hashes of the image's rotations and flips (the first is ``pdq``'s),
    kept so a rotated or mirrored copy still matches a hash list. ``exif`` is readable text only,
    shown when the reviewer asks for it.
    """

    kind: MediaKind
    format: str | None = None  # the decoder's name for it: "JPEG", "PNG", "mov,mp4,m4a,3gp,3g2,mj2", ...
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    frame_count: int | None = None
    pdq: PdqHash | None = None
    dihedral: tuple[str, ...] = ()
    vpdq: tuple[VideoFrameHash, ...] = ()
    exif: tuple[tuple[str, str], ...] = ()
    exif_orientation: int | None = None
    problem: RenderProblem | None = None
    problem_detail: str = ""

    @property
    def renderable(self) -> bool:
        """Whether a preview can be shown."""
        return self.problem is None and self.kind in (MediaKind.IMAGE, MediaKind.VIDEO)


@dataclass(frozen=True, slots=True)
class Preview:
    """A small decoded picture, in memory only: 8-bit RGB rows, ``width * height * 3`` bytes.

    Previews are made in the sandbox at a bounded size and never written to disk; the UI applies
    blur and greyscale before anything is shown.
    """

    width: int
    height: int
    rgb: bytes
    label: str = ""  # e.g. the timestamp of a video keyframe

    def __post_init__(self) -> None:
        if len(self.rgb) != self.width * self.height * 3:
            raise ValueError("preview size does not match its pixel data")


@dataclass(frozen=True, slots=True)
class PreviewSet:
    """What the viewer shows for one item: one picture, or a grid of video keyframes."""

    frames: tuple[Preview, ...] = field(default_factory=tuple)
    problem: RenderProblem | None = None
    problem_detail: str = ""
