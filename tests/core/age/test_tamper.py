"""Hostile and damaged age files: each refused with a typed error, fast, releasing nothing unauthenticated."""

import io
import os
import time

import pytest

from desktop_app.core.crypto.age.errors import (
    AgeError,
    AgeHeaderAltered,
    AgeHeaderInvalid,
    AgeHeaderTooLarge,
    AgeNoMatchingIdentity,
    AgePayloadDamaged,
    AgeWorkFactorRejected,
)
from desktop_app.core.crypto.age.file import AgeWriter, encrypt_chunks, open_age
from desktop_app.core.crypto.age.header import b64_encode_raw
from desktop_app.core.crypto.age.keys import ScryptIdentity, ScryptRecipient, X25519Identity

BLOCK = 64 * 1024 + 16
IDENTITY = X25519Identity.generate()
PLAINTEXT = os.urandom(4 * 64 * 1024 + 999)


def _seal(plaintext: bytes = PLAINTEXT) -> bytes:
    return b"".join(encrypt_chunks([plaintext], [IDENTITY.recipient]))


SEALED = _seal()
HEADER_END = SEALED.index(b"\n---") + 48  # "\n--- " + 43 base64 characters, then "\n"


def _refused(data: bytes, expected: type[AgeError], identities=(IDENTITY,)) -> AgeError:
    released = bytearray()
    started = time.process_time()  # CPU seconds: a loaded machine does not stretch them
    with pytest.raises(expected) as caught:
        for chunk in open_age(io.BytesIO(data), list(identities)).chunks():
            released += chunk
    assert time.process_time() - started < 1.0
    # Only authenticated chunks ever come out: whatever was released is a true prefix.
    assert PLAINTEXT.startswith(released)
    assert caught.value.message and caught.value.code.startswith("age-")
    return caught.value


def test_the_untouched_file_opens():
    assert b"".join(open_age(io.BytesIO(SEALED), [IDENTITY]).chunks()) == PLAINTEXT


def test_a_flipped_bit_anywhere_in_the_header_is_refused():
    for position in range(HEADER_END + 16):  # every header byte and the payload nonce
        damaged = bytearray(SEALED)
        damaged[position] ^= 0x01
        _refused(bytes(damaged), AgeError)


@pytest.mark.parametrize("position", [HEADER_END + 16 + k * 9973 for k in range(len(PLAINTEXT) // 9973)] + [-1])
def test_a_flipped_bit_in_the_payload_is_refused(position):
    damaged = bytearray(SEALED)
    damaged[position] ^= 0x80
    _refused(bytes(damaged), AgePayloadDamaged)


@pytest.mark.parametrize("cut", [1, 16, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 5])
def test_truncation_is_refused(cut):
    payload_start = HEADER_END + 16
    _refused(SEALED[: payload_start + cut], AgePayloadDamaged)


def test_truncation_to_the_header_is_refused():
    _refused(SEALED[:HEADER_END], AgeHeaderInvalid)
    _refused(SEALED[: HEADER_END - 10], AgeHeaderInvalid)


def test_appended_data_is_refused():
    _refused(SEALED + b"x", AgePayloadDamaged)


def test_swapped_chunks_are_refused():
    start = HEADER_END + 16
    first, second = SEALED[start : start + BLOCK], SEALED[start + BLOCK : start + 2 * BLOCK]
    swapped = SEALED[:start] + second + first + SEALED[start + 2 * BLOCK :]
    error = _refused(swapped, AgePayloadDamaged)
    assert "chunk 0" in error.message


def test_a_dropped_chunk_is_refused():
    start = HEADER_END + 16
    _refused(SEALED[:start] + SEALED[start + BLOCK :], AgePayloadDamaged)


def _header_with_stanzas(count: int) -> bytes:
    stanza = b"-> X25519 " + b64_encode_raw(os.urandom(32)) + b"\n" + b64_encode_raw(os.urandom(32)) + b"\n"
    return b"age-encryption.org/v1\n" + stanza * count + b"--- " + b64_encode_raw(bytes(32)) + b"\n" + bytes(64)


def test_ten_thousand_stanzas_are_refused_unread():
    error = _refused(_header_with_stanzas(10_000), AgeHeaderTooLarge)
    assert "more than 64" in error.message


def test_a_huge_stanza_body_is_refused_unread():
    body = b64_encode_raw(os.urandom(48)) * 2000
    lines = b"".join(body[i : i + 64] + b"\n" for i in range(0, len(body), 64))
    data = b"age-encryption.org/v1\n-> grease\n" + lines + b"\n--- " + b64_encode_raw(bytes(32)) + b"\n"
    _refused(data, AgeHeaderTooLarge)


@pytest.mark.parametrize("work_factor", [21, 40, 99])
def test_an_absurd_work_factor_is_refused_before_any_work(work_factor):
    sealed = b"".join(encrypt_chunks([b"x"], [ScryptRecipient("pw", work_factor=10)]))
    forged = sealed.replace(b" 10\n", f" {work_factor}\n".encode(), 1)
    _refused(forged, AgeWorkFactorRejected, identities=[ScryptIdentity("pw")])


def test_a_wrong_key_or_passphrase_opens_nothing():
    _refused(SEALED, AgeNoMatchingIdentity, identities=[X25519Identity.generate()])
    sealed = b"".join(encrypt_chunks([b"x"], [ScryptRecipient("right", work_factor=10)]))
    _refused(sealed, AgeNoMatchingIdentity, identities=[ScryptIdentity("wrong")])


def test_a_stanza_added_to_a_valid_header_breaks_its_mac():
    data = SEALED.replace(b"\n---", b"\n-> grease\n\n---", 1)  # a well-formed, unknown stanza
    _refused(data, AgeHeaderAltered)


def test_an_unfinished_writer_leaves_a_file_no_reader_accepts():
    out = io.BytesIO()
    writer = AgeWriter(out, [IDENTITY.recipient])
    writer.write(PLAINTEXT)  # never finished: as if the export was killed
    _refused(out.getvalue(), AgePayloadDamaged)


def test_a_passphrase_cannot_share_a_file_with_other_recipients():
    with pytest.raises(AgeError):
        AgeWriter(io.BytesIO(), [ScryptRecipient("pw"), IDENTITY.recipient])


def test_random_bytes_are_not_an_age_file():
    _refused(os.urandom(1000), AgeHeaderInvalid)
    _refused(b"", AgeHeaderInvalid)


@pytest.mark.parametrize("bad", [0, 15, 16, 20, 39])
def test_a_bad_chunk_in_a_long_payload_releases_exactly_the_chunks_before_it(bad):
    """The reader decrypts 16 chunks per read; what it releases must still be chunk-exact."""
    plaintext = os.urandom(40 * 64 * 1024 + 5)
    sealed = bytearray(_seal(plaintext))
    sealed[HEADER_END + 16 + bad * BLOCK + 100] ^= 0x01  # after the 16-byte payload nonce
    released = bytearray()
    with pytest.raises(AgePayloadDamaged, match=f"chunk {bad} "):
        for chunk in open_age(io.BytesIO(bytes(sealed)), [IDENTITY]).chunks():
            released += chunk
    assert bytes(released) == plaintext[: bad * 64 * 1024]


def test_a_full_final_chunk_in_mid_batch_followed_by_more_data_is_released_then_refused():
    body = os.urandom(3 * 64 * 1024)
    whole = _seal(body)  # three full chunks, the third sealed as the last
    extra = whole + os.urandom(BLOCK)  # a fourth block after the final chunk
    released = bytearray()
    with pytest.raises(AgePayloadDamaged, match="data after its final chunk"):
        for chunk in open_age(io.BytesIO(extra), [IDENTITY]).chunks():
            released += chunk
    assert bytes(released) == body
