"""The age keys the UI and the CLI handle, without them reaching into ``core.crypto``.

Dialogs parse what a person typed or chose (a recipient's ``age1...`` key, a key file, a
passphrase) into the opaque recipients and identities the bundle and backup services take.
"""

from pathlib import Path

from desktop_app.core.crypto.age.errors import AgeError as AgeError
from desktop_app.core.crypto.age.errors import AgeKeyInvalid as AgeKeyInvalid
from desktop_app.core.crypto.age.keys import Identity as Identity
from desktop_app.core.crypto.age.keys import Recipient as Recipient
from desktop_app.core.crypto.age.keys import (
    ScryptIdentity,
    ScryptRecipient,
    X25519Recipient,
    parse_identity_file,
)


def recipient_from_text(text: str) -> Recipient:
    """An ``age1...`` public key (raises ``AgeError`` with a message a person can act on)."""
    return X25519Recipient.parse(text.strip())


def public_key_in(text: str) -> str:
    """The ``age1...`` key in a pasted or imported text: a bare key, or age-keygen's file.

    age-keygen writes ``# public key: age1...`` above the secret; a recipient's key file holds
    the key alone. A secret key is refused: it must never be stored as someone's address.
    """
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            raise AgeError("This is a secret key. Ask the recipient for their public key (it starts with age1).")
        if line.startswith("# public key:"):
            line = line.split(":", 1)[1].strip()
        if line.startswith("age1"):
            return X25519Recipient.parse(line).text
    raise AgeError("No age public key (age1...) was found in it.")


def passphrase_recipient(passphrase: str) -> Recipient:
    """Encrypt to a passphrase (age's scrypt recipient; it must be the only recipient)."""
    if not passphrase:
        raise AgeError("Enter a passphrase.")
    return ScryptRecipient(passphrase)


def passphrase_identity(passphrase: str) -> Identity:
    """Open with a passphrase."""
    return ScryptIdentity(passphrase)


def identities_from_key_file(text: str) -> list[Identity]:
    """Every ``AGE-SECRET-KEY-1...`` in a key file's text."""
    return list(parse_identity_file(text))


def identities_for(passphrase: str, key_file: str) -> list[Identity]:
    """What a dialog's "key file or passphrase" fields mean: the passphrase if typed, else the file's keys.

    Raises:
        OSError: the key file cannot be read. AgeError: it holds no usable key.
    """
    if passphrase:
        return [passphrase_identity(passphrase)]
    return identities_from_key_file(Path(key_file).read_text(encoding="utf-8"))
