import io
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    # Streaming consumers see the good prefix (the two chunks that authenticated) and must drop
    # it; decrypt_all never hands it out.
    assert b"".join(received) == b"\x01" * (2 * CHUNK_SIZE)


@pytest.mark.parametrize("batch", [1, 2, 3, 16])
@pytest.mark.parametrize("chunks", [0, 1, 2, 3, 5, 16, 17])
def test_batched_reads_give_the_same_plaintext_at_every_boundary(batch: int, chunks: int):
    key = stream.new_file_key()
    for extra in (0, 1, CHUNK_SIZE - 1):
        plaintext = os.urandom(chunks * CHUNK_SIZE + extra) if chunks or extra else b""
        sealed = encrypt(plaintext, key)
        pieces = list(stream.iter_decrypt(key, io.BytesIO(sealed), batch=batch))
        assert b"".join(pieces) == plaintext
        assert all(len(p) <= (batch + 1) * CHUNK_SIZE for p in pieces)  # the held-back block joins the end


@pytest.mark.parametrize("batch", [1, 3, 16])
def test_a_batch_releases_only_the_chunks_before_a_bad_one(batch: int):
    key = stream.new_file_key()
    sealed = bytearray(encrypt(bytes(range(256)) * (5 * CHUNK_SIZE // 256), key))
    sealed[stream.NONCE_SIZE + 3 * (CHUNK_SIZE + stream.TAG_SIZE) + 7] ^= 1  # chunk 3 altered
    received = []
    with pytest.raises(StreamError, match="chunk 3"):
        for piece in stream.iter_decrypt(key, io.BytesIO(bytes(sealed)), batch=batch):
            received.append(piece)
    assert len(b"".join(received)) == 3 * CHUNK_SIZE


def test_a_stream_cut_at_a_chunk_boundary_is_refused_in_batches():
    key = stream.new_file_key()
    sealed = encrypt(b"\x02" * (4 * CHUNK_SIZE + 5), key)
    cut = sealed[: stream.NONCE_SIZE + 2 * (CHUNK_SIZE + stream.TAG_SIZE)]
    with pytest.raises(StreamError):
        b"".join(stream.iter_decrypt(key, io.BytesIO(cut), batch=16))


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


# --- random-access reader (open_encrypted) ------------------------------------------------------

READER_SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 5 * 1024 * 1024 + 3]


def sealed_file(tmp_path, data: bytes, cipher=stream.Cipher.AES_256_GCM, name="blob") -> stream.EncryptedFile:
    key = stream.new_file_key()
    path = tmp_path / name
    path.write_bytes(encrypt(data, key, piece=300_000, cipher=cipher))
    return stream.EncryptedFile(path, key, cipher)


def pattern(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("cipher", list(stream.Cipher))
@pytest.mark.parametrize("size", READER_SIZES)
def test_reader_round_trip(tmp_path, size, cipher):
    data = pattern(size)
    with stream.open_encrypted(sealed_file(tmp_path, data, cipher)) as reader:
        assert reader.size == size and reader.seekable() and reader.readable()
        assert reader.read() == data
        assert reader.read(10) == b"" and reader.tell() == size
        assert reader.seek(0) == 0
        buffered = io.BufferedReader(reader, buffer_size=10_000)
        assert buffered.read() == data


@pytest.mark.parametrize("size", READER_SIZES)
def test_reader_reads_across_chunk_boundaries(tmp_path, size):
    data = pattern(size, seed=size)
    with stream.open_encrypted(sealed_file(tmp_path, data)) as reader:
        for start in {0, CHUNK_SIZE - 2, CHUNK_SIZE, 2 * CHUNK_SIZE - 1, max(size - 1, 0), size, size + 5}:
            reader.seek(start)
            assert reader.read(CHUNK_SIZE + 7) == data[start : start + CHUNK_SIZE + 7]
        assert reader.seek(-size, io.SEEK_END) == 0
        with pytest.raises(ValueError):
            reader.seek(-size - 1, io.SEEK_END)
        reader.seek(0)
        reader.seek(3, io.SEEK_CUR)
        assert reader.tell() == 3
        target = bytearray(5)
        assert reader.readinto(target) == len(data[3:8])
        assert bytes(target[: len(data[3:8])]) == data[3:8]


_big_data = pattern(2 * 1024 * 1024 + 12_345, seed=7)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(
        st.tuples(st.integers(-100_000, len(_big_data) + 100_000), st.integers(0, 3 * CHUNK_SIZE)), max_size=25
    )
)
def test_reader_random_seeks_match_the_plaintext(tmp_path_factory, ops):
    path_dir = tmp_path_factory.mktemp("seek")
    enc = sealed_file(path_dir, _big_data)
    with stream.open_encrypted(enc) as reader:
        for offset, length in ops:
            if offset < 0:
                with pytest.raises(ValueError):
                    reader.seek(offset)
                continue
            reader.seek(offset)
            expected = _big_data[offset : offset + length]
            assert reader.read(length) == expected
            assert reader.tell() == offset + len(expected)


def test_reader_holds_one_chunk_not_the_file(tmp_path):
    enc = sealed_file(tmp_path, pattern(4 * CHUNK_SIZE))
    with stream.open_encrypted(enc) as reader:
        reader.seek(2 * CHUNK_SIZE + 10)
        reader.read(5)
        assert len(reader._cached) == CHUNK_SIZE  # O(chunk), whatever the file size


@pytest.mark.parametrize("size", [1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5])
def test_reader_detects_truncation_and_extension_on_open(tmp_path, size):
    enc = sealed_file(tmp_path, pattern(size))
    sealed = enc.path.read_bytes()
    cuts = {0, 5, stream.NONCE_SIZE, stream.NONCE_SIZE + 10, len(sealed) - 1, *chunk_offsets(sealed)} - {len(sealed)}
    for cut in sorted(cuts):
        enc.path.write_bytes(sealed[:cut])
        with pytest.raises(StreamError):
            stream.open_encrypted(enc)
    block = CHUNK_SIZE + stream.TAG_SIZE
    last_block = sealed[stream.NONCE_SIZE + ((len(sealed) - stream.NONCE_SIZE - 1) // block) * block :]
    for extended in (sealed + b"\x00" * 20, sealed + last_block):
        enc.path.write_bytes(extended)
        with pytest.raises(StreamError):
            stream.open_encrypted(enc)


def test_reader_detects_a_tampered_chunk_when_it_is_read(tmp_path):
    data = pattern(4 * CHUNK_SIZE + 100)
    enc = sealed_file(tmp_path, data)
    sealed = bytearray(enc.path.read_bytes())
    sealed[stream.NONCE_SIZE + (CHUNK_SIZE + stream.TAG_SIZE) + 7] ^= 0x40  # inside chunk 1
    enc.path.write_bytes(bytes(sealed))
    with stream.open_encrypted(enc) as reader:
        assert reader.read(CHUNK_SIZE) == data[:CHUNK_SIZE]  # chunk 0 is fine
        with pytest.raises(StreamError):
            reader.read(10)
        assert reader.integrity_error is not None
        reader.seek(3 * CHUNK_SIZE)
        assert reader.read(10) == data[3 * CHUNK_SIZE : 3 * CHUNK_SIZE + 10]


def test_reader_detects_reordered_chunks_and_wrong_keys(tmp_path):
    data = pattern(4 * CHUNK_SIZE + 100)
    enc = sealed_file(tmp_path, data)
    sealed = enc.path.read_bytes()
    block = CHUNK_SIZE + stream.TAG_SIZE
    header, body = sealed[: stream.NONCE_SIZE], sealed[stream.NONCE_SIZE :]
    chunks = [body[i : i + block] for i in range(0, len(body), block)]
    chunks[0], chunks[1] = chunks[1], chunks[0]
    enc.path.write_bytes(header + b"".join(chunks))
    with stream.open_encrypted(enc) as reader, pytest.raises(StreamError):
        reader.read(1)
    enc.path.write_bytes(sealed)
    wrong = stream.EncryptedFile(enc.path, stream.new_file_key(), enc.cipher)
    with pytest.raises(StreamError):
        stream.open_encrypted(wrong)
    other_cipher = stream.EncryptedFile(enc.path, enc.file_key, stream.Cipher.CHACHA20_POLY1305)
    with pytest.raises(StreamError):
        stream.open_encrypted(other_cipher)


def test_empty_payload_is_authenticated_too(tmp_path):
    enc = sealed_file(tmp_path, b"")
    enc.path.write_bytes(os.urandom(stream.NONCE_SIZE + stream.TAG_SIZE))  # right size, not ours
    with pytest.raises(StreamError):
        stream.open_encrypted(enc)


def test_reader_refuses_use_after_close(tmp_path):
    reader = stream.open_encrypted(sealed_file(tmp_path, b"abc"))
    reader.close()
    reader.close()
    with pytest.raises(ValueError):
        reader.read(1)
    with pytest.raises(ValueError):
        reader.seek(0)
