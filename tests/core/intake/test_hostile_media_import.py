"""Hostile media (docs/decisions.md §5) through import: the item service and the real decoders.

``tests/core/decoding/test_hostile.py`` proves the decoder pool's outcome for each case; this
module proves what a reviewer gets from an import: the item is there, the vault holds exactly
the bytes of the file with hashlib's digests, the item carries the decoder's outcome (a
``RenderProblem`` code and its sentence, or a PDQ hash of what the bytes really show), the viewer
would get the same outcome, and the main process's memory stays flat while bombs go through.
"""

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pdqhash
import pytest
from PIL import Image

from desktop_app.core.decoding.pool import DecoderPool
from desktop_app.core.decoding.problems import SENTENCES
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import IntakeOutcome, ItemKind
from desktop_app.core.domain.media import MediaKind, RenderProblem
from desktop_app.core.services.items import ItemService
from tests import synthetic_media as sm
from tests.core.intake.conftest import drive, write
from tests.memory import MiB, memory_growth


@pytest.fixture(scope="module")
def decoders():
    """The real sandboxed decoder pool, shared by the module (each worker costs a spawn)."""
    with DecoderPool(workers=2) as pool:
        yield pool


@pytest.fixture
def media_service(workspace, decoders):
    return ItemService(workspace, analyse=decoders.submit_analyse)


def reference_pdq(image: Image.Image) -> tuple[str, int]:
    """pdqhash on the picture's RGB pixels, in this process, hex most significant bit first."""
    bits, quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def decoded(data: bytes) -> Image.Image:
    """What Pillow makes of ``data`` here (for a damaged file that decoders accept as it is)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.copy()


@dataclass(frozen=True)
class Case:
    """One hostile file: its name and bytes, and what the decoder must say about it.

    ``problem`` is the ``RenderProblem`` code ("cannot render" in the queue); without one the item
    must render, and ``shows`` gives the picture whose PDQ hash it must carry.
    """

    name: str
    make: Callable[[], bytes]
    kind: MediaKind
    fmt: str | None = None
    problem: RenderProblem | None = None
    shows: Callable[[bytes], Image.Image] | None = None


def flipped(fmt: str) -> Callable[[], bytes]:
    return lambda: sm.bit_flipped(sm.photo(320, 240, seed=1, fmt=fmt), seed=1, flips=30)


def cut(fmt: str) -> Callable[[], bytes]:
    return lambda: sm.truncated(sm.photo(320, 240, seed=7, fmt=fmt), 0.5)


IMAGE, OTHER = MediaKind.IMAGE, MediaKind.OTHER
CASES = {
    # 9000 x 9000 zero rows: ~77 KiB on disk, 81 Mpx decoded; over the pool's 80 Mpx cap.
    "pixel-bomb": Case("bomb.png", lambda: sm.png_bomb(9000, 9000), IMAGE, "PNG", RenderProblem.TOO_MANY_PIXELS),
    "header-claims-900-mpx": Case(
        "claims.png", lambda: sm.png_header_claiming(30000, 30000), IMAGE, "PNG", RenderProblem.TOO_MANY_PIXELS
    ),
    "truncated-jpeg": Case("cut.jpg", cut("JPEG"), IMAGE, "JPEG", RenderProblem.TRUNCATED),
    "truncated-png": Case("cut.png", cut("PNG"), IMAGE, "PNG", RenderProblem.TRUNCATED),
    "truncated-gif": Case("cut.gif", cut("GIF"), IMAGE, "GIF", RenderProblem.TRUNCATED),
    # libwebp cannot tell a cut-off stream from a damaged one (see test_hostile.py).
    "truncated-webp": Case("cut.webp", cut("WEBP"), IMAGE, "WEBP", RenderProblem.CORRUPT),
    "bit-flipped-jpeg": Case("flipped.jpg", flipped("JPEG"), IMAGE, "JPEG", RenderProblem.CORRUPT),
    "bit-flipped-gif": Case("flipped.gif", flipped("GIF"), IMAGE, "GIF", RenderProblem.CORRUPT),
    # The flips break the deflate stream ("unrecognized data stream contents" from Pillow).
    "bit-flipped-png": Case("flipped.png", flipped("PNG"), IMAGE, "PNG", RenderProblem.CORRUPT),
    # These flips land in the VP8 payload: libwebp accepts them and shows the damage, so the item
    # renders, and its hash is of the damaged picture as Pillow decodes it here.
    "bit-flipped-webp": Case("flipped.webp", flipped("WEBP"), IMAGE, "WEBP", shows=decoded),
    # Not pictures at all: kept and hashed, never rendered (a "File" in the queue, no preview).
    "zero-byte": Case("empty.jpg", sm.zero_bytes, OTHER),
    "random-bytes": Case("noise.png", lambda: sm.random_bytes(4096, seed=3), OTHER),
    # Decoded by content, not by name: renders, with the PNG's own hash.
    "png-named-jpg": Case(
        "misnamed.jpg",
        lambda: sm.photo(300, 200, seed=5, fmt="PNG"),
        IMAGE,
        "PNG",
        shows=lambda _: sm.picture(300, 200, seed=5),
    ),
    # A JPEG with a ZIP after it: the picture renders; the archive is preserved, never opened.
    "zip-appended-to-jpeg": Case(
        "poly.jpg",
        lambda: sm.zip_appended_to_jpeg(seed=4),
        IMAGE,
        "JPEG",
        shows=lambda _: decoded(sm.photo(320, 240, seed=4)),
    ),
    "huge-text-chunk": Case(
        "text.png",
        lambda: sm.png_with_text_chunk(8 * MiB),
        IMAGE,
        "PNG",
        shows=lambda _: sm.picture(64, 48, seed=3),
    ),
    "huge-compressed-text-chunk": Case(
        "ztext.png",
        lambda: sm.png_with_text_chunk(64 * MiB, compressed=True),  # a 64 MiB zlib bomb in a zTXt chunk
        IMAGE,
        "PNG",
        shows=lambda _: sm.picture(64, 48, seed=3),
    ),
}


def hashlib_digests(data: bytes) -> tuple[str, str, str]:
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_picture_is_imported_preserved_and_given_its_outcome(
    media_service, workspace, decoders, tmp_path, case
):
    data = case.make()
    path = write(tmp_path / "flagged" / case.name, data)

    summary = drive(media_service.import_paths([tmp_path / "flagged"]))

    (result,) = summary.results
    assert (result.outcome, result.kind, result.new_item) == (IntakeOutcome.OK, ItemKind.FILE, True)
    assert (summary.analysed, summary.analysis_failed) == (1, 0)
    item = media_service.get(result.item_id)
    assert item.outcome == IntakeOutcome.OK and item.sources[0].path == os.fsencode(path)
    # Preserved byte-exact, with the digests hashlib gives for the file.
    assert media_service.read_bytes(item.item_id) == data and item.size == len(data)
    assert (item.digests.md5, item.digests.sha1, item.digests.sha256) == hashlib_digests(data)

    analysis = item.analysis
    assert analysis is not None
    assert (analysis.kind, analysis.format, analysis.problem) == (case.kind, case.fmt, case.problem)
    assert analysis.renderable == (case.shows is not None)
    previews = decoders.previews(media_service.encrypted_file(item.item_id), keyframes=1)
    if case.problem is not None:
        # "Cannot render": the code and its reviewer-facing sentence, the same in the viewer.
        assert analysis.problem_detail.startswith(SENTENCES[case.problem]) and analysis.pdq is None
        assert (previews.problem, previews.frames) == (case.problem, ())
    elif case.shows is None:
        # Nothing to show: no hash, and the viewer says it does not display this.
        assert analysis.pdq is None and (previews.problem, previews.frames) == (RenderProblem.UNSUPPORTED_FORMAT, ())
    else:
        assert analysis.pdq is not None and previews.problem is None and len(previews.frames) == 1
        assert (analysis.pdq.hex, analysis.pdq.quality) == reference_pdq(case.shows(data))
    logged = [e.event for e in workspace.events() if e.event.type == EventType.ITEM_ANALYSED]
    assert [(e.subject, e.data["problem"]) for e in logged] == [
        (item.item_id, str(case.problem) if case.problem else None)
    ]


def test_importing_bombs_keeps_the_main_process_memory_flat(media_service, tmp_path):
    # Warm up first: worker processes spawned, lazily imported modules loaded, thread pools made.
    drive(media_service.import_paths([write(tmp_path / "warm" / "photo.jpg", sm.photo(320, 240, seed=1))]))
    pixel_bomb, header_bomb = sm.png_bomb(9000, 9000), sm.png_header_claiming(30000, 30000)
    folder = tmp_path / "bombs"
    files = {}
    for n in range(6):
        # Bytes after IEND make each copy distinct (not a duplicate of the first) and change nothing.
        for name, bomb in ((f"pixels-{n}.png", pixel_bomb), (f"header-{n}.png", header_bomb)):
            files[name] = bomb + n.to_bytes(4, "big")
            write(folder / name, files[name])

    with memory_growth() as grown:
        summary = drive(media_service.import_paths([folder]))

    # 81 Mpx decoded even once in this process would be ~81 MB (an RGBA copy ~324 MB).
    assert grown.peak < 50 * MiB and grown.current < 30 * MiB, grown.describe()
    assert summary.items_added == len(files) and summary.analysed == len(files)
    for result in summary.results:
        item = media_service.get(result.item_id)
        assert item.analysis.problem is RenderProblem.TOO_MANY_PIXELS
        assert media_service.read_bytes(item.item_id) == files[item.display_name]
