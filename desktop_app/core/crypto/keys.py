"""The workspace key hierarchy.

A random 256-bit master key is the root. It is stored only wrapped: once under a key derived from
the passphrase (Argon2id) and once under the recovery key. Everything else is derived from it with
HKDF, so changing the passphrase re-wraps 32 bytes and never touches the vault or the log.

    passphrase --Argon2id--> KEK --AES-GCM--> master key
    recovery key --HKDF----> KEK' -AES-GCM--> master key
    master key --HKDF(info=purpose, salt=workspace id)--> dek-wrap | log-enc | log-head |
                                                         blind-index | fields | signing-wrap
"""

import base64
import hashlib
import os
from dataclasses import dataclass

from desktop_app.core.crypto.aead import OpenFailed, hkdf, open_sealed, seal
from desktop_app.core.crypto.kdf import KdfParams, derive_key
from desktop_app.core.errors import WrongPassphrase, WrongRecoveryKey

MASTER_KEY_SIZE = 32
RECOVERY_KEY_SIZE = 20  # 160 bits: far beyond guessing without any KDF work factor
_RECOVERY_CHECK_CHARS = 4
_PURPOSES = ("dek-wrap", "log-enc", "log-head", "blind-index", "fields", "signing-wrap")


@dataclass(frozen=True)
class Subkeys:
    """Purpose-bound keys derived from the master key. Never stored."""

    dek_wrap: bytes
    log_enc: bytes
    log_head: bytes
    blind_index: bytes
    fields: bytes
    signing_wrap: bytes

    @classmethod
    def derive(cls, master_key: bytes, workspace_id: bytes) -> "Subkeys":
        """Derive every subkey; the workspace id as salt keeps two workspaces' keys unrelated."""
        keys = [hkdf(master_key, workspace_id, b"evidence-desk/v1/" + p.encode()) for p in _PURPOSES]
        return cls(*keys)


def new_master_key() -> bytes:
    """A fresh random master key."""
    return os.urandom(MASTER_KEY_SIZE)


def _slot_ad(kind: str, workspace_id: bytes, params_json: str) -> bytes:
    # Binding the KDF parameters means editing them (to weaken them, say) makes the slot unopenable.
    return b"evidence-desk/keyslot/v1\x00" + kind.encode() + b"\x00" + workspace_id + params_json.encode()


def wrap_with_passphrase(
    master_key: bytes, passphrase: str, params: KdfParams, workspace_id: bytes, kind: str = "passphrase"
) -> bytes:
    """Seal the master key under a passphrase-derived key, for the slot ``kind`` (a reviewer's slot)."""
    kek = derive_key(passphrase, params)
    return seal(kek, master_key, _slot_ad(kind, workspace_id, params.to_json()))


def unwrap_with_passphrase(
    wrapped: bytes, passphrase: str, params: KdfParams, workspace_id: bytes, kind: str = "passphrase"
) -> bytes:
    """Open the passphrase slot ``kind`` or raise ``WrongPassphrase``."""
    kek = derive_key(passphrase, params)
    try:
        return open_sealed(kek, wrapped, _slot_ad(kind, workspace_id, params.to_json()))
    except OpenFailed:
        # An AEAD cannot tell a wrong passphrase from a damaged slot; say both, offer the way out.
        raise WrongPassphrase(
            "Wrong passphrase, or the workspace's key slot is damaged. Check the keyboard layout and "
            "Caps Lock; if it still fails, unlock with your recovery key."
        ) from None


@dataclass(frozen=True)
class RecoveryKey:
    """The one-time-shown recovery key. ``text`` is what the reviewer writes down."""

    raw: bytes

    @classmethod
    def generate(cls) -> "RecoveryKey":
        """A fresh recovery key."""
        return cls(os.urandom(RECOVERY_KEY_SIZE))

    @property
    def text(self) -> str:
        """Base32 in groups of four, ending with a short checksum that catches typos."""
        body = base64.b32encode(self.raw).decode().rstrip("=")
        check = base64.b32encode(hashlib.sha256(self.raw).digest()).decode()[:_RECOVERY_CHECK_CHARS]
        chars = body + check
        return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))

    @classmethod
    def parse(cls, text: str) -> "RecoveryKey":
        """Read a typed recovery key: case, spaces and dashes do not matter; 0/1/8 read as O/I/B."""
        cleaned = "".join(c for c in text.upper() if c.isalnum()).translate(str.maketrans("018", "OIB"))
        body, check = cleaned[:-_RECOVERY_CHECK_CHARS], cleaned[-_RECOVERY_CHECK_CHARS:]
        try:
            raw = base64.b32decode(body + "=" * (-len(body) % 8))
        except ValueError:
            raw = b""
        key = cls(raw)
        if len(raw) != RECOVERY_KEY_SIZE or key.text.replace("-", "")[-_RECOVERY_CHECK_CHARS:] != check:
            raise WrongRecoveryKey(
                "That recovery key has a typo: check each group of four characters against your copy."
            )
        return key

    def _kek(self, workspace_id: bytes) -> bytes:
        return hkdf(self.raw, workspace_id, b"evidence-desk/v1/recovery-slot")

    def wrap(self, master_key: bytes, workspace_id: bytes) -> bytes:
        """Seal the master key under this recovery key."""
        return seal(self._kek(workspace_id), master_key, _slot_ad("recovery", workspace_id, ""))

    def unwrap(self, wrapped: bytes, workspace_id: bytes) -> bytes:
        """Open the recovery slot or raise ``WrongRecoveryKey``."""
        try:
            return open_sealed(self._kek(workspace_id), wrapped, _slot_ad("recovery", workspace_id, ""))
        except OpenFailed:
            raise WrongRecoveryKey("This recovery key does not belong to this workspace.") from None
