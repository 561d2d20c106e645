"""The decoder pool end to end: real worker processes, real files and vault-layout blobs."""

import io
import os
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from desktop_app.core.decoding import video
from desktop_app.core.decoding.jobs import ProbeJob
from desktop_app.core.decoding.pool import DecodeLimits, DecoderPool, analyse_paths
from desktop_app.core.domain.media import MediaKind, RenderProblem
from desktop_app.core.errors import BlobIntegrityError, BlobMissing
from desktop_app.core.hashing import pdq
from desktop_app.core.hashing.vpdq import hash_video
from tests import synthetic_media as sm
from tests.core.decoding.conftest import put, seal
from tests.core.hashing.conftest import FIXTURES


def decoder_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("decoder-")]


def test_nothing_starts_until_the_first_job_and_close_ends_everything(tmp_path):
    before = len(decoder_threads())
    pool = DecoderPool(workers=2)
    assert len(decoder_threads()) == before and pool._workers == []
    result = pool.analyse(put(tmp_path, "a.jpg", sm.photo(64, 48)))
    assert result.kind is MediaKind.IMAGE
    processes = [w._process for w in pool._workers if w._process is not None]
    assert len(decoder_threads()) == before + 2 and processes
    pool.close()
    pool.close()  # idempotent
    assert len(decoder_threads()) == before
    assert all(w._process is None for w in pool._workers)
    with pytest.raises(RuntimeError):
        pool.submit_analyse(tmp_path / "a.jpg")


def test_image_from_a_file_and_from_the_vault_agree_with_in_process_hashing(pool, tmp_path):
    data = sm.photo(1600, 1200, seed=11)
    from_file = pool.analyse(put(tmp_path, "photo.jpg", data))
    from_vault = pool.analyse(seal(tmp_path, data))
    assert from_file == from_vault
    with Image.open(io.BytesIO(data)) as image:
        expected = pdq.hash_image(image)
    assert from_file.pdq == expected.pdq and from_file.dihedral == expected.dihedral
    assert (from_file.kind, from_file.format, from_file.width, from_file.height) == (
        MediaKind.IMAGE,
        "JPEG",
        1600,
        1200,
    )
    assert from_file.frame_count == 1 and from_file.problem is None and from_file.renderable


def test_reference_photo_through_the_pool_is_exact(pool):
    path = FIXTURES / "threatexchange/pdq/data/bridge-mods/aaa-orig.jpg"
    if not path.is_file():
        pytest.skip("needs ../shared/fixtures/pdq (reference data, not redistributed)")
    result = pool.analyse(path)
    # python-threatexchange get_examples(): pdqhash on PIL at full resolution
    assert result.pdq.hex == "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    assert result.pdq.quality == 100


def test_exif_is_readable_text_and_orientation_is_reported(pool, tmp_path):
    result = pool.analyse(seal(tmp_path, sm.exif_oriented(6)))
    assert result.exif_orientation == 6
    pairs = dict(result.exif)
    assert pairs["Orientation"] == "6" and pairs["Software"] == "synthetic-media-generator"
    assert (result.width, result.height) == (300, 400)  # as stored; the orientation is not applied to hashing
    assert all(len(name) <= 80 and len(value) <= 300 for name, value in result.exif)


def test_video_from_the_vault(pool, tmp_path):
    data = sm.mp4(seconds=3.0, fps=10, width=160, height=120)
    result = pool.analyse(seal(tmp_path, data))
    assert (result.kind, result.format) == (MediaKind.VIDEO, "MP4")
    assert (result.width, result.height, result.frame_count) == (160, 120, 30)
    assert result.duration_s == pytest.approx(3.0, abs=0.15)
    with av.open(io.BytesIO(data)) as container:
        expected = hash_video(container)
    assert result.vpdq == expected.features and [f.frame_number for f in result.vpdq] == [0, 10, 20]


def test_sample_video_through_the_pool_matches_in_process(pool):
    path = FIXTURES / "threatexchange/tmk/sample-videos/pattern-sd-grey-bar.mp4"
    if not path.is_file():
        pytest.skip("needs ../shared/fixtures/pdq (reference data, not redistributed)")
    with av.open(str(path)) as container:
        expected = hash_video(container)
    assert pool.analyse(path).vpdq == expected.features


def test_image_preview_is_upright_bounded_and_the_same_for_every_orientation(pool, tmp_path):
    previews = [pool.previews(seal(tmp_path, sm.exif_oriented(o), f"o{o}"), max_side=128) for o in range(1, 9)]
    arrays = []
    for preview_set in previews:
        assert preview_set.problem is None and len(preview_set.frames) == 1
        frame = preview_set.frames[0]
        assert (frame.width, frame.height) == (128, 96)  # the upright 400 x 300 picture, scaled
        arrays.append(np.frombuffer(frame.rgb, np.uint8).astype(int))
    for other in arrays[1:]:
        assert np.abs(other - arrays[0]).mean() < 6  # same picture up to JPEG loss


@pytest.mark.parametrize("mode", list(sm.MODE_FORMATS))
def test_previews_of_every_pillow_mode(pool, tmp_path, mode):
    data, fmt = sm.in_mode(mode)
    preview = pool.previews(put(tmp_path, f"m.{fmt.lower()}", data), max_side=64)
    assert preview.problem is None and (preview.frames[0].width, preview.frames[0].height) == (64, 48)


def test_sixteen_bit_preview_is_stretched_not_white(pool, tmp_path):
    data, _ = sm.in_mode("I;16")
    frame = pool.previews(put(tmp_path, "deep.png", data), max_side=64).frames[0]
    pixels = np.frombuffer(frame.rgb, np.uint8)
    assert pixels.min() < 50 and pixels.max() > 200


def test_transparent_preview_is_composited_on_grey(pool, tmp_path):
    image = Image.new("RGBA", (40, 30), (255, 0, 0, 0))
    preview = pool.previews(put(tmp_path, "t.png", sm.encode(image, "PNG")), max_side=64).frames[0]
    assert preview.rgb[:3] == bytes((128, 128, 128))


def test_video_keyframes_are_spread_and_bounded(pool, tmp_path):
    source = seal(tmp_path, sm.mp4(seconds=6.0, fps=10, width=320, height=240))
    grid = pool.previews(source, max_side=100, keyframes=6)
    assert grid.problem is None and len(grid.frames) == 6
    assert all((f.width, f.height) == (100, 75) for f in grid.frames)
    assert [f.label for f in grid.frames] == ["0:00.5", "0:01.5", "0:02.5", "0:03.5", "0:04.5", "0:05.5"]
    assert len({f.rgb for f in grid.frames}) == 6  # different moments, not one frame six times
    single = pool.previews(source, keyframes=1)
    assert len(single.frames) == 1 and single.frames[0].label == "0:00.0"


@pytest.mark.parametrize(
    ("container", "codec", "label"),
    [
        ("matroska", "libx264", "Matroska"),
        ("webm", "libvpx-vp9", "WebM"),
        ("avi", "mpeg4", "AVI"),
        ("mpegts", "libx264", "MPEG transport stream"),
        ("mpeg", "mpeg2video", "MPEG program stream"),
        ("flv", "flv", "Flash video"),
        ("asf", "wmv2", "Windows Media"),
        ("mov", "mjpeg", "QuickTime"),
    ],
)
def test_every_allowed_container(pool, tmp_path, container, codec, label):
    data = sm.video(seconds=3.0, fps=10, container=container, codec=codec)
    result = pool.analyse(seal(tmp_path, data))
    assert (result.kind, result.format, result.problem) == (MediaKind.VIDEO, label, None)
    assert [f.frame_number for f in result.vpdq] == [0, 10, 20]
    grid = pool.previews(seal(tmp_path, data, "again"), max_side=64, keyframes=4)
    assert grid.problem is None and len(grid.frames) == 4


def test_long_video_keyframes_come_from_seeking(pool, tmp_path):
    data = sm.mp4(seconds=125, fps=2, width=64, height=48)  # over 120 s: previews seek
    labels = ["0:12.5", "0:37.5", "1:02.5", "1:27.5", "1:52.5"]
    assert [f.label for f in pool.previews(seal(tmp_path, data), keyframes=5).frames] == labels
    targets = [Fraction(25, 2) + 25 * i for i in range(5)]
    with video.open_container(io.BytesIO(data), "mov") as container:
        seeking = video._seeking(container, container.streams.video[0], targets, (64, Fraction(0)))
    assert seeking is not None and [p.label for p in seeking] == labels


def test_imprecise_seeking_falls_back_to_one_pass():
    data = sm.video(seconds=3.0, container="mpeg", codec="mpeg2video")  # MPEG-PS seeks by byte offset
    targets = [Fraction(3, 8) + Fraction(3, 4) * i for i in range(4)]
    with video.open_container(io.BytesIO(data), "mpeg") as container:
        assert video._seeking(container, container.streams.video[0], targets, (64, Fraction(0))) is None


def test_preview_requests_are_clamped(tmp_path):
    limits = DecodeLimits(max_preview_side=64, max_keyframes=3)
    with DecoderPool(workers=1, limits=limits) as small:
        picture = small.previews(put(tmp_path, "p.png", sm.photo(300, 200, fmt="PNG")), max_side=10_000)
        assert max(picture.frames[0].width, picture.frames[0].height) == 64
        grid = small.previews(put(tmp_path, "v.mp4", sm.mp4(2.0)), max_side=10_000, keyframes=1000)
        assert len(grid.frames) == 3 and all(max(f.width, f.height) <= 64 for f in grid.frames)


def test_previews_report_problems_instead_of_raising(pool, tmp_path):
    assert pool.previews(put(tmp_path, "t.txt", sm.text_file())).problem is RenderProblem.UNSUPPORTED_FORMAT
    cut = pool.previews(put(tmp_path, "c.png", sm.truncated(sm.photo(fmt="PNG"), 0.5)))
    assert cut.problem is RenderProblem.TRUNCATED and cut.frames == () and "cut short" in cut.problem_detail


@pytest.mark.parametrize(
    ("name", "data", "kind", "problem"),
    [
        ("notes.txt", sm.text_file(), MediaKind.OTHER, None),
        ("archive.zip", sm.zip_appended_to_jpeg()[-400:], MediaKind.OTHER, None),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic" + bytes(200), MediaKind.IMAGE, RenderProblem.UNSUPPORTED_FORMAT),
        ("drawing.psd", b"8BPS" + bytes(200), MediaKind.IMAGE, RenderProblem.UNSUPPORTED_FORMAT),
    ],
)
def test_what_is_not_decoded(pool, tmp_path, name, data, kind, problem):
    result = pool.analyse(put(tmp_path, name, data))
    assert (result.kind, result.problem) == (kind, problem)
    assert result.pdq is None and not result.renderable
    if problem:
        assert result.problem_detail.endswith("The bytes are preserved and hashed as they are.")


def test_audio_only_media_is_not_a_video(pool, tmp_path):
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("aac", rate=8000)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    result = pool.analyse(put(tmp_path, "voice.m4a", out.getvalue()))
    assert (result.kind, result.problem) == (MediaKind.OTHER, RenderProblem.UNSUPPORTED_FORMAT)


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: \w+ job refused: blob-(integrity|missing)")
def test_tampered_vault_blobs_raise_integrity_errors_and_the_pool_goes_on(pool, tmp_path):
    data = sm.photo(900, 700, seed=3, fmt="PNG")
    assert len(data) > 3 * 64 * 1024
    truncated = seal(tmp_path, data, "cut")
    truncated.path.write_bytes(truncated.path.read_bytes()[:-100])
    with pytest.raises(BlobIntegrityError, match="cut failed authentication"):
        pool.analyse(truncated)
    flipped = seal(tmp_path, data, "flipped")
    sealed = bytearray(flipped.path.read_bytes())
    sealed[16 + 2 * (64 * 1024 + 16) + 100] ^= 0x01  # inside chunk 2: found only while decoding
    flipped.path.write_bytes(bytes(sealed))
    with pytest.raises(BlobIntegrityError):
        pool.analyse(flipped)
    with pytest.raises(BlobIntegrityError):
        pool.previews(flipped)
    gone = seal(tmp_path, data, "gone")
    gone.path.unlink()
    with pytest.raises(BlobMissing):
        pool.analyse(gone)
    assert pool.analyse(seal(tmp_path, data, "fine")).pdq is not None


def test_unreadable_paths(pool, tmp_path):
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    started = time.monotonic()
    for path in (fifo, tmp_path, tmp_path / "missing.jpg"):
        result = pool.analyse(path)
        assert (result.kind, result.problem) == (MediaKind.OTHER, RenderProblem.UNREADABLE)
    assert time.monotonic() - started < 10  # the FIFO did not block a worker until the time limit


def test_many_jobs_from_many_threads(pool, tmp_path):
    paths = [put(tmp_path, f"p{i}.png", sm.photo(120, 90, seed=i, fmt="PNG")) for i in range(12)]
    expected = {p: pdq.hash_image(Image.open(p)).pdq for p in paths}
    results: dict[Path, object] = {}

    def run(chunk):
        for path in chunk:
            results[path] = pool.analyse(path).pdq

    threads = [threading.Thread(target=run, args=(paths[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected
    futures = [pool.submit_analyse(p) for p in paths]
    assert [f.result().pdq for f in futures] == [expected[p] for p in paths]


def test_close_cancels_queued_and_running_jobs(tmp_path):
    pool = DecoderPool(workers=1, limits=DecodeLimits(enable_probes=True))
    running = pool._submit(ProbeJob("sleep", 30))
    queued = [pool.submit_analyse(put(tmp_path, f"q{i}.jpg", sm.photo(32, 32))) for i in range(3)]
    time.sleep(1.0)  # let the worker start and take the first job
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 10
    assert all(f.cancelled() for f in queued)
    assert running.done()


@pytest.mark.expect_log_warnings(r"decoding\.diagnostics: decoder \d+: probe job refused")
def test_probes_are_refused_unless_enabled(pool):
    with pytest.raises(RuntimeError, match="refused"):
        pool._submit(ProbeJob("crash", 1)).result()


def test_analyse_paths_keeps_the_order(tmp_path):
    paths = [put(tmp_path, "a.txt", b"text"), put(tmp_path, "b.png", sm.photo(50, 40, fmt="PNG")), tmp_path / "nope"]
    results = list(analyse_paths(paths))
    assert [p for p, _ in results] == paths
    assert [r.kind for _, r in results] == [MediaKind.OTHER, MediaKind.IMAGE, MediaKind.OTHER]
    assert results[2][1].problem is RenderProblem.UNREADABLE
