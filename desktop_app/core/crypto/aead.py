"""Small-value authenticated encryption: key slots, wrapped keys, encrypted columns, log entries.

AES-256-GCM with a fresh random 96-bit nonce per message. Random (not counter) nonces because the
same logical position can be written twice after a crash or a restored backup; with a counter
that would reuse a nonce under one key, which is fatal for GCM. Every caller passes associated
data naming what the ciphertext is and where it belongs, so a value moved to another row or
column fails to open.
"""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_LENGTH = 12
TAG_LENGTH = 16


class OpenFailed(Exception):
    """Ciphertext did not authenticate (wrong key, wrong associated data, or altered bytes)."""


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt; returns nonce || ciphertext || tag."""
    nonce = os.urandom(NONCE_LENGTH)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt what ``seal`` produced, or raise ``OpenFailed``."""
    if len(sealed) < NONCE_LENGTH + TAG_LENGTH:
        raise OpenFailed("ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:], associated_data)
    except InvalidTag as exc:
        raise OpenFailed("authentication failed") from exc


def hkdf(key: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA-256."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def mac(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA-256."""
    return hmac.new(key, message, hashlib.sha256).digest()
