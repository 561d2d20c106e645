"""A shared real decoder pool (worker processes cost a spawn each) and helpers to stage media."""

import io
from pathlib import Path

import pytest

from desktop_app.core.crypto import stream
from desktop_app.core.decoding.pool import DecodeLimits, DecoderPool


@pytest.fixture(scope="module")
def pool():
    with DecoderPool(workers=2, limits=DecodeLimits()) as shared:
        yield shared


def put(directory: Path, name: str, data: bytes) -> Path:
    """Write a synthetic test file (not evidence) and return its path."""
    path = directory / name
    path.write_bytes(data)
    return path


def seal(directory: Path, data: bytes, name: str = "blob-0001") -> stream.EncryptedFile:
    """Store ``data`` the way the vault does (AES-256-GCM STREAM, random file key)."""
    key = stream.new_file_key()
    out = io.BytesIO()
    encryptor = stream.StreamEncryptor(key, out, stream.Cipher.AES_256_GCM)
    encryptor.write(data)
    encryptor.finish()
    path = directory / name
    path.write_bytes(out.getvalue())
    return stream.EncryptedFile(path, key, stream.Cipher.AES_256_GCM)


def vm_rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")
