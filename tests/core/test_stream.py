import io

import pytest

from desktop_app.core.crypto import stream
from desktop_app.core.crypto.stream import CHUNK_SIZE, StreamEncryptor, StreamError, decrypt_all

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * 1024 * 1024 + 7]


def encrypt(data: bytes, key: bytes, piece: int = 10_000, cipher=stream.Cipher.CHACHA20_POLY1305) -> bytes:
    out = io.BytesIO()
    enc = StreamEncryptor(key, out, cipher)
    for i in range(0, len(data), piece):
        enc.write(data[i : i + piece])
    enc.finish()
    return out.getvalue()


@pytest.mark.parametrize("cipher", list(stream.Cipher))
@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_size(size, cipher):
    key, data = stream.new_file_key(), bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sealed = encrypt(data, key, cipher=cipher)
    assert len(sealed) == stream.encrypted_size(size)
    assert decrypt_all(key, io.BytesIO(sealed), cipher) == data
    other = next(c for c in stream.Cipher if c is not cipher)
    with pytest.raises(StreamError):
        decrypt_all(key, io.BytesIO(sealed), other)


@pytest.mark.parametrize("piece", [1, 7, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 3, 2 * CHUNK_SIZE, 10 * CHUNK_SIZE])
def test_write_granularity_does_not_change_the_plaintext(piece):
    key, data = stream.new_file_key(), b"ab" * (CHUNK_SIZE + 100)
    assert decrypt_all(key, io.BytesIO(encrypt(data, key, piece))) == data


def chunk_offsets(sealed: bytes) -> list[int]:
    block = CHUNK_SIZE + stream.TAG_SIZE
    return list(range(stream.NONCE_SIZE, len(sealed), block))


@pytest.mark.parametrize("size", SIZES)
def test_flipped_bit_anywhere_is_detected(size):
    key = stream.new_file_key()
    sealed = bytearray(encrypt(b"\x5a" * size, key))
    for position in {0, stream.NONCE_SIZE, len(sealed) // 2, len(sealed) - 1}:
        damaged = bytearray(sealed)
        damaged[position] ^= 0x01
        with pytest.raises(StreamError):
            decrypt_all(key, io.BytesIO(bytes(damaged)))


@pytest.mark.parametrize("size", [1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_every_truncation_is_detected(size):
    key = stream.new_file_key()
    sealed = encrypt(b"\x33" * size, key)
    cuts = {0, 5, stream.NONCE_SIZE, len(sealed) - 1, *chunk_offsets(sealed)} - {len(sealed)}
    for cut in cuts:
        with pytest.raises(StreamError):
            decrypt_all(key, io.BytesIO(sealed[:cut]))


def test_reordered_and_dropped_chunks_are_detected():
    key = stream.new_file_key()
    sealed = encrypt(bytes(range(256)) * (4 * CHUNK_SIZE // 256), key)
    block = CHUNK_SIZE + stream.TAG_SIZE
    header, body = sealed[: stream.NONCE_SIZE], sealed[stream.NONCE_SIZE :]
    chunks = [body[i : i + block] for i in range(0, len(body), block)]
    swapped = chunks[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    for variant in (swapped, chunks[1:], chunks[:1] + chunks[2:], chunks + chunks[-1:]):
        with pytest.raises(StreamError):
            decrypt_all(key, io.BytesIO(header + b"".join(variant)))


def test_wrong_key_is_detected():
    sealed = encrypt(b"content", stream.new_file_key())
    with pytest.raises(StreamError):
        decrypt_all(stream.new_file_key(), io.BytesIO(sealed))


def test_decrypt_all_returns_nothing_when_the_end_is_bad():
    key = stream.new_file_key()
    sealed = bytearray(encrypt(b"\x01" * (3 * CHUNK_SIZE), key))
    sealed[-1] ^= 0xFF
    received = []
    with pytest.raises(StreamError):
        for chunk in stream.iter_decrypt(key, io.BytesIO(bytes(sealed))):
            received.append(chunk)
    # Streaming consumers see the good prefix and must drop it; decrypt_all never hands it out.
    assert len(received) == 2


def test_age_payload_layout_matches_an_independent_decryption():
    """Decrypt our stream by hand from the age spec, so the layout is checked, not just our round trip."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key, data = stream.new_file_key(), bytes(range(256)) * 600  # 153,600 bytes: 3 chunks, short last
    sealed = encrypt(data, key)
    nonce, body = sealed[:16], sealed[16:]
    payload_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(key)
    aead, block, out = ChaCha20Poly1305(payload_key), CHUNK_SIZE + 16, b""
    chunks = [body[i : i + block] for i in range(0, len(body), block)]
    for counter, chunk in enumerate(chunks):
        last = counter == len(chunks) - 1
        out += aead.decrypt(counter.to_bytes(11, "big") + bytes([last]), chunk, None)
    assert out == data and len(chunks) == 3
