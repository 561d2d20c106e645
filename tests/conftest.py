"""Suite-wide configuration: offscreen Qt, an isolated profile per test, fast key derivation."""

import os

# Before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keyring, in this process or in the CLI processes tests start: the app
# then runs as on a system without one. Tests of the witness pass a MemorySecretStore explicitly.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import pytest  # noqa: E402

from desktop_app.core.crypto.kdf import MIN_MEMORY_KIB, KdfParams  # noqa: E402
from desktop_app.core.platform.paths import PROFILE_ENV, AppPaths  # noqa: E402

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path, monkeypatch):
    """Every test gets its own profile; nothing touches the developer's real folders."""
    profile = tmp_path / "profile"
    monkeypatch.setenv(PROFILE_ENV, str(profile))
    monkeypatch.delenv("EVIDENCE_DESK_PASSPHRASE", raising=False)
    return profile


@pytest.fixture
def paths(isolated_profile) -> AppPaths:
    return AppPaths.resolve(isolated_profile)


def fast_kdf() -> KdfParams:
    """Cheap Argon2id parameters: the real cost is calibrated per machine and tested separately."""
    return KdfParams.fresh(MIN_MEMORY_KIB, 1)


@pytest.fixture
def workspace(paths):
    from desktop_app.core.services.workspace import Workspace

    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    yield ws
    ws.close()


@pytest.fixture
def cybertipline_emulator():
    """A CyberTipline emulator on loopback serving NCMEC's real XSD (skipped without ../shared)."""
    from tests import reference
    from tests.cybertipline_emulator import CyberTiplineEmulator

    emulator = CyberTiplineEmulator(reference.xsd_bytes()).start()
    yield emulator
    emulator.stop()
