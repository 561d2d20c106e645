"""Typed, actionable failures of age files (c2sp.org/age): what is wrong and what to do next.

The classes follow the age test kit's outcome classes (armor, header, HMAC, no match, payload),
so a caller - and the tests - can tell a damaged file from a wrong key.
"""

from desktop_app.core.errors import EvidenceDeskError


class AgeError(EvidenceDeskError):
    """Any failure to read or write an age file."""

    code = "age-error"


class AgeKeyInvalid(AgeError):
    """A recipient (``age1...``) or identity (``AGE-SECRET-KEY-1...``) string is malformed."""

    code = "age-key-invalid"


class AgeArmorInvalid(AgeError):
    """The ASCII armor (``-----BEGIN AGE ENCRYPTED FILE-----``) is malformed."""

    code = "age-armor-invalid"


class AgeHeaderInvalid(AgeError):
    """The header is not a well-formed age v1 header (or is not an age file at all)."""

    code = "age-header-invalid"


class AgeHeaderTooLarge(AgeHeaderInvalid):
    """The header exceeds the reader's bounds (size or number of recipient stanzas)."""

    code = "age-header-too-large"


class AgeWorkFactorRejected(AgeHeaderInvalid):
    """A passphrase stanza asks for more scrypt work than this reader will ever spend."""

    code = "age-work-factor-rejected"


class AgeHeaderAltered(AgeError):
    """The file key opened but the header MAC does not match: the header was altered."""

    code = "age-header-altered"


class AgeNoMatchingIdentity(AgeError):
    """None of the given keys or passphrases opens this file."""

    code = "age-no-matching-identity"


class AgePayloadDamaged(AgeError):
    """The encrypted content is altered, truncated, reordered or has data after its end."""

    code = "age-payload-damaged"
