"""C2SP signed notes and tlog checkpoints: interop known answers, round trips and hostile notes."""

import base64
from hashlib import sha256

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.crypto.signed_note import (
    MAX_NOTE_BYTES,
    Checkpoint,
    CheckpointError,
    key_id,
    open_note,
    parse_and_verify,
    public_key_from_vkey,
    sign_checkpoint,
    sign_note,
    verifier_key_string,
)

# golang.org/x/mod/sumdb/note's documented example: key, text and the note Go produces. Ed25519
# is deterministic, so matching it byte for byte means Go tooling accepts our notes and we its.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

NAME = "evidence-desk.example/vault-1"
KEY = Ed25519PrivateKey.from_private_bytes(sha256(b"test key").digest())
PUB = KEY.public_key()
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(sha256(b"other key").digest())
CP = Checkpoint(NAME, 20852163, sha256(b"root").digest())


def go_private_key() -> Ed25519PrivateKey:
    # PRIVATE+KEY+<name>+<id>+<base64>, and the base64 itself contains a "+".
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    assert seed[0] == 1
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


def code_of(note: str, name: str = NAME, key: Ed25519PrivateKey = KEY) -> str:
    with pytest.raises(CheckpointError) as info:
        parse_and_verify(note, name, key.public_key())
    return info.value.code


# --- interoperability --------------------------------------------------------------------------


def test_go_known_answer() -> None:
    key = go_private_key()
    assert key_id("PeterNeumann", key.public_key()).hex() == "c74f20a3"
    assert verifier_key_string("PeterNeumann", key.public_key()) == GO_VKEY
    assert sign_note(GO_TEXT, "PeterNeumann", key) == GO_NOTE
    name, pub = public_key_from_vkey(GO_VKEY)
    assert name == "PeterNeumann"
    assert open_note(GO_NOTE, name, pub) == GO_TEXT


def test_key_id_is_the_c2sp_layout() -> None:
    raw = PUB.public_bytes_raw()
    assert key_id(NAME, PUB) == sha256(NAME.encode() + b"\n" + b"\x01" + raw).digest()[:4]


def test_note_layout() -> None:
    note = sign_checkpoint(CP, NAME, KEY)
    body, sig_line = note.split("\n\n")
    assert body + "\n" == CP.body() == f"{NAME}\n20852163\n{base64.b64encode(CP.root).decode()}\n"
    assert sig_line.startswith(f"\u2014 {NAME} ") and sig_line.endswith("\n")
    blob = base64.b64decode(sig_line.split(" ")[2])
    assert len(blob) == 4 + 64 and blob[:4] == key_id(NAME, PUB)


# --- round trips -------------------------------------------------------------------------------

origins = st.text(st.characters(min_codepoint=0x20, codec="utf-8"), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(origin=origins, size=st.integers(0, 2**64 - 1), root=st.binary(min_size=32, max_size=32))
def test_round_trip(origin: str, size: int, root: bytes) -> None:
    cp = Checkpoint(origin, size, root)
    assert parse_and_verify(sign_checkpoint(cp, NAME, KEY), NAME, PUB) == cp


def test_vkey_round_trip() -> None:
    name, pub = public_key_from_vkey(verifier_key_string(NAME, PUB))
    assert name == NAME and pub.public_bytes_raw() == PUB.public_bytes_raw()


# --- tampering and other keys ------------------------------------------------------------------


def test_every_tampered_body_character_is_rejected() -> None:
    note = sign_checkpoint(CP, NAME, KEY)
    body_len = len(CP.body())
    for i in range(body_len):
        swapped = "A" if note[i] != "A" else "B"
        tampered = note[:i] + swapped + note[i + 1 :]
        expected = {"bad-signature"} if note[i] != "\n" else {"bad-signature", "malformed", "bad-checkpoint"}
        assert code_of(tampered) in expected, f"position {i}"


def test_tampered_signature_and_key_id() -> None:
    note = sign_checkpoint(CP, NAME, KEY)
    text, sig_line = note.split("\n\n")
    blob = bytearray(base64.b64decode(sig_line.split(" ")[2]))
    for index, code in ((10, "bad-signature"), (0, "no-signature")):
        bad = bytearray(blob)
        bad[index] ^= 1
        line = f"\u2014 {NAME} {base64.b64encode(bytes(bad)).decode()}\n"
        assert code_of(f"{text}\n\n{line}") == code


def test_wrong_key_or_wrong_name_finds_no_signature() -> None:
    note = sign_checkpoint(CP, NAME, KEY)
    assert code_of(note, key=OTHER_KEY) == "no-signature"
    assert code_of(note, name="someone.else/log") == "no-signature"
    assert code_of(sign_checkpoint(CP, NAME, OTHER_KEY)) == "no-signature"


def test_unknown_signatures_are_ignored() -> None:
    ours = sign_checkpoint(CP, NAME, KEY)
    witness = sign_checkpoint(CP, "witness.example/w1", OTHER_KEY).split("\n\n")[1]
    same_name = sign_checkpoint(CP, NAME, OTHER_KEY).split("\n\n")[1]  # same name, other key ID
    text, our_line = ours.split("\n\n")
    for lines in ((witness, our_line), (our_line, witness), (same_name, our_line, witness)):
        assert parse_and_verify(text + "\n\n" + "".join(lines), NAME, PUB) == CP


def test_every_signature_by_our_key_must_verify() -> None:
    text, line = sign_checkpoint(CP, NAME, KEY).split("\n\n")
    assert parse_and_verify(f"{text}\n\n{line}{line}", NAME, PUB) == CP
    forged = sign_note("other text\n", NAME, KEY).split("\n\n")[1]
    assert code_of(f"{text}\n\n{line}{forged}") == "bad-signature"


# --- malformed notes ---------------------------------------------------------------------------

GOOD = sign_checkpoint(CP, NAME, KEY)
GOOD_TEXT, GOOD_SIG = GOOD.split("\n\n")


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("", "malformed"),
        (GOOD_TEXT + "\n", "malformed"),  # no signature block
        (GOOD_TEXT + "\n\n", "malformed"),  # empty signature block
        (GOOD[:-1], "malformed"),  # no final newline
        (GOOD.replace("\n", "\r\n"), "malformed"),  # control characters
        (GOOD.replace("\u2014", "-"), "malformed"),
        (GOOD.replace("\u2014 ", "\u2014"), "malformed"),
        (GOOD[:-2] + "!\n", "malformed"),  # not base64
        (GOOD[:-2] + "\n", "malformed"),  # bad padding
        (GOOD.replace(NAME + " ", NAME + "  "), "malformed"),
        (f"{GOOD_TEXT}\n\n\u2014 {NAME} AAAA\n", "malformed"),  # too short for a key ID + signature
        (f"{GOOD_TEXT}\n\n\u2014 a+b {GOOD_SIG.split()[2]}\n", "malformed"),  # invalid key name
        (GOOD + "\n", "malformed"),
        (GOOD.replace(NAME, NAME + "\ud800", 1), "malformed"),  # not encodable as UTF-8
        (f"{GOOD_TEXT}\n\n" + GOOD_SIG * 101, "malformed"),
    ],
)
def test_malformed_notes(note: str, code: str) -> None:
    assert code_of(note) == code


def test_oversized_notes_are_refused() -> None:
    assert code_of(GOOD + "x" * MAX_NOTE_BYTES) == "oversized"
    # Under the limit in characters but over it in UTF-8 bytes.
    assert code_of("\u00e9" * (MAX_NOTE_BYTES // 2 + 1)) == "oversized"
    # Refused on size before anything else is looked at, even its encoding.
    assert code_of("\ud800" + "x" * MAX_NOTE_BYTES) == "oversized"


def signed(body: str) -> str:
    return sign_note(body, NAME, KEY)


ROOT64 = base64.b64encode(CP.root).decode()


def test_control_characters_are_refused_even_when_signed() -> None:
    # sign_note will not produce such a note, so sign the raw bytes the way another tool might.
    for bad in ("\x07", "\r", "\t", "\x00"):
        text = f"{NAME}{bad}\n5\n{ROOT64}\n"
        blob = base64.b64encode(key_id(NAME, PUB) + KEY.sign(text.encode())).decode()
        assert code_of(f"{text}\n\u2014 {NAME} {blob}\n") == "malformed"


@pytest.mark.parametrize("size", ["01", "00", "-1", "+1", "1_0", " 1", "1 ", "", "0x1", "\u0661", "1e3"])
def test_size_must_be_a_plain_decimal(size: str) -> None:
    assert code_of(signed(f"{NAME}\n{size}\n{ROOT64}\n")) == "bad-size"


def test_size_must_fit_in_64_bits() -> None:
    assert parse_and_verify(signed(f"{NAME}\n{2**64 - 1}\n{ROOT64}\n"), NAME, PUB).size == 2**64 - 1
    assert code_of(signed(f"{NAME}\n{2**64}\n{ROOT64}\n")) == "bad-size"
    assert code_of(signed(f"{NAME}\n{'9' * 400}\n{ROOT64}\n")) == "bad-size"


@pytest.mark.parametrize(
    "root64",
    [
        base64.b64encode(bytes(31)).decode(),
        base64.b64encode(bytes(33)).decode(),
        "",
        "not base64!",
        ROOT64.rstrip("="),
        ROOT64[:-2] + "B=",  # non-canonical trailing bits of the same 32 bytes
    ],
)
def test_root_must_be_32_bytes_of_canonical_base64(root64: str) -> None:
    assert code_of(signed(f"{NAME}\n5\n{root64}\n")) == "bad-root"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (f"{NAME}\n5\n{ROOT64}\nextension\n", "bad-checkpoint"),
        (f"{NAME}\n5\n", "bad-checkpoint"),
        (f"\n5\n{ROOT64}\n", "bad-origin"),
    ],
)
def test_checkpoint_body_shape(body: str, code: str) -> None:
    assert code_of(signed(body)) == code


@pytest.mark.parametrize(
    ("origin", "size", "root", "code"),
    [
        ("", 1, bytes(32), "bad-origin"),
        ("a\nb", 1, bytes(32), "bad-origin"),
        ("a\rb", 1, bytes(32), "bad-origin"),
        ("\ud800", 1, bytes(32), "bad-origin"),
        ("o", -1, bytes(32), "bad-size"),
        ("o", 2**64, bytes(32), "bad-size"),
        ("o", True, bytes(32), "bad-size"),
        ("o", 1, bytes(31), "bad-root"),
        ("o", 1, "x" * 32, "bad-root"),
    ],
)
def test_checkpoint_validates_its_fields(origin: str, size: int, root: bytes, code: str) -> None:
    with pytest.raises(CheckpointError) as info:
        Checkpoint(origin, size, root)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\u00a0b", "a\tb", "\ud800"])
def test_key_names_are_validated(name: str) -> None:
    for call in (
        lambda: sign_checkpoint(CP, name, KEY),
        lambda: parse_and_verify(GOOD, name, PUB),
        lambda: verifier_key_string(name, PUB),
    ):
        with pytest.raises(CheckpointError) as info:
            call()
        assert info.value.code == "bad-key-name"


def test_sign_note_refuses_text_no_verifier_would_accept() -> None:
    for text in ("", "no newline", "bell\x07\n"):
        with pytest.raises(CheckpointError):
            sign_note(text, NAME, KEY)


# --- verifier key strings ----------------------------------------------------------------------


def test_every_substring_and_single_change_of_a_vkey_is_rejected() -> None:
    # Go's note package runs the same manglings over the same key.
    for i in range(len(GO_VKEY)):
        for j in range(i + 1, len(GO_VKEY) + 1):
            if (i, j) != (0, len(GO_VKEY)):
                with pytest.raises(CheckpointError):
                    public_key_from_vkey(GO_VKEY[i:j])
        with pytest.raises(CheckpointError):
            public_key_from_vkey(GO_VKEY[:i] + chr(ord(GO_VKEY[i]) + 1) + GO_VKEY[i + 1 :])


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+0xf20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ApcC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not type 0x01
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_vkeys(vkey: str) -> None:
    with pytest.raises(CheckpointError) as info:
        public_key_from_vkey(vkey)
    assert info.value.code in {"bad-vkey", "bad-key-name"}
