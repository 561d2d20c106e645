"""Intake fixtures: a service on a real workspace, a real (Pillow) analyser, and plaintext checks."""

import hashlib
import io
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from PIL import Image, UnidentifiedImageError

from desktop_app.core.crypto import stream
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, RenderProblem
from desktop_app.core.services.items import ItemService


def drive(gen, on_progress=None):
    """Run a progress generator, calling ``on_progress(record)`` after each yield; returns its result."""
    while True:
        try:
            record = next(gen)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(record)


def noise(size: int, seed: int) -> bytes:
    """Deterministic incompressible bytes, distinct per seed (so a leak of them is recognisable)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha512(seed.to_bytes(8, "big") + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def digests_of(data: bytes) -> tuple[str, str, str]:
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()


def profile_files(profile):
    return [p for p in profile.rglob("*") if p.is_file()]


def assert_no_plaintext(profile, *needles: bytes) -> None:
    """None of ``needles`` (content samples, names) appears in any file of the profile."""
    for path in profile_files(profile):
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, f"plaintext found in {path}"


@pytest.fixture
def service(workspace):
    return ItemService(workspace)


def pillow_analysis(encrypted: stream.EncryptedFile) -> MediaAnalysis:
    """A small real analyser: decrypt in memory, let Pillow say what the picture is."""
    with open(encrypted.path, "rb") as handle:
        data = stream.decrypt_all(encrypted.file_key, handle, encrypted.cipher)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return MediaAnalysis(MediaKind.IMAGE, image.format, image.width, image.height)
    except (UnidentifiedImageError, OSError) as exc:
        return MediaAnalysis(MediaKind.OTHER, problem=RenderProblem.UNSUPPORTED_FORMAT, problem_detail=str(exc))


@pytest.fixture
def pillow_analyser():
    """``analyse`` for ItemService: a real function on a thread pool, returning futures."""
    pool = ThreadPoolExecutor(2, thread_name_prefix="test-analyse")

    def analyse(encrypted) -> "Future[MediaAnalysis]":
        return pool.submit(pillow_analysis, encrypted)

    yield analyse
    pool.shutdown(wait=True, cancel_futures=True)


def png_bytes(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
