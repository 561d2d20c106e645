"""Recognise a file's format from its first bytes, before any decoder sees it.

Decoders only ever get bytes whose signature names an allow-listed format, and then only the
decoder for that format (``Image.open(formats=[...])``, ``av.open(format=...)``): nothing is
probed, so FFmpeg's playlist and concat demuxers, or Pillow's rarer plugins, are never reached.
Names are the file's own business: a PNG called ``.jpg`` is a PNG.
"""

from dataclasses import dataclass

from desktop_app.core.domain.media import MediaKind

HEAD_BYTES = 1024  # enough for the MPEG-TS sync bytes of four 188-byte packets


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the signature says: the family, the decoder's name, and whether we decode it."""

    kind: MediaKind
    name: str  # Pillow format ("JPEG") or FFmpeg demuxer ("mov"), or a description when unsupported
    supported: bool = True
    label: str = ""  # what the reviewer sees as the format, when it differs from ``name``

    @property
    def display(self) -> str:
        """The format as shown to the reviewer."""
        return self.label or self.name


# ISO base media "ftyp" brands that are still pictures (HEIF/AVIF), not movies.
_PICTURE_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis")
_ISO_LABELS = {b"qt ": "QuickTime", b"3gp": "3GPP", b"3g2": "3GPP2", b"M4V": "MP4", b"mp4": "MP4", b"iso": "MP4"}
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")


def sniff(head: bytes) -> Sniffed | None:
    """Identify ``head`` (the first ``HEAD_BYTES`` of a file); None if it is no picture or video."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(MediaKind.IMAGE, "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(MediaKind.IMAGE, "PNG")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(MediaKind.IMAGE, "GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(MediaKind.IMAGE, "WEBP")
    if (
        head[:2] == b"BM"
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)
    ):
        return Sniffed(MediaKind.IMAGE, "BMP")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed(MediaKind.IMAGE, "TIFF")
    if head[4:8] == b"ftyp":
        if head[8:12] in _PICTURE_BRANDS:
            return Sniffed(MediaKind.IMAGE, "HEIF/AVIF picture", supported=False)
        return Sniffed(MediaKind.VIDEO, "mov", label=_ISO_LABELS.get(head[8:11], "MP4"))
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return Sniffed(MediaKind.VIDEO, "mov", label="QuickTime")  # QuickTime files without an ftyp box
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed(MediaKind.VIDEO, "matroska", label="WebM" if b"webm" in head[:64] else "Matroska")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed(MediaKind.VIDEO, "avi", label="AVI")
    if head.startswith(b"FLV\x01"):
        return Sniffed(MediaKind.VIDEO, "flv", label="Flash video")
    if head.startswith(_ASF_GUID):
        return Sniffed(MediaKind.VIDEO, "asf", label="Windows Media")
    if head.startswith(b"\x00\x00\x01\xba"):
        return Sniffed(MediaKind.VIDEO, "mpeg", label="MPEG program stream")
    if _looks_like_transport_stream(head):
        return Sniffed(MediaKind.VIDEO, "mpegts", label="MPEG transport stream")
    return _unsupported(head)


def _looks_like_transport_stream(head: bytes) -> bool:
    # One 0x47 is only the letter "G"; a transport stream repeats it every 188 bytes.
    return len(head) >= 3 * 188 + 1 and all(head[i] == 0x47 for i in range(0, len(head), 188))


def _unsupported(head: bytes) -> Sniffed | None:
    """Pictures and videos we recognise but deliberately do not decode."""
    signatures = (
        (b"\x00\x00\x00\x0cjP  \r\n\x87\n", MediaKind.IMAGE, "JPEG 2000 picture"),
        (b"\xff\x4f\xff\x51", MediaKind.IMAGE, "JPEG 2000 codestream"),
        (b"8BPS", MediaKind.IMAGE, "Photoshop document"),
        (b"\x00\x00\x01\x00", MediaKind.IMAGE, "Windows icon"),
        (b"II\xbc", MediaKind.IMAGE, "JPEG XR picture"),
        (b"\xff\x0a", MediaKind.IMAGE, "JPEG XL picture"),
        (b"\x00\x00\x00\x0cJXL \r\n\x87\n", MediaKind.IMAGE, "JPEG XL picture"),
        (b"SIMPLE  =", MediaKind.IMAGE, "FITS image"),
        (b"OggS", MediaKind.VIDEO, "Ogg media"),
        (b".RMF", MediaKind.VIDEO, "RealMedia video"),
    )
    for prefix, kind, name in signatures:
        if head.startswith(prefix):
            return Sniffed(kind, name, supported=False)
    return None
