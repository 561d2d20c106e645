"""C2SP signed notes (Ed25519) and the tlog-checkpoint that the custody log signs.

A checkpoint commits to the log's first ``size`` entries through their RFC 6962 root. It travels
as a signed note (c2sp.org/signed-note) so that any standard tool, such as Go's
golang.org/x/mod/sumdb/note, can check it. A verifier key string carries a public key in one
line, which is the form that goes to counsel.

The note's text is never trusted before its signature is verified, as the spec requires: parsing
the checkpoint body happens only after a signature from the expected key has checked out.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_NOTE_BYTES = 1 << 20
_MAX_SIGNATURES = 100  # the same cap as Go's note.Open; the spec asks verifiers to accept >= 16
_ED25519_TYPE = b"\x01"
_SIG_PREFIX = "\u2014 "  # em dash, space
_SIZE_RE = re.compile(r"0|[1-9][0-9]{0,19}")  # ASCII digits only; int() would take "+1", "1_0", "١"
_HEX8_RE = re.compile(r"[0-9a-fA-F]{8}")
_MAX_SIZE = (1 << 64) - 1  # sizes are uint64 in every other implementation


class CheckpointError(ValueError):
    """A note or checkpoint that must not be trusted; ``code`` says why, for tests and the CLI."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _has_control(s: str) -> bool:
    return any(ch < " " for ch in s)


def _is_utf8(s: str) -> bool:
    # A str can hold lone surrogates, which have no UTF-8 form and so cannot be signed or verified.
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_key_name(name: str) -> None:
    # signed-note: non-empty, no Unicode spaces, no "+" (the vkey separator).
    bad = not name or "+" in name or any(ch.isspace() for ch in name) or _has_control(name)
    if bad or not _is_utf8(name):
        raise CheckpointError("bad-key-name", f"key name {name!r} must be non-empty, without spaces or '+'")


def _b64decode(s: str) -> bytes:
    """Strict standard base64: the alphabet only, correct padding, canonical trailing bits."""
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if base64.b64encode(raw).decode("ascii") != s:
        raise ValueError("non-canonical base64")
    return raw


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint body: the log's origin, its size and its RFC 6962 root hash."""

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        origin = self.origin
        if not isinstance(origin, str) or not origin or _has_control(origin) or not _is_utf8(origin):
            raise CheckpointError("bad-origin", "the origin must be one non-empty line of text")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size <= _MAX_SIZE:
            raise CheckpointError("bad-size", f"the tree size must be an integer in [0, 2^64), not {self.size!r}")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise CheckpointError("bad-root", "the root hash must be 32 bytes")

    def body(self) -> str:
        """The note text: origin, size and base64 root, one per line, each ending in a newline."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte signed-note key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    raw = public_key.public_bytes_raw()
    return sha256(name.encode("utf-8") + b"\n" + _ED25519_TYPE + raw).digest()[:4]


def verifier_key_string(name: str, public_key: Ed25519PublicKey) -> str:
    """Return the one-line verifier key ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
    _check_key_name(name)
    encoded = base64.b64encode(_ED25519_TYPE + public_key.public_bytes_raw()).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def public_key_from_vkey(vkey: str) -> tuple[str, Ed25519PublicKey]:
    """Parse a verifier key string back into its name and Ed25519 public key.

    Raises:
        CheckpointError: ``bad-vkey`` if the string is malformed, is not an Ed25519 key, or its
            key ID does not match its name and key (a mistyped or edited line).
    """
    name, sep1, rest = vkey.partition("+")
    hex_id, sep2, key64 = rest.partition("+")  # the base64 part may itself contain "+"
    try:
        _check_key_name(name)
        if not (sep1 and sep2 and _HEX8_RE.fullmatch(hex_id)):
            raise ValueError("expected <name>+<8 hex digits>+<base64 key>")
        key = _b64decode(key64)
        if len(key) != 33 or key[:1] != _ED25519_TYPE:
            raise ValueError("not an Ed25519 signed-note key")
        public_key = Ed25519PublicKey.from_public_bytes(key[1:])
    except ValueError as exc:  # CheckpointError included
        raise CheckpointError("bad-vkey", f"verifier key is malformed: {exc}") from None
    if key_id(name, public_key) != bytes.fromhex(hex_id):
        raise CheckpointError("bad-vkey", "verifier key ID does not match its name and key: the line was altered")
    return name, public_key


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign ``text`` (UTF-8 lines, the last ending in a newline) and return the whole signed note.

    Raises:
        CheckpointError: ``bad-key-name``, or ``malformed`` text that no verifier would accept.
    """
    _check_key_name(name)
    if not text.endswith("\n") or _has_control(text.replace("\n", "")) or not _is_utf8(text):
        raise CheckpointError("malformed", "note text must be lines of text ending in a newline")
    signature = private_key.sign(text.encode("utf-8"))
    blob = base64.b64encode(key_id(name, private_key.public_key()) + signature).decode("ascii")
    return f"{text}\n{_SIG_PREFIX}{name} {blob}\n"


def open_note(note: str, name: str, public_key: Ed25519PublicKey) -> str:
    """Verify a signed note against one trusted key and return its text.

    Signatures by other keys are ignored, as the spec requires (key rotation, witness
    cosignatures). Every signature by the trusted key must verify.

    Raises:
        CheckpointError: ``oversized``, ``malformed``, ``no-signature`` or ``bad-signature``.
    """
    _check_key_name(name)
    # Refuse before any parsing work: len() in characters is a lower bound on the UTF-8 size.
    if len(note) > MAX_NOTE_BYTES:
        raise CheckpointError("oversized", f"note is larger than {MAX_NOTE_BYTES} bytes")
    try:
        encoded = note.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError("malformed", "note is not valid UTF-8") from None
    if len(encoded) > MAX_NOTE_BYTES:
        raise CheckpointError("oversized", f"note is larger than {MAX_NOTE_BYTES} bytes")
    if _has_control(note.replace("\n", "")):
        raise CheckpointError("malformed", "note contains control characters")
    # The text may contain blank lines; signature lines cannot, so the last one is the separator.
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CheckpointError("malformed", "note has no signature block")
    text, sig_lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(sig_lines) > _MAX_SIGNATURES:
        raise CheckpointError("malformed", f"note carries more than {_MAX_SIGNATURES} signatures")
    want_id = key_id(name, public_key)
    text_bytes = text.encode("utf-8")
    verified = False
    for line in sig_lines:
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError("malformed", "a signature line does not start with an em dash and a space")
        sig_name, _, blob64 = line[len(_SIG_PREFIX) :].partition(" ")
        try:
            _check_key_name(sig_name)
            blob = _b64decode(blob64)
        except ValueError:
            raise CheckpointError("malformed", "a signature line is malformed") from None
        if len(blob) < 5:
            raise CheckpointError("malformed", "a signature line is too short")
        if sig_name != name or blob[:4] != want_id:
            continue  # someone else's signature: not ours to judge
        try:
            public_key.verify(blob[4:], text_bytes)
        except InvalidSignature:
            raise CheckpointError("bad-signature", f"the signature by {name} does not verify") from None
        verified = True
    if not verified:
        raise CheckpointError("no-signature", f"the note is not signed by the key {name}")
    return text


def sign_checkpoint(cp: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> str:
    """Return the checkpoint as a signed note, ready to write to an anchor file or a bundle."""
    return sign_note(cp.body(), name, private_key)


def parse_and_verify(note: str, name: str, public_key: Ed25519PublicKey) -> Checkpoint:
    """Verify a signed checkpoint from the key ``name`` and return what it commits to.

    The origin is not required to equal ``name`` (the spec only recommends it); callers that
    expect a particular log compare ``origin`` themselves.

    Raises:
        CheckpointError: the note fails :func:`open_note`, or its verified text is not exactly a
            three-line checkpoint (``bad-checkpoint``, ``bad-origin``, ``bad-size``, ``bad-root``).
    """
    text = open_note(note, name, public_key)
    lines = text[:-1].split("\n")
    if len(lines) != 3:
        # Extension lines are legal C2SP but this log never writes them; dropping them silently
        # would return less than was signed.
        raise CheckpointError("bad-checkpoint", f"a checkpoint has 3 lines, this one has {len(lines)}")
    origin, size_line, root_line = lines
    if not _SIZE_RE.fullmatch(size_line):
        raise CheckpointError("bad-size", "the tree size is not a decimal number without leading zeros")
    try:
        root = _b64decode(root_line)
    except ValueError:
        raise CheckpointError("bad-root", "the root hash is not canonical base64") from None
    return Checkpoint(origin, int(size_line), root)  # checks the origin, the 64-bit range, 32 bytes
