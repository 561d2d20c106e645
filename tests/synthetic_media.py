"""Synthetic test media for every test that needs pictures or videos: generated, never real.

Everything is drawn from a seed (gradients, shapes, noise; no people), so the same call gives the
same bytes. Hostile files are made on the fly: decompression bombs, truncated and bit-flipped
files, headers that lie, polyglots. Functions return bytes; tests write them where they need.
"""

import io
import random
import struct
import zipfile
import zlib

import numpy as np
from PIL import Image, ImageDraw

# Pillow modes and a format that stores each one as it is (PNG where possible).
MODE_FORMATS = {
    "1": "PNG",
    "L": "PNG",
    "LA": "PNG",
    "P": "PNG",
    "PA": "WEBP",  # no format stores PA as such; the upstream fixtures used WebP too
    "RGB": "PNG",
    "RGBA": "PNG",
    "I;16": "PNG",
    "I": "TIFF",
    "F": "TIFF",
    "CMYK": "JPEG",
    "YCbCr": "JPEG",  # stored as a YCbCr JPEG, decoded back to RGB
    "LAB": "TIFF",
    "HSV": "WEBP",  # as the upstream fixtures: stored as WebP, decoded as RGB
}
# EXIF orientation -> the transpose that turns an upright picture into what is stored, so that
# ``ImageOps.exif_transpose`` of the stored picture gives the upright one back.
_STORE_TRANSPOSE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def picture(width: int, height: int, seed: int = 0, grain: int = 12) -> Image.Image:
    """A photo-like RGB picture: smooth gradients, a dozen shapes, coarse noise and ``grain``.

    The grain (uniform noise of that many levels) sets how much a JPEG of it weighs: 12 gives
    ~0.1 MB per megapixel at quality 90, 48 about 0.25 MB, near a phone photo.
    """
    rng = np.random.default_rng(seed)
    x = np.arange(width, dtype=np.float32) / max(width, 1) * np.pi
    y = np.arange(height, dtype=np.float32) / max(height, 1) * np.pi
    channels = []
    for fx, fy, phase in rng.uniform((1.0, 1.0, 0.0), (4.0, 4.0, 6.28), size=(3, 3)):
        # sin(a + b) = sin a cos b + cos a sin b: two outer products instead of 12 M sines.
        sx, cx = np.sin(fx * x + phase), np.cos(fx * x + phase)
        sy, cy = np.sin(fy * y), np.cos(fy * y)
        channels.append(127 + 100 * (np.outer(cy, sx) + np.outer(sy, cx)) / 2)
    base = np.stack(channels, axis=-1)
    coarse = rng.normal(0, 6, size=(max(1, height // 8), max(1, width // 8), 3)).astype(np.float32)
    coarse_img = Image.fromarray(np.clip(coarse + 128, 0, 255).astype(np.uint8)).resize((width, height))
    base += np.asarray(coarse_img, dtype=np.float32) - 128
    base += rng.integers(0, grain, size=(height, width, 3), dtype=np.uint8) - grain / 2  # sensor-like grain
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    shapes = random.Random(seed)
    for _ in range(12):
        x0, y0 = shapes.randrange(width), shapes.randrange(height)
        x1 = min(width, x0 + shapes.randrange(width // 8 + 1, width // 2 + 2))
        y1 = min(height, y0 + shapes.randrange(height // 8 + 1, height // 2 + 2))
        colour = tuple(shapes.randrange(256) for _ in range(3))
        (draw.ellipse if shapes.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    """Save ``image`` in ``fmt`` to bytes."""
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def photo(
    width: int = 640, height: int = 480, seed: int = 0, fmt: str = "JPEG", quality: int = 90, grain: int = 12
) -> bytes:
    """A photo-like picture as JPEG (``quality``), PNG, GIF, WEBP, BMP or TIFF bytes."""
    image = picture(width, height, seed, grain)
    if fmt == "JPEG":
        return encode(image, fmt, quality=quality)
    if fmt == "WEBP":
        return encode(image, fmt, quality=quality)
    if fmt == "GIF":
        return encode(image.convert("P", palette=Image.Palette.ADAPTIVE), fmt)
    return encode(image, fmt)


def in_mode(mode: str, width: int = 320, height: int = 240, seed: int = 0) -> tuple[bytes, str]:
    """The same picture converted to a Pillow ``mode``; returns (bytes, format)."""
    rgb = picture(width, height, seed)
    fmt = MODE_FORMATS[mode]
    if mode == "I;16":
        image = Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.uint16) * 257)
    else:
        image = rgb.convert(mode)
    if fmt == "WEBP" and mode in ("PA", "HSV"):
        image = image.convert("RGBA" if mode == "PA" else "RGB")
    return encode(image, fmt), fmt


def animated_gif(frames: int = 5, width: int = 64, height: int = 48, seed: int = 0) -> bytes:
    """A small animated GIF."""
    images = [picture(width, height, seed + i).convert("P", palette=Image.Palette.ADAPTIVE) for i in range(frames)]
    return encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)


def exif_oriented(orientation: int, width: int = 400, height: int = 300, seed: int = 0) -> bytes:
    """A JPEG whose pixels are stored transposed for ``orientation`` and tagged with it.

    Displayed with the tag applied, every orientation shows the same upright picture.
    """
    upright = picture(width, height, seed)
    transpose = _STORE_TRANSPOSE[orientation]
    stored = upright if transpose is None else upright.transpose(transpose)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0131] = "synthetic-media-generator"  # Software
    return encode(stored, "JPEG", quality=92, exif=exif.tobytes())


def video(
    seconds: float = 2.0,
    fps: int = 10,
    width: int = 160,
    height: int = 120,
    seed: int = 0,
    container: str = "mp4",
    codec: str = "libx264",
) -> bytes:
    """Generated frames (a gradient with shapes sliding past) in any container/codec PyAV can write."""
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as muxer:
        stream = muxer.add_stream(codec, rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "g": str(fps)}  # a keyframe every second
        else:
            stream.codec_context.gop_size = fps
        base = np.asarray(picture(width * 2, height, seed))
        for i in range(round(seconds * fps)):
            shift = (i * 7) % width
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(base[:, shift : shift + width]), format="rgb24")
            for packet in stream.encode(frame):
                muxer.mux(packet)
        for packet in stream.encode():
            muxer.mux(packet)
    return out.getvalue()


def mp4(seconds: float = 2.0, fps: int = 10, width: int = 160, height: int = 120, seed: int = 0) -> bytes:
    """An H.264 MP4 of generated frames, via PyAV."""
    return video(seconds, fps, width, height, seed)


# --- hostile files ----------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 9000, height: int = 9000) -> bytes:
    """A valid greyscale PNG of zero rows: tiny on disk (9000 x 9000 is ~77 KiB), 81 Mpx decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width x height`` but whose data is a few bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def gif_header_claiming(width: int, height: int) -> bytes:
    """A GIF whose screen and frame descriptors claim a size the data does not fill."""
    real = bytearray(photo(32, 24, seed=5, fmt="GIF"))
    real[6:10] = struct.pack("<HH", width, height)
    descriptor = real.find(b"\x2c", 13 + 3 * 256 if real[10] & 0x80 else 13)
    real[descriptor + 5 : descriptor + 9] = struct.pack("<HH", width, height)
    return bytes(real)


def png_with_text_chunk(size: int = 8 * 1024 * 1024, compressed: bool = False) -> bytes:
    """A small valid PNG carrying one huge (optionally zlib-compressed) text chunk."""
    image = encode(picture(64, 48, seed=3), "PNG")
    if compressed:
        chunk = _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * size, 9))
    else:
        chunk = _png_chunk(b"tEXt", b"Comment\x00" + b"A" * size)
    iend = image.rindex(b"IEND") - 4
    return image[:iend] + chunk + image[iend:]


def truncated(data: bytes, fraction: float) -> bytes:
    """The first ``fraction`` of ``data``."""
    return data[: int(len(data) * fraction)]


def bit_flipped(data: bytes, seed: int = 0, flips: int = 20, skip_header: int = 64) -> bytes:
    """``data`` with ``flips`` random bits flipped past its first ``skip_header`` bytes."""
    rng = random.Random(seed)
    damaged = bytearray(data)
    for _ in range(flips):
        position = rng.randrange(min(skip_header, len(data) - 1), len(data))
        damaged[position] ^= 1 << rng.randrange(8)
    return bytes(damaged)


def zero_bytes() -> bytes:
    """An empty file."""
    return b""


def random_bytes(size: int = 4096, seed: int = 0) -> bytes:
    """Noise."""
    return random.Random(seed).randbytes(size)


def zip_appended_to_jpeg(seed: int = 0) -> bytes:
    """A polyglot: a valid JPEG followed by a ZIP archive (opens as both)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("note.txt", "synthetic archive member\n" * 20)
    return photo(320, 240, seed=seed) + archive.getvalue()


def text_file() -> bytes:
    """Plain text: not media at all."""
    return ("A plain text file, not a picture.\n" * 50).encode()
