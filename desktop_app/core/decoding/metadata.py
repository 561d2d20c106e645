"""A picture's embedded metadata as short, readable text pairs, for the reviewer who asks for it.

EXIF (base, Exif and GPS directories) and the text chunks of PNG/GIF/WebP. Everything is
bounded: a hostile file can carry megabytes of metadata, and the pairs travel to the app and are
stored encrypted with the item. Binary values are shown by size only. Reading metadata never
stops a picture from being hashed: a broken EXIF block just yields fewer pairs.
"""

from PIL import ExifTags, Image, TiffImagePlugin

MAX_PAIRS = 200
MAX_VALUE_CHARS = 300
MAX_NAME_CHARS = 80
ORIENTATION_TAG = 0x0112
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_SKIPPED_TAGS = frozenset({_EXIF_IFD, _GPS_IFD, 0xA005})  # pointers to sub-directories


def _clip(text: str, limit: int) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render(value: object) -> str:
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\x00")
        if len(stripped) <= MAX_VALUE_CHARS and stripped.isascii() and stripped.decode("ascii").isprintable():
            return stripped.decode("ascii")
        return f"({len(value)} bytes of binary data)"
    if isinstance(value, TiffImagePlugin.IFDRational):
        return "nan" if value.denominator == 0 else f"{float(value):g}"
    if isinstance(value, tuple | list):
        shown = ", ".join(_render(v) for v in value[:16])
        return shown + (f", … ({len(value)} values)" if len(value) > 16 else "")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _exif_pairs(image: Image.Image) -> tuple[list[tuple[str, str]], int | None]:
    exif = image.getexif()
    orientation = exif.get(ORIENTATION_TAG)
    pairs: list[tuple[str, str]] = []
    directories: list[tuple[str, dict[int, object], dict[int, str]]] = [("", dict(exif), ExifTags.TAGS)]
    for pointer, prefix, names in ((_EXIF_IFD, "", ExifTags.TAGS), (_GPS_IFD, "GPS ", ExifTags.GPSTAGS)):
        if pointer in exif:
            directories.append((prefix, dict(exif.get_ifd(pointer)), names))
    for prefix, tags, names in directories:
        for tag, value in tags.items():
            if tag in _SKIPPED_TAGS or len(pairs) >= MAX_PAIRS:
                continue
            if tag == 0x927C:  # MakerNote: vendor binary, often large
                pairs.append(("MakerNote", _render(bytes(value) if isinstance(value, bytes) else b"")))
                continue
            name = names.get(tag, f"Tag 0x{tag:04x}")
            pairs.append((_clip(prefix + name, MAX_NAME_CHARS), _clip(_render(value), MAX_VALUE_CHARS)))
    valid = orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None
    return pairs, valid


def _text_pairs(image: Image.Image) -> list[tuple[str, str]]:
    pairs = []
    for key, value in image.info.items():
        # Text chunks (PNG tEXt/iTXt/zTXt) arrive as str; GIF and WebP comments as bytes.
        if isinstance(key, str) and (isinstance(value, str) or (key == "comment" and isinstance(value, bytes))):
            label = f"{image.format} {key}" if image.format else key
            pairs.append((_clip(label, MAX_NAME_CHARS), _clip(_render(value), MAX_VALUE_CHARS)))
    return pairs[:MAX_PAIRS]


def read_metadata(image: Image.Image) -> tuple[tuple[tuple[str, str], ...], int | None]:
    """``((name, value), ...)`` and the EXIF orientation (1-8, or None when absent or invalid)."""
    try:
        pairs, orientation = _exif_pairs(image)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a broken EXIF block must not stop hashing
        pairs, orientation = [("EXIF", "(present but unreadable)")], None
    try:
        pairs += _text_pairs(image)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - same for text chunks
        pass
    if image.info.get("icc_profile"):
        pairs.append(("ICC profile", f"({len(image.info['icc_profile'])} bytes)"))
    return tuple(pairs[:MAX_PAIRS]), orientation
