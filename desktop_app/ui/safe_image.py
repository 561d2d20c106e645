"""Turning a decoded preview into what the reviewer sees: blurred and greyscale until revealed.

Everything here runs on a worker thread (Pillow and ``QImage`` are both safe off the GUI thread;
``QPixmap`` is not, so nothing here makes one). The input is a ``Preview`` that exists only in
memory; the output is a ``QImage`` that owns a copy of its pixels. Nothing is written anywhere.

How strong the blur is: ``blur_strength`` is a Gaussian radius in pixels *on a 256-pixel picture*
and is scaled with the picture, so the same setting hides the same amount in a 64-pixel thumbnail
and in a 700-pixel viewer. The picture is first reduced to a 64-pixel working copy (an area
average, which already throws away fine detail), blurred there, and enlarged back with a smooth
filter: at the default strength (24, i.e. radius 6 on the working copy) what remains are soft
patches of tone a few across, not a recognisable picture, and the cost is the same for any size.
"""

from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps
from PySide6.QtGui import QImage

from desktop_app.core.domain.media import Preview
from desktop_app.core.settings import AppSettings

REFERENCE_SIDE = 256  # the picture size ``blur_strength`` is defined on
WORKING_SIDE = 64  # blurring happens on a copy this big: cheap, and detail is gone before the blur


@dataclass(frozen=True, slots=True)
class DisplayOptions:
    """How a picture is shown: the reviewer's safe-display settings, or fully revealed."""

    blur: bool = True
    greyscale: bool = True
    strength: int = 24

    @classmethod
    def from_settings(cls, settings: AppSettings) -> "DisplayOptions":
        """The unrevealed look the reviewer chose in Settings."""
        return cls(settings.blur_by_default, settings.greyscale_by_default, settings.blur_strength)

    @property
    def protective(self) -> bool:
        """Whether this look hides anything (False means the real picture is shown)."""
        return self.blur or self.greyscale


REVEALED = DisplayOptions(blur=False, greyscale=False)


def preview_image(preview: Preview) -> Image.Image:
    """The preview's RGB bytes as a Pillow image (no copy of the pixel buffer semantics needed)."""
    return Image.frombytes("RGB", (preview.width, preview.height), preview.rgb)


def fit(image: Image.Image, max_side: int | None) -> Image.Image:
    """Shrink ``image`` to fit a ``max_side`` square (never enlarges); ``None`` keeps it as is."""
    if max_side is None or max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def protect(image: Image.Image, options: DisplayOptions) -> Image.Image:
    """Apply the safe look: greyscale first (cheap, and it drops skin tones), then the blur."""
    if options.greyscale:
        image = ImageOps.grayscale(image).convert("RGB")
    if options.blur:
        size = image.size
        scale = WORKING_SIDE / max(size)
        if scale < 1:
            small = (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))
            work = image.resize(small, Image.Resampling.BOX)
        else:
            scale, work = 1.0, image
        radius = options.strength * max(size) * scale / REFERENCE_SIDE
        # Two passes of half the variance each equal one pass, but Pillow's box-approximation of a
        # Gaussian leaves faint edges on very small images; the second pass smooths them out.
        half = radius / 2**0.5
        work = work.filter(ImageFilter.GaussianBlur(half)).filter(ImageFilter.GaussianBlur(half))
        image = work.resize(size, Image.Resampling.BICUBIC) if work.size != size else work
    return image


def to_qimage(image: Image.Image) -> QImage:
    """A ``QImage`` owning a copy of ``image``'s RGB pixels."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes()
    wrapped = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return wrapped.copy()  # ``wrapped`` only borrows ``data``, which dies with this frame


def render(preview: Preview, options: DisplayOptions, max_side: int | None = None) -> QImage:
    """One preview, sized and shown as ``options`` says. Runs in a worker."""
    return to_qimage(protect(fit(preview_image(preview), max_side), options))
