"""The bundle format's fixed parts: member names, profiles, who may receive depictions.

A bundle is one age file whose payload is a POSIX tar stream (pax format) holding, in this order:
``README.txt``, ``manifest.json``, ``manifest.sig``, ``custody/log.json``, ``report/*.xml``,
``receipt/*`` (when the report has NCMEC's receipt) and ``files/NNNN.bin`` (full-evidence
profile only). ``docs/bundle-format.md`` is the specification; this module is what code shares.
"""

import re
from enum import StrEnum

FORMAT = "evidence-desk-bundle/v1"
README = "README.txt"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
CUSTODY = "custody/log.json"
MANIFEST_STATEMENT = "evidence-desk bundle manifest v1"
MAX_SMALL_MEMBER = 64 * 1024 * 1024  # everything but evidence files is small
MAX_MEMBERS = 100_000

# Only these names, so a member can never name a place outside wherever it is read into.
_MEMBER_NAME = re.compile(
    r"README\.txt|manifest\.json|manifest\.sig|custody/log\.json"
    r"|report/[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.xml|receipt/[A-Za-z0-9][A-Za-z0-9._-]{0,63}|files/[0-9]{4,6}\.bin"
)


def is_member_name(name: str) -> bool:
    """Whether ``name`` is one a bundle may contain (no ``..``, no absolute path, no odd characters)."""
    return _MEMBER_NAME.fullmatch(name) is not None and ".." not in name


def file_member(number: int) -> str:
    """The member name of the ``number``-th evidence file (1-based)."""
    return f"files/{number:04d}.bin"


class Profile(StrEnum):
    """What a bundle carries."""

    FULL_EVIDENCE = "full-evidence"  # the depictions themselves, byte-exact
    HASH_ONLY = "hash-only"  # hashes and metadata, no depiction


class RecipientRole(StrEnum):
    """Who receives a bundle: decides whether depictions may go (18 U.S.C. 2258A(g)(4))."""

    NCMEC = "ncmec"
    LAW_ENFORCEMENT = "law-enforcement"
    COUNSEL = "counsel"
    OTHER = "other"


def depictions_allowed(role: RecipientRole, legal_process_reference: str) -> bool:
    """Depictions go only to NCMEC, to law enforcement, or in response to legal process."""
    return role in (RecipientRole.NCMEC, RecipientRole.LAW_ENFORCEMENT) or bool(legal_process_reference.strip())


def manifest_statement(manifest_sha256: str) -> str:
    """The text the workspace signs to vouch for a manifest."""
    return f"{MANIFEST_STATEMENT}\n{manifest_sha256}\n"
