"""PDQ perceptual hashes of pictures (pdqhash, Meta's C++ PDQ), and the hex and distance helpers.

What is hashed, decided once here so every caller hashes alike:

* **Pixels.** Always 8-bit RGB from ``Image.convert("RGB")``, which handles every Pillow mode
  (1, L, P, CMYK, YCbCr, I;16, I, F, ...). Alpha is **dropped, not composited**: the colour stored
  under transparent pixels is hashed. That is exactly what python-threatexchange (and so HMA) feed
  pdqhash, and the fixtures prove it bit for bit (LA.png, I16.png; RGBA.png is 0 bits from the
  opaque original). Compositing on white or black would look nicer but would drift from every
  hash list made with those tools. For the same reason 16-bit greyscale (I;16) is clipped at
  255 as Pillow converts it, not rescaled: python-threatexchange's I16.png vector depends on it.
* **Orientation.** The picture is hashed **as stored**, ignoring the EXIF Orientation tag, like
  pdqhash, python-threatexchange, the C++ ``pdq-photo-hasher`` and vpdq: a hash list made with
  the reference tools then matches exactly. The 8 dihedral hashes (rotations and flips, from
  the same DCT) are always kept, and they cover the upright version too: on the fixtures
  ``exif-rotn-{1,3,6,8}.jpg`` the hash of the EXIF-transposed picture is within 2 bits of one
  dihedral hash of the stored one. Matching therefore searches the dihedral set, and a list made
  from upright copies matches as well. Previews, by contrast, apply the orientation.
* **Size.** pdqhash box-filters the picture down to 64 x 64 itself, so a full-resolution decode
  is wasted work, and its float64 luma copy needs 8 bytes a pixel (measured: an 81 Mpx picture
  needs over 1.5 GB). A JPEG is decoded with ``draft()`` at the largest DCT scale (1/2, 1/4,
  1/8) that keeps both sides >= 512 px: 6-8x faster on 12 MP photos, within 10 bits of the
  full-resolution hash (the upstream conformance bound for quality >= 80; measured 2-8 bits).
  Then any side still 2048 px or longer is box-averaged (``Image.reduce``) by the integer factor
  that keeps it >= 1024 px, per axis, like PDQ's own per-axis box filter: at most ~4 Mpx reach
  pdqhash, whatever the format or aspect ratio (measured <= 4 bits of drift on generated
  pictures). The tests prove both bounds. Pictures under 1024 px on a side are never reduced, so
  they hash exactly like the reference tools.

The hex form is 64 lowercase hex digits, most significant bit first: bit ``i`` of pdqhash's
vector is bit ``255 - i`` of the number. That is the ThreatExchange / python-threatexchange form.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pdqhash  # type: ignore[import-untyped]
from PIL import Image

from desktop_app.core.domain.media import PdqHash

HASH_BITS = 256
HEX_DIGITS = HASH_BITS // 4
DRAFT_MIN_SIDE = 512
REDUCE_MIN_SIDE = 1024
# Names of pdqhash's dihedral order (checked against the fixtures dih/bridge-1..8).
DIHEDRAL_NAMES = (
    "original",
    "rotate-90",
    "rotate-180",
    "rotate-270",
    "flip-x",
    "flip-y",
    "flip-plus-1",
    "flip-minus-1",
)
_HEX_DIGITS = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class PdqResult:
    """A picture's PDQ hash and quality, and its 8 dihedral hashes (the first is ``pdq.hex``)."""

    pdq: PdqHash
    dihedral: tuple[str, ...]


def bits_to_hex(bits: Sequence[int] | npt.NDArray[np.integer]) -> str:
    """Hex of a 256-bit vector, first bit most significant (pdqhash's vector order)."""
    vector = np.asarray(bits, dtype=np.uint8)
    if vector.shape != (HASH_BITS,) or bool((vector > 1).any()):
        raise ValueError("a PDQ hash is 256 bits of 0 or 1")
    return np.packbits(vector).tobytes().hex()


def hex_to_bits(hex_: str) -> npt.NDArray[np.uint8]:
    """The 256-bit vector of a hex hash (inverse of ``bits_to_hex``)."""
    return np.unpackbits(np.frombuffer(bytes.fromhex(normalise_hex(hex_)), dtype=np.uint8))


def normalise_hex(hex_: str) -> str:
    """Lowercase and validate a 64-digit hex hash (hash lists ship either case)."""
    value = hex_.strip().lower()
    if len(value) != HEX_DIGITS or not set(value) <= _HEX_DIGITS:
        raise ValueError("a PDQ hash is 64 hex digits")
    return value


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex hashes."""
    return (int(normalise_hex(a), 16) ^ int(normalise_hex(b), 16)).bit_count()


def dihedral_distance(candidate: str, dihedral: Sequence[str]) -> int:
    """The smallest distance from ``candidate`` to any of a picture's dihedral hashes."""
    return min(hamming(candidate, h) for h in dihedral)


def draft_for_pdq(image: Image.Image) -> None:
    """Ask a JPEG decoder for the smallest DCT scale that keeps both sides >= 512 px.

    Must be called before the pixels are loaded; a no-op for other formats and small pictures.
    """
    if image.format in ("JPEG", "MPO") and min(image.size) >= 2 * DRAFT_MIN_SIDE:
        image.draft("RGB", (DRAFT_MIN_SIDE, DRAFT_MIN_SIDE))


def rgb_pixels(image: Image.Image, *, full_resolution: bool = False) -> npt.NDArray[np.uint8]:
    """The 8-bit RGB array pdqhash hashes (alpha dropped, large pictures reduced; see above)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    factors = (max(1, rgb.width // REDUCE_MIN_SIDE), max(1, rgb.height // REDUCE_MIN_SIDE))
    if factors != (1, 1) and not full_resolution:
        rgb = rgb.reduce(factors)
    return np.asarray(rgb, dtype=np.uint8)


def hash_pixels(rgb: npt.NDArray[np.uint8], *, dihedral: bool = True) -> PdqResult:
    """PDQ of an H x W x 3 uint8 array (a decoded picture or video frame)."""
    if dihedral:
        vectors, quality = pdqhash.compute_dihedral(rgb)
        hexes = tuple(bits_to_hex(v) for v in vectors)
        return PdqResult(PdqHash(hexes[0], int(quality)), hexes)
    vector, quality = pdqhash.compute(rgb)
    hex_ = bits_to_hex(vector)
    return PdqResult(PdqHash(hex_, int(quality)), (hex_,))


def hash_image(image: Image.Image, *, full_resolution: bool = False, dihedral: bool = True) -> PdqResult:
    """PDQ of a picture (its current frame), as stored.

    By default large pictures are hashed reduced (JPEG ``draft`` if the picture is not loaded
    yet, else a box reduction); ``full_resolution=True`` hashes every pixel, as the reference
    tools do.
    """
    if not full_resolution:
        draft_for_pdq(image)
    return hash_pixels(rgb_pixels(image, full_resolution=full_resolution), dihedral=dihedral)
