"""Hand-made payloads around the reader's 16-chunk batches, checked against the real ``age`` tool.

Each payload is sealed chunk by chunk under a genuine header's file key, so every chunk
authenticates on its own and only the *shape* is wrong: a last flag in the middle, an empty final
chunk after data, a final chunk followed by more, a counter that skips or repeats, no final chunk
at all, cuts at every boundary around a batch. Our reader must refuse exactly what ``age -d``
refuses, decrypt to the same bytes what it accepts, and on a refusal have released exactly the
bytes ``age -d`` wrote before failing (both release a chunk only once it authenticated).
"""

import io
import os
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from desktop_app.core.crypto.aead import hkdf
from desktop_app.core.crypto.age.errors import AgePayloadDamaged
from desktop_app.core.crypto.age.file import encrypt_chunks, open_age
from desktop_app.core.crypto.age.header import ReaderLimits, parse_header
from desktop_app.core.crypto.age.keys import X25519Identity

C = 64 * 1024
BLOCK = C + 16
IDENTITY = X25519Identity.generate()
_GENUINE = b"".join(encrypt_chunks([b"x"], [IDENTITY.recipient]))
_HEADER_END = _GENUINE.index(b"\n---") + 49  # "\n--- ", 43 base64 characters of MAC, "\n"
HEADER = _GENUINE[:_HEADER_END]
FILE_KEY = IDENTITY.unwrap(parse_header(io.BufferedReader(io.BytesIO(_GENUINE)), ReaderLimits()).stanzas)
NONCE = os.urandom(16)
AEAD = ChaCha20Poly1305(hkdf(FILE_KEY, salt=NONCE, info=b"payload"))


def _plain(counter: int, size: int) -> bytes:
    return bytes([counter % 251]) * size


def _chunk(size: int, counter: int, last: bool) -> bytes:
    nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
    return AEAD.encrypt(nonce, _plain(counter, size), None)


def _full(count: int, start: int = 0) -> list[tuple[int, int, bool]]:
    return [(C, counter, False) for counter in range(start, start + count)]


def _file(shape: list[tuple[int, int, bool]], tail: bytes = b"") -> bytes:
    return HEADER + NONCE + b"".join(_chunk(*spec) for spec in shape) + tail


def _ours(data: bytes) -> tuple[bool, bytes]:
    released = bytearray()
    try:
        for piece in open_age(io.BytesIO(data), [IDENTITY]).chunks():
            released += piece
    except AgePayloadDamaged:
        return False, bytes(released)
    return True, bytes(released)


def _reference(data: bytes, tmp_path) -> tuple[bool, bytes]:
    key = tmp_path / "key.txt"
    key.write_text(IDENTITY.text + "\n")
    done = subprocess.run(["age", "-d", "-i", str(key)], input=data, capture_output=True, timeout=60)
    return done.returncode == 0, done.stdout


SHAPES = {
    "empty-payload": (_file([(0, 0, True)]), True),
    "empty-final-after-data": (_file([*_full(1), (0, 1, True)]), False),
    "empty-final-after-a-batch": (_file([*_full(16), (0, 16, True)]), False),
    "full-final-ends-a-batch": (_file([*_full(15), (C, 15, True)]), True),
    "full-final-ends-a-batch-then-a-byte": (_file([*_full(15), (C, 15, True)], b"x"), False),
    "full-final-ends-a-batch-then-a-chunk": (_file([*_full(15), (C, 15, True), (7, 16, True)]), False),
    "last-flag-mid-batch": (_file([*_full(1), (C, 1, True), (C, 2, False), (10, 3, True)]), False),
    "last-flag-opens-a-batch": (_file([*_full(16), (C, 16, True), (10, 17, True)]), False),
    "short-chunk-not-last-at-end": (_file([*_full(1), (10, 1, False)]), False),
    "short-chunk-mid-stream": (_file([*_full(1), (10, 1, False), (C, 2, False), (5, 3, True)]), False),
    "short-last-chunk-mid-stream": (_file([*_full(1), (10, 1, True), (5, 2, True)]), False),
    "no-final-chunk-one-batch": (_file(_full(16)), False),
    "no-final-chunk-two-batches": (_file(_full(32)), False),
    "counter-skips-at-a-batch": (_file([*_full(16), (10, 17, True)]), False),
    "counter-repeats-at-a-batch": (_file([*_full(16), (C, 15, False), (10, 17, True)]), False),
    "final-chunk-missing-a-tag-byte": (_file([*_full(16), (10, 16, True)])[:-1], False),
    "a-tag-alone-after-a-batch": (_file(_full(16)) + os.urandom(16), False),
    "seventeen-bytes-after-a-batch": (_file(_full(16)) + os.urandom(17), False),
}


@pytest.mark.skipif(shutil.which("age") is None, reason="needs the age tool (apt-get install age)")
@pytest.mark.parametrize("name", SHAPES)
def test_a_payload_shape_is_judged_as_age_judges_it(name, tmp_path):
    data, accepted = SHAPES[name]
    ours, theirs = _ours(data), _reference(data, tmp_path)
    assert theirs[0] is accepted  # the shape is what its name says (the reference agrees)
    assert ours == theirs


GENUINE_40 = _file([*_full(39), (5, 39, True)])
PAYLOAD = len(HEADER) + 16


@pytest.mark.skipif(shutil.which("age") is None, reason="needs the age tool (apt-get install age)")
@pytest.mark.parametrize(
    "cut",
    [
        15 * BLOCK,
        16 * BLOCK - 17,
        16 * BLOCK - 16,
        16 * BLOCK - 1,
        16 * BLOCK,
        16 * BLOCK + 1,
        16 * BLOCK + 16,
        16 * BLOCK + 17,
        17 * BLOCK,
        32 * BLOCK,
        32 * BLOCK + 100,
        39 * BLOCK + 20,
    ],
)
def test_a_cut_around_a_batch_is_refused_releasing_what_age_releases(cut, tmp_path):
    data = GENUINE_40[: PAYLOAD + cut]
    ours = _ours(data)
    assert ours[0] is False
    assert ours == _reference(data, tmp_path)


def test_a_caller_that_stops_early_has_only_whole_authenticated_batches():
    """A consumer that stops after one piece got only chunks that authenticated, and nothing more is read."""
    damaged = bytearray(GENUINE_40)
    damaged[PAYLOAD + 16 * BLOCK + 5] ^= 1  # chunk 16, the first of the second batch
    source = io.BytesIO(bytes(damaged))
    pieces = open_age(source, [IDENTITY]).chunks()
    first = next(pieces)
    assert bytes(first) == b"".join(_plain(counter, C) for counter in range(16))
    assert source.tell() <= PAYLOAD + 16 * BLOCK + 16 * 1024  # the bad chunk was not needed for the first piece
    pieces.close()
