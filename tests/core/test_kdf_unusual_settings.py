"""Issue 15, findings 9 and 10 (KDF part): tampered key-derivation settings, attacked on disk.

The attacker has the data folder but no passphrase. The settings are bound into the key slot, but
that is only noticed after the KDF has run; so raising them to the old caps (2 GiB, 50 passes)
turned every unlock into minutes and gigabytes, and a number that overflows crashed the CLI with
a traceback and exit 1 (which means "verification failed").
"""

import os
import sqlite3
import subprocess
import sys

import pytest

from desktop_app.core.crypto import kdf
from desktop_app.core.errors import KdfParametersRejected
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf

SALT = "00112233445566778899aabbccddeeff"


def slot_json(m, t, p=1):
    return f'{{"alg":"argon2id","m":{m},"p":{p},"salt":"{SALT}","t":{t}}}'


def tamper(paths, text):
    with sqlite3.connect(paths.workspace / "workspace.db") as conn:
        conn.execute("UPDATE key_slots SET kdf = ? WHERE kind = 'passphrase'", (text,))


@pytest.fixture
def closed(paths):
    ws, recovery = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    ws.close()
    return recovery


@pytest.mark.parametrize(
    ("memory_mib", "passes"),
    [(2048, 50), (2048, 1), (512, 1), (256, 13), (64, 49)],
    ids=["old-caps", "2GiB", "512MiB", "256MiBx13", "64MiBx49"],
)
def test_settings_beyond_any_calibration_are_refused_before_the_kdf_runs(paths, closed, memory_mib, passes):
    tamper(paths, slot_json(memory_mib * 1024, passes))
    ws = Workspace.open(paths)
    try:
        with pytest.raises(KdfParametersRejected, match="recovery key"):
            ws.unlock(PASSPHRASE)
    finally:
        ws.close()


def test_what_calibration_can_choose_stays_within_the_caps():
    for memory in (kdf.FLOOR_MEMORY_KIB, kdf.CALIBRATION_MAX_MEMORY_KIB):
        for passes in (kdf.FLOOR_ITERATIONS, kdf.MAX_WORK_KIB_PASSES // memory):
            kdf.KdfParams(memory, passes, 1, bytes(16)).check()  # no error: a real workspace always opens
    with pytest.raises(KdfParametersRejected):
        kdf.KdfParams(
            kdf.CALIBRATION_MAX_MEMORY_KIB, kdf.MAX_WORK_KIB_PASSES // kdf.CALIBRATION_MAX_MEMORY_KIB + 1, 1, bytes(16)
        ).check()


def test_the_recovery_key_replaces_tampered_settings_with_calibrated_ones(paths, closed):
    tamper(paths, slot_json(2048 * 1024, 50))
    ws = Workspace.open(paths)
    try:
        ws.unlock_with_recovery_key(closed.text, "a new passphrase")
        # The slot list is authenticated: settings edited on disk are tampering, and the new
        # passphrase is set once a person has acknowledged it.
        assert ws.tampering is not None and "key slots" in ws.tampering.summary()
        ws.acknowledge_tampering("settings edited on purpose by the test")
    finally:
        ws.close()
    ws = Workspace.open(paths)
    try:
        ws.unlock("a new passphrase")
    finally:
        ws.close()


@pytest.mark.parametrize(
    "text",
    [slot_json("1e999", 3), slot_json(9 * 10**400, 3), slot_json(65536.5, 3), slot_json("true", 3), "[1, 2]", "{"],
    ids=["overflowing-float", "huge-int", "fraction", "boolean", "a-list", "not-json"],
)
def test_malformed_numbers_are_a_typed_refusal(text):
    with pytest.raises(KdfParametersRejected):
        kdf.KdfParams.from_json(text)


def test_an_overflowing_kdf_number_is_a_message_and_exit_2_in_the_cli(paths, closed, isolated_profile):
    tamper(paths, slot_json("1e999", 3))
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "items"],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(isolated_profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "[kdf-parameters-rejected]" in done.stderr
