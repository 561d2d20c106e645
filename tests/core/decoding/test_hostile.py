"""Hostile inputs (docs/decisions.md §5) through the real pool: each gets its outcome, the app stays up.

Every test ends by decoding a good picture with the same pool: a bad file must never leave the
pool unable to work.
"""

import io
import time

import pytest
from PIL import Image

from desktop_app.core.decoding.jobs import ProbeJob
from desktop_app.core.decoding.pool import DecodeLimits, DecoderPool
from desktop_app.core.domain.media import MediaKind, RenderProblem
from tests import synthetic_media as sm
from tests.core.decoding.conftest import put, seal, vm_rss_bytes

MiB = 1024 * 1024
DAMAGED = {None, RenderProblem.CORRUPT, RenderProblem.TRUNCATED}


def still_works(pool: DecoderPool, tmp_path) -> None:
    result = pool.analyse(put(tmp_path, "good.jpg", sm.photo(200, 150, seed=99)))
    assert result.problem is None and result.pdq is not None and result.pdq.quality >= 50


def test_header_claiming_900_megapixels(pool, tmp_path):
    started = time.monotonic()
    result = pool.analyse(put(tmp_path, "claims.png", sm.png_header_claiming(30000, 30000)))
    assert (result.kind, result.format, result.problem) == (MediaKind.IMAGE, "PNG", RenderProblem.TOO_MANY_PIXELS)
    assert "decompression bomb" in result.problem_detail
    # Refused from the header, not after decoding (which would take minutes and gigabytes); the
    # bound is loose because the decoder runs in another process, whose time a loaded machine stretches.
    assert time.monotonic() - started < 30
    still_works(pool, tmp_path)


def test_small_png_decoding_to_81_megapixels(tmp_path):
    bomb = sm.png_bomb(9000, 9000)
    assert len(bomb) < 100 * 1024
    with DecoderPool(workers=1, limits=DecodeLimits(max_pixels=40_000_000)) as strict:
        result = strict.analyse(seal(tmp_path, bomb))
        assert result.problem is RenderProblem.TOO_MANY_PIXELS
        still_works(strict, tmp_path)
    with DecoderPool(workers=1, limits=DecodeLimits(max_pixels=100_000_000)) as lenient:
        # Allowed through the pixel cap, it decodes within the memory cap: PDQ is computed on a
        # reduced copy, so 81 Mpx never reach pdqhash's float64 luma (which would need > 1.5 GB).
        result = lenient.analyse(seal(tmp_path, bomb))
        assert (result.problem, result.width, result.height) == (None, 9000, 9000)
        assert result.pdq is not None and result.pdq.quality == 0  # a blank picture has no features


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"])
def test_truncated_pictures(pool, tmp_path, fmt):
    data = sm.truncated(sm.photo(320, 240, seed=7, fmt=fmt), 0.5)
    result = pool.analyse(put(tmp_path, f"cut.{fmt.lower()}", data))
    assert (result.kind, result.format) == (MediaKind.IMAGE, fmt)
    # libwebp cannot tell a cut-off stream from a damaged one; every other decoder can.
    assert result.problem is (RenderProblem.CORRUPT if fmt == "WEBP" else RenderProblem.TRUNCATED)
    assert result.pdq is None and result.problem_detail
    still_works(pool, tmp_path)


def pillow_decodes(data: bytes) -> bool:
    """Whether plain Pillow, in this process, decodes every pixel of ``data`` without an error."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError):
        return False
    return True


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bit_flipped_pictures(pool, tmp_path, fmt, seed):
    data = sm.bit_flipped(sm.photo(320, 240, seed=seed, fmt=fmt), seed=seed, flips=30)
    result = pool.analyse(seal(tmp_path, data))
    previews = pool.previews(seal(tmp_path, data))
    assert result.kind is MediaKind.IMAGE
    assert result.problem in DAMAGED  # some decoders shrug off flipped bits and show garbage
    assert (result.pdq is not None) == (result.problem is None)
    # ... but a picture the decoder itself rejects is never shown half-decoded: reading metadata
    # first (PNG keeps EXIF after the pixels) once swallowed the error and hashed what was left.
    assert (result.problem is None) == pillow_decodes(data), result.problem_detail
    assert previews.problem == result.problem
    still_works(pool, tmp_path)


def test_headers_that_lie_about_the_size(pool, tmp_path):
    for name, data in (
        ("gif-claims.gif", sm.gif_header_claiming(5000, 5000)),
        ("png-claims.png", sm.png_header_claiming(2000, 2000)),
    ):
        result = pool.analyse(put(tmp_path, name, data))
        assert (result.kind, result.problem) == (MediaKind.IMAGE, RenderProblem.TRUNCATED), name
    still_works(pool, tmp_path)


@pytest.mark.parametrize(
    ("name", "data"),
    [("empty.jpg", sm.zero_bytes()), ("noise.png", sm.random_bytes(4096)), ("noise.bin", sm.random_bytes(1 << 20, 2))],
)
def test_empty_and_random_files_are_not_media(pool, tmp_path, name, data):
    result = pool.analyse(put(tmp_path, name, data))
    assert (result.kind, result.problem, result.pdq) == (MediaKind.OTHER, None, None)
    still_works(pool, tmp_path)


def test_wrong_extension_decodes_by_content(pool, tmp_path):
    data = sm.photo(300, 200, seed=5, fmt="PNG")
    as_png = pool.analyse(put(tmp_path, "real.png", data))
    as_jpg = pool.analyse(put(tmp_path, "misnamed.jpg", data))
    assert as_jpg.format == "PNG" and as_jpg.problem is None and as_jpg.pdq == as_png.pdq


def test_zip_appended_to_a_jpeg(pool, tmp_path):
    polyglot = sm.zip_appended_to_jpeg(seed=4)
    plain = sm.photo(320, 240, seed=4)
    assert polyglot.startswith(plain) and len(polyglot) > len(plain)
    result = pool.analyse(put(tmp_path, "poly.jpg", polyglot))
    assert (result.format, result.problem) == ("JPEG", None)
    assert result.pdq == pool.analyse(put(tmp_path, "plain.jpg", plain)).pdq


def test_huge_text_chunks(pool, tmp_path):
    plain = pool.analyse(put(tmp_path, "t0.png", sm.png_with_text_chunk(10)))
    for name, data in (
        ("text.png", sm.png_with_text_chunk(8 * MiB)),
        ("ztext.png", sm.png_with_text_chunk(64 * MiB, compressed=True)),  # a 64 MiB zlib bomb
    ):
        result = pool.analyse(put(tmp_path, name, data))
        assert result.problem is None and result.pdq == plain.pdq, name
        assert all(len(value) <= 300 for _, value in result.exif)
    still_works(pool, tmp_path)


def test_animated_picture_frames_are_capped(tmp_path):
    gif = put(tmp_path, "anim.gif", sm.animated_gif(frames=6))
    with DecoderPool(workers=1) as default:
        assert default.analyse(gif).frame_count == 6
    for limits in (DecodeLimits(max_image_frames=3), DecodeLimits(max_total_pixels=64 * 48 * 4)):
        with DecoderPool(workers=1, limits=limits) as capped:
            result = capped.analyse(gif)
            assert result.frame_count is None and result.pdq is not None  # first frame still hashed


def test_video_problems(pool, tmp_path):
    video = sm.mp4(seconds=3.0)
    cut = pool.analyse(put(tmp_path, "cut.mp4", sm.truncated(video, 0.5)))
    assert (cut.kind, cut.problem) == (MediaKind.VIDEO, RenderProblem.TRUNCATED)
    for seed in (1, 2):
        flipped = pool.analyse(seal(tmp_path, sm.bit_flipped(video, seed=seed, flips=40)))
        assert flipped.kind is MediaKind.VIDEO and flipped.problem in DAMAGED
    with DecoderPool(workers=1, limits=DecodeLimits(max_pixels=10_000)) as small:
        big = small.analyse(put(tmp_path, "big.mp4", video))
        assert big.problem is RenderProblem.TOO_MANY_PIXELS and not big.vpdq
    with DecoderPool(workers=1, limits=DecodeLimits(max_video_seconds=1.0)) as short:
        capped = short.analyse(put(tmp_path, "long.mp4", video))
        assert capped.problem is None and [f.frame_number for f in capped.vpdq] == [0, 10]
        assert capped.duration_s == pytest.approx(3.0, abs=0.15)
    still_works(pool, tmp_path)


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: .*(memory cap|died)")
def test_decoder_over_the_memory_limit(tmp_path, caplog):
    limits = DecodeLimits(memory_bytes=64 * MiB, enable_probes=True)
    with DecoderPool(workers=1, limits=limits) as tight:
        # A real decode: 20 Mpx of RGB needs 60 MiB for the pixels alone, plus the conversion.
        flat = sm.encode(Image.new("RGB", (5000, 4000), (40, 90, 160)), "PNG")  # compresses to ~60 KiB
        result = tight.analyse(put(tmp_path, "large.png", flat))
        assert (result.kind, result.problem) == (MediaKind.IMAGE, RenderProblem.TOO_MUCH_MEMORY)
        assert "more memory" in result.problem_detail
        still_works(tight, tmp_path)
        probe = tight._submit(ProbeJob("allocate", 512)).result()
        assert probe.problem is RenderProblem.TOO_MUCH_MEMORY
        still_works(tight, tmp_path)
    # Support sees what happened to which decoder; never which file.
    assert "analysis job on image media went over the memory cap" in caplog.text
    assert "large.png" not in caplog.text and str(tmp_path) not in caplog.text


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: .* timed out")
def test_decoder_over_the_time_limit(tmp_path, caplog):
    with DecoderPool(workers=1, limits=DecodeLimits(seconds=1.0, enable_probes=True)) as hasty:
        still_works(hasty, tmp_path)  # the worker is up, so the limit measures the job, not the spawn
        started = time.monotonic()
        result = hasty._submit(ProbeJob("sleep", 60)).result()
        assert result.problem is RenderProblem.TIMED_OUT
        assert time.monotonic() - started < 30  # the 60 s job was stopped at its limit
        still_works(hasty, tmp_path)
    assert [m for m in caplog.messages if "probe job on other media timed out after" in m]


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: process \d+ died")
def test_decoder_that_crashes(tmp_path, caplog):
    with DecoderPool(workers=1, limits=DecodeLimits(enable_probes=True)) as fragile:
        result = fragile._submit(ProbeJob("crash", 7)).result()
        assert result.problem is RenderProblem.DECODER_CRASHED and "crashed" in result.problem_detail
        still_works(fragile, tmp_path)
        again = fragile._submit(ProbeJob("crash", 7))  # and again: every crash gets a fresh worker
        assert again.result().problem is RenderProblem.DECODER_CRASHED
        still_works(fragile, tmp_path)
    assert len([m for m in caplog.messages if "died during a probe job" in m]) == 2


def test_main_process_memory_stays_flat(pool, tmp_path):
    header_bomb = put(tmp_path, "claims.png", sm.png_header_claiming(30000, 30000))
    pixel_bomb = seal(tmp_path, sm.png_bomb(9000, 9000))
    still_works(pool, tmp_path)  # workers up, imports done
    before = vm_rss_bytes()
    for i in range(20):
        result = pool.analyse(header_bomb if i % 2 else pixel_bomb)
        assert result.problem is RenderProblem.TOO_MANY_PIXELS
    grown = vm_rss_bytes() - before
    assert grown < 30 * MiB, f"main process grew by {grown / MiB:.1f} MiB"
