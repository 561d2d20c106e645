"""The key material a front end handles, through one door instead of ``core.crypto``.

The window and its dialogs must not reach into ``core.crypto`` or ``core.storage`` (an import
contract forbids it): what they need of keys is a few values to show or pass back (the recovery
key shown once, the passphrase cost calibrated on this computer, age recipients and identities for
bundles). They are named here, and parsed here, so the crypto package stays free to change.
"""

from collections.abc import Iterable

from desktop_app.core.crypto.age.keys import Identity as Identity
from desktop_app.core.crypto.age.keys import Recipient as Recipient
from desktop_app.core.crypto.age.keys import ScryptIdentity, X25519Recipient, parse_identity_file
from desktop_app.core.crypto.kdf import MAX_PASSPHRASE_BYTES as MAX_PASSPHRASE_BYTES
from desktop_app.core.crypto.kdf import KdfParams as KdfParams
from desktop_app.core.crypto.kdf import calibrate as calibrate_kdf
from desktop_app.core.crypto.keys import RecoveryKey as RecoveryKey
from desktop_app.core.crypto.stream import EncryptedFile as EncryptedFile

__all__ = [
    "MAX_PASSPHRASE_BYTES",
    "EncryptedFile",
    "Identity",
    "KdfParams",
    "Recipient",
    "RecoveryKey",
    "calibrate_kdf",
    "identities_from_file",
    "passphrase_identity",
    "recipients_from_lines",
]


def recipients_from_lines(lines: Iterable[str]) -> list[Recipient]:
    """Parse ``age1...`` public keys, one per entry; ``AgeKeyInvalid`` names a bad one."""
    return [X25519Recipient.parse(line) for line in lines]


def passphrase_identity(passphrase: str) -> Identity:
    """The identity that opens what was encrypted to ``passphrase`` (age's scrypt recipient)."""
    return ScryptIdentity(passphrase)


def identities_from_file(text: str) -> list[Identity]:
    """The identities of an age key file (``AGE-SECRET-KEY-1...`` lines, comments allowed)."""
    return list(parse_identity_file(text))
