"""Our age reader against every vector of C2SP's age test kit (used in place from ../shared).

Each vector says whether it must decrypt, to what payload hash, or which class of failure it must
produce; on a payload failure, what was released before the failure must match the hash too.
Hybrid post-quantum (mlkem768x25519) vectors are skipped: that recipient type is not implemented.
"""

import hashlib
import io
import zlib
from pathlib import Path

import pytest

from desktop_app.core.crypto.age.errors import (
    AgeArmorInvalid,
    AgeError,
    AgeHeaderAltered,
    AgeHeaderInvalid,
    AgeKeyInvalid,
    AgeNoMatchingIdentity,
    AgePayloadDamaged,
)
from desktop_app.core.crypto.age.file import open_age
from desktop_app.core.crypto.age.keys import Identity, ScryptIdentity, X25519Identity

TESTKIT = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "age-testkit"
MISSING = "needs ../shared/fixtures/age-testkit (C2SP's age test vectors, not redistributed)"
EXPECTED_ERROR: dict[str, type[AgeError]] = {
    "armor failure": AgeArmorInvalid,
    "header failure": AgeHeaderInvalid,
    "HMAC failure": AgeHeaderAltered,
    "no match": AgeNoMatchingIdentity,
    "payload failure": AgePayloadDamaged,
}


def _vectors() -> list[str]:
    if not TESTKIT.is_dir():
        return []
    return sorted(p.name for p in TESTKIT.iterdir() if p.is_file() and "." not in p.name and p.name != "LICENSE")


def _parse(name: str) -> tuple[dict[str, list[str]], bytes]:
    raw = (TESTKIT / name).read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return fields, body


def _identities(fields: dict[str, list[str]]) -> list[Identity]:
    identities: list[Identity] = []
    for text in fields.get("identity", []):
        try:
            identities.append(X25519Identity.parse(text))
        except AgeKeyInvalid:
            pytest.skip(f"identity type not implemented (hybrid post-quantum): {text[:24]}...")
    identities += [ScryptIdentity(p, max_work_factor=22) for p in fields.get("passphrase", [])]
    return identities


@pytest.mark.skipif(not TESTKIT.is_dir(), reason=MISSING)
def test_the_test_kit_is_all_there():
    assert len(_vectors()) >= 140


@pytest.mark.parametrize("name", _vectors() or [pytest.param("absent", marks=pytest.mark.skip(reason=MISSING))])
def test_vector(name):
    fields, body = _parse(name)
    expect = fields["expect"][0]
    identities = _identities(fields)
    released = hashlib.sha256()
    try:
        for chunk in open_age(io.BytesIO(body), identities).chunks():
            released.update(chunk)
    except AgeError as exc:
        assert expect != "success", f"{name}: {exc.message}"
        assert isinstance(exc, EXPECTED_ERROR[expect]), f"{name}: expected {expect}, got {type(exc).__name__}"
        if expect == "payload failure":
            assert released.hexdigest() == fields["payload"][0]
        return
    assert expect == "success", f"{name}: decrypted but expected {expect}"
    assert released.hexdigest() == fields["payload"][0]
