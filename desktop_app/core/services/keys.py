"""The key material a front end handles, through one door instead of ``core.crypto``.

The window and its dialogs must not reach into ``core.crypto`` or ``core.storage`` (an import
contract forbids it): what they need of keys is a few values to show or pass back (the recovery
key shown once, the passphrase cost calibrated on this computer). They are named here, so the
crypto package stays free to change; the age keys of bundles have their own door, ``age_keys``.
The CLI uses the same doors (the same contract covers it).
"""

from desktop_app.core.crypto.kdf import MAX_PASSPHRASE_BYTES as MAX_PASSPHRASE_BYTES
from desktop_app.core.crypto.kdf import KdfParams as KdfParams
from desktop_app.core.crypto.kdf import calibrate as calibrate_kdf
from desktop_app.core.crypto.kdf import normalise_passphrase as normalise_passphrase
from desktop_app.core.crypto.keys import RecoveryKey as RecoveryKey
from desktop_app.core.crypto.stream import EncryptedFile as EncryptedFile

__all__ = [
    "MAX_PASSPHRASE_BYTES",
    "EncryptedFile",
    "KdfParams",
    "RecoveryKey",
    "calibrate_kdf",
    "normalise_passphrase",
]
