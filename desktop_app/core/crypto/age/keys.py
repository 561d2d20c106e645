"""age recipients and identities: X25519 (``age1...`` / ``AGE-SECRET-KEY-1...``) and scrypt passphrases.

A recipient wraps a file key into a stanza; an identity unwraps one. Unknown stanza types are
skipped (the spec requires it), but a stanza of a type we implement that is malformed - wrong
argument count, non-32-byte share or body, an all-zero shared secret - fails the whole header,
as the reference implementation does.
"""

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop_app.core.crypto.aead import hkdf
from desktop_app.core.crypto.age import bech32
from desktop_app.core.crypto.age.errors import AgeHeaderInvalid, AgeKeyInvalid, AgeWorkFactorRejected
from desktop_app.core.crypto.age.header import Stanza, b64_decode_canonical, b64_encode_raw

FILE_KEY_SIZE = 16
_WRAPPED_SIZE = FILE_KEY_SIZE + 16
_ZERO_NONCE = bytes(12)
_X25519_INFO = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
WRITE_WORK_FACTOR = 18  # Go age's default: ~1 s and 256 MiB here, accepted by every age and rage
MAX_WORK_FACTOR = 20  # what we will spend reading: ~4 s and 1 GiB; rage writes 18-20 on fast machines
_WORK_FACTOR_SYNTAX = re.compile(r"[1-9][0-9]{0,1}")


class Recipient(Protocol):
    """Something a file key can be wrapped to."""

    def wrap(self, file_key: bytes) -> Stanza:
        """Return the stanza that carries ``file_key`` for this recipient."""
        ...


class Identity(Protocol):
    """Something that may unwrap a file key from a header's stanzas."""

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """The file key, or None if no stanza is for this identity (malformed ones raise)."""
        ...


def _wrap_key(key: bytes, file_key: bytes) -> bytes:
    return ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)


def _unwrap_key(key: bytes, body: bytes) -> bytes | None:
    if len(body) != _WRAPPED_SIZE:  # checked before decrypting: the partitioning-oracle defence
        raise AgeHeaderInvalid("This age file is damaged: a recipient stanza has a body of the wrong size.")
    try:
        return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None


@dataclass(frozen=True)
class X25519Recipient:
    """An ``age1...`` public key."""

    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> "X25519Recipient":
        """Parse ``age1...``; raises ``AgeKeyInvalid`` with what is wrong."""
        try:
            hrp, data = bech32.decode(text.strip())
        except bech32.Bech32Error as exc:
            raise AgeKeyInvalid(
                f"{text[:12]!r}... is not an age recipient key ({exc}); check it was copied whole."
            ) from None
        if hrp != "age" or len(data) != 32:
            raise AgeKeyInvalid("That is not an age X25519 recipient: it starts with 'age1' and has 62 characters.")
        return cls(data)

    @property
    def text(self) -> str:
        """The ``age1...`` form."""
        return bech32.encode("age", self.public_key)

    def wrap(self, file_key: bytes) -> Stanza:
        """Wrap ``file_key`` under a fresh ephemeral X25519 share."""
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(self.public_key))
        key = hkdf(shared, salt=share + self.public_key, info=_X25519_INFO)
        return Stanza("X25519", (b64_encode_raw(share).decode(),), _wrap_key(key, file_key))


@dataclass(frozen=True, repr=False)
class X25519Identity:
    """An ``AGE-SECRET-KEY-1...`` private key. ``repr`` is off so it never reaches a log."""

    private_key: X25519PrivateKey

    @classmethod
    def generate(cls) -> "X25519Identity":
        """A fresh key pair."""
        return cls(X25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> "X25519Identity":
        """Parse ``AGE-SECRET-KEY-1...``."""
        try:
            hrp, data = bech32.decode(text.strip())
        except bech32.Bech32Error as exc:
            raise AgeKeyInvalid(f"That is not a readable age secret key ({exc}).") from None
        if hrp != "age-secret-key-" or len(data) != 32:
            raise AgeKeyInvalid("That is not an age X25519 secret key (it should start with 'AGE-SECRET-KEY-1').")
        return cls(X25519PrivateKey.from_private_bytes(data))

    @property
    def text(self) -> str:
        """The ``AGE-SECRET-KEY-1...`` form (a secret: show only on explicit request)."""
        return bech32.encode("AGE-SECRET-KEY-", self.private_key.private_bytes_raw())

    @property
    def recipient(self) -> X25519Recipient:
        """The matching public key."""
        return X25519Recipient(self.private_key.public_key().public_bytes_raw())

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """Try every X25519 stanza; malformed ones fail the header."""
        own = self.recipient.public_key
        for stanza in stanzas:
            if stanza.type != "X25519":
                continue
            if len(stanza.args) != 1:
                raise AgeHeaderInvalid("This age file is damaged: an X25519 stanza has the wrong number of arguments.")
            share = b64_decode_canonical(stanza.args[0].encode())
            if len(share) != 32:
                raise AgeHeaderInvalid("This age file is damaged: an X25519 share is not 32 bytes.")
            if len(stanza.body) != _WRAPPED_SIZE:
                raise AgeHeaderInvalid("This age file is damaged: an X25519 stanza body is not 32 bytes.")
            try:
                shared = self.private_key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:  # all-zero shared secret: a low-order share, refused by the spec
                raise AgeHeaderInvalid("This age file is damaged: an X25519 share is a low-order point.") from None
            if shared == bytes(32):
                raise AgeHeaderInvalid("This age file is damaged: an X25519 share is a low-order point.")
            file_key = _unwrap_key(hkdf(shared, salt=share + own, info=_X25519_INFO), stanza.body)
            if file_key is not None:
                return file_key
        return None


@dataclass(frozen=True, repr=False)
class ScryptRecipient:
    """A passphrase; always the only recipient of a file (the spec requires it)."""

    passphrase: str = field(repr=False)
    work_factor: int = WRITE_WORK_FACTOR

    def wrap(self, file_key: bytes) -> Stanza:
        """Wrap ``file_key`` under scrypt(passphrase), N = 2^work_factor, r = 8, p = 1."""
        salt = os.urandom(16)
        key = _scrypt(self.passphrase, salt, self.work_factor)
        return Stanza("scrypt", (b64_encode_raw(salt).decode(), str(self.work_factor)), _wrap_key(key, file_key))


@dataclass(frozen=True, repr=False)
class ScryptIdentity:
    """A passphrase to try; refuses work factors above ``max_work_factor`` before spending any."""

    passphrase: str = field(repr=False)
    max_work_factor: int = MAX_WORK_FACTOR

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """Unwrap the (single) scrypt stanza, if there is one."""
        for stanza in stanzas:
            if stanza.type != "scrypt":
                continue
            if len(stanza.args) != 2:
                raise AgeHeaderInvalid("This age file is damaged: its passphrase stanza has the wrong arguments.")
            salt = b64_decode_canonical(stanza.args[0].encode())
            if len(salt) != 16:
                raise AgeHeaderInvalid("This age file is damaged: its passphrase salt is not 16 bytes.")
            if not _WORK_FACTOR_SYNTAX.fullmatch(stanza.args[1]):
                raise AgeHeaderInvalid("This age file is damaged: its passphrase work factor is not a plain number.")
            work_factor = int(stanza.args[1])
            if work_factor > self.max_work_factor:
                raise AgeWorkFactorRejected(
                    f"This file asks for 2^{work_factor} passphrase work (more than 2^{self.max_work_factor}, "
                    "minutes of computing and gigabytes of memory); it was refused. Ask the sender to "
                    "encrypt it to your age key, or with stock age's default passphrase settings."
                )
            if len(stanza.body) != _WRAPPED_SIZE:
                raise AgeHeaderInvalid("This age file is damaged: its passphrase stanza body is not 32 bytes.")
            return _unwrap_key(_scrypt(self.passphrase, salt, work_factor), stanza.body)
        return None


def _scrypt(passphrase: str, salt: bytes, work_factor: int) -> bytes:
    return Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << work_factor, r=8, p=1).derive(passphrase.encode())


def parse_identity_file(text: str) -> list[X25519Identity]:
    """Identities from an age-keygen key file: one key a line, ``#`` comments and blank lines ignored."""
    identities = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(X25519Identity.parse(line))
        except AgeKeyInvalid as exc:
            raise AgeKeyInvalid(f"Line {number} of the key file: {exc.message}") from None
    if not identities:
        raise AgeKeyInvalid("The key file holds no AGE-SECRET-KEY-1... line.")
    return identities
