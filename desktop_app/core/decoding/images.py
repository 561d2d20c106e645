"""Pictures inside the sandbox: analysis (PDQ, size, metadata) and the viewer's preview.

Runs only in a decoder worker, after ``configure_pillow`` set the process-wide guards: a pixel
cap with decompression-bomb warnings raised as errors, and truncated files refused. Each call
opens the picture with the one Pillow plugin its signature named. Only the first frame of an
animated picture is hashed (as the reference tools do); the others are counted, within caps.
"""

import warnings
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageFile, PngImagePlugin

from desktop_app.core.decoding.jobs import DecodeLimits
from desktop_app.core.decoding.metadata import read_metadata
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, Preview, PreviewSet
from desktop_app.core.hashing.pdq import draft_for_pdq, hash_image

_PREVIEW_BACKGROUND = (128, 128, 128)  # transparent areas show as neutral grey, not as hidden colour


def configure_pillow(limits: DecodeLimits) -> None:
    """Process-wide Pillow guards for a decoder worker (never called in the app process)."""
    # Pillow warns between 1x and 2x MAX_IMAGE_PIXELS and raises above 2x; as an error the
    # warning makes max_pixels the real cap.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    # A truncated evidence file is reported as truncated, never silently padded with grey.
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def _count_frames(image: Image.Image, limits: DecodeLimits) -> int | None:
    """Frames of an animated picture, or None when a cap stopped the count or a frame is bad."""
    if not getattr(image, "is_animated", False):
        return 1
    frames, total = 1, image.width * image.height
    try:
        while frames < limits.max_image_frames:
            try:
                image.seek(frames)
            except EOFError:
                return frames
            total += image.width * image.height
            if total > limits.max_total_pixels:
                return None
            frames += 1
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a bad later frame leaves the count unknown, not the picture
        return None
    return None


def load_pixels(image: Image.Image) -> None:
    """Decode the picture's pixels now, so that damage raises the decoder's own error.

    This must be the first load. Pillow drops the tiles of a load that failed, so a second load
    "succeeds" with whatever was decoded before the damage; reading metadata first (PNG keeps
    EXIF after the pixel data, so Pillow decodes the pixels to find it) once swallowed the error
    as "unreadable EXIF" and a half-decoded picture was hashed and shown.

    A PNG's chunks after the pixel data are read inside the same load (``load_end``). A chunk
    refused there (a text chunk over ``PngImagePlugin.MAX_TEXT_CHUNK``, a zlib bomb) is metadata
    trouble, not damage, so it is set aside: a damaged pixel stream still raises, since Pillow
    raises that error after ``load_end``, and a truncated one before it.
    """
    if not isinstance(image, PngImagePlugin.PngImageFile):
        image.load()
        return
    read_trailing_chunks = image.load_end

    def tolerant_load_end() -> None:
        try:
            read_trailing_chunks()
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001, S110 - a refused metadata chunk: the pixels are complete
            pass

    setattr(image, "load_end", tolerant_load_end)  # noqa: B010 - an instance attribute, this image only
    try:
        image.load()
    finally:
        delattr(image, "load_end")


def analyse_image(fp: BinaryIO, pillow_format: str, limits: DecodeLimits) -> MediaAnalysis:
    """Hash and describe a picture; decoder errors propagate for the worker to classify."""
    with Image.open(fp, formats=[pillow_format]) as image:
        width, height = image.size
        draft_for_pdq(image)  # a JPEG's reduced DCT scale must be chosen before the pixels load
        load_pixels(image)
        result = hash_image(image)
        exif, orientation = read_metadata(image)
        frame_count = _count_frames(image, limits)
        return MediaAnalysis(
            kind=MediaKind.IMAGE,
            format=image.format,
            width=width,
            height=height,
            frame_count=frame_count,
            pdq=result.pdq,
            dihedral=result.dihedral,
            exif=exif,
            exif_orientation=orientation,
        )


# EXIF orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _stretched(image: Image.Image) -> Image.Image:
    """Deep (I, I;16) and float pictures stretched to 8 bits; ``convert`` would clip them to white.

    Hashing keeps the clipping, as the reference tools do (see ``hashing.pdq``); this is for the
    eye only, and runs on the thumbnail, not the full picture.
    """
    values = np.asarray(image, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    return Image.fromarray(scaled.astype(np.uint8))


def _display_rgb(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, _PREVIEW_BACKGROUND + (255,))
    return Image.alpha_composite(background, rgba).convert("RGB")


def preview_image(fp: BinaryIO, pillow_format: str, max_side: int) -> PreviewSet:
    """One picture, upright (EXIF orientation applied), no side longer than ``max_side``."""
    with Image.open(fp, formats=[pillow_format]) as image:
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced DCT scale
        load_pixels(image)
        _, orientation = read_metadata(image)
        picture = image.convert("I") if image.mode.startswith("I;16") else image  # I;16 cannot be reduced
        picture.thumbnail((max_side, max_side))
        if picture.mode in ("I", "F"):
            picture = _stretched(picture)
        if orientation in _UPRIGHT:
            picture = picture.transpose(_UPRIGHT[orientation])
        rgb = _display_rgb(picture)
        return PreviewSet(frames=(Preview(rgb.width, rgb.height, rgb.tobytes()),))
