import json
import unicodedata

import pytest

from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.keys import RecoveryKey, unwrap_with_passphrase, wrap_with_passphrase
from desktop_app.core.errors import (
    KdfParametersRejected,
    PassphraseRejected,
    WrongPassphrase,
    WrongRecoveryKey,
)
from tests.conftest import fast_kdf

WORKSPACE_ID = b"\x01" * 16


def test_params_round_trip_through_json():
    params = fast_kdf()
    assert kdf.KdfParams.from_json(params.to_json()) == params


@pytest.mark.parametrize(
    "change",
    [
        {"m": 64 * 1024 * 1024},  # 64 GiB
        {"t": 10_000},
        {"p": 255},
        {"m": 1},
        {"salt": "00"},
        {"alg": "scrypt"},
        {"m": "lots"},
    ],
)
def test_absurd_parameters_are_refused_before_the_kdf_runs(change, monkeypatch):
    monkeypatch.setattr(kdf, "Argon2id", lambda **_: pytest.fail("KDF must not run"))
    raw = json.loads(fast_kdf().to_json()) | change
    with pytest.raises(KdfParametersRejected):
        kdf.KdfParams.from_json(json.dumps(raw))


def test_calibration_is_at_least_the_floor_and_near_the_target():
    params = kdf.calibrate(target_seconds=0.3)
    assert params.memory_kib >= kdf.FLOOR_MEMORY_KIB
    assert params.iterations >= kdf.FLOOR_ITERATIONS
    params.check()


def test_empty_and_oversized_passphrases_are_refused():
    with pytest.raises(PassphraseRejected):
        kdf.normalise_passphrase("")
    with pytest.raises(PassphraseRejected):
        kdf.normalise_passphrase("x" * (kdf.MAX_PASSPHRASE_BYTES + 1))


def test_nfc_and_nfd_spellings_open_the_same_slot():
    nfc = "Grüße, Åsa"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    params = fast_kdf()
    wrapped = wrap_with_passphrase(b"k" * 32, nfc, params, WORKSPACE_ID)
    assert unwrap_with_passphrase(wrapped, nfd, params, WORKSPACE_ID) == b"k" * 32


def test_wrong_passphrase_and_tampered_parameters_fail_to_open():
    params = fast_kdf()
    wrapped = wrap_with_passphrase(b"k" * 32, "right", params, WORKSPACE_ID)
    with pytest.raises(WrongPassphrase):
        unwrap_with_passphrase(wrapped, "wrong", params, WORKSPACE_ID)
    weaker = kdf.KdfParams(params.memory_kib, params.iterations + 1, params.lanes, params.salt)
    with pytest.raises(WrongPassphrase):
        unwrap_with_passphrase(wrapped, "right", weaker, WORKSPACE_ID)


def test_recovery_key_text_round_trips_and_tolerates_formatting():
    key = RecoveryKey.generate()
    assert RecoveryKey.parse(key.text) == key
    sloppy = key.text.lower().replace("-", " ").replace("o", "0")
    assert RecoveryKey.parse(sloppy) == key
    wrapped = key.wrap(b"m" * 32, WORKSPACE_ID)
    assert key.unwrap(wrapped, WORKSPACE_ID) == b"m" * 32


def test_recovery_key_typo_and_foreign_key_are_told_apart():
    key = RecoveryKey.generate()
    text = key.text
    typo = ("B" if text[0] != "B" else "C") + text[1:]
    with pytest.raises(WrongRecoveryKey, match="typo"):
        RecoveryKey.parse(typo)
    with pytest.raises(WrongRecoveryKey, match="does not belong"):
        RecoveryKey.generate().unwrap(key.wrap(b"m" * 32, WORKSPACE_ID), WORKSPACE_ID)
