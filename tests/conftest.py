"""Suite-wide configuration: offscreen Qt, an isolated profile per test, fast key derivation."""

import logging
import os
import re

# Before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keyring, in this process or in the CLI processes tests start: the app
# then runs as on a system without one. Tests of the witness pass a MemorySecretStore explicitly.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import pytest  # noqa: E402

from desktop_app.core.crypto.kdf import MIN_MEMORY_KIB, KdfParams  # noqa: E402
from desktop_app.core.platform.paths import PROFILE_ENV, AppPaths  # noqa: E402

PASSPHRASE = "correct horse battery staple"


# -- warnings from the ``logging`` module fail the test, like Python's own warnings ------------------


class _WarningRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _expected(item: pytest.Item) -> list[re.Pattern[str]]:
    return [re.compile(p) for mark in item.iter_markers("expect_log_warnings") for p in mark.args]


def _check_log_warnings(item: pytest.Item, when: str):
    """Collect WARNING and above from every logger during one phase; fail on any not expected."""
    handler = _WarningRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    expected = _expected(item)
    unexpected = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in handler.records
        if not any(p.search(f"{r.name}: {r.getMessage()}") for p in expected)
    ]
    if unexpected:
        pytest.fail(
            f"unexpected log warnings during {when} (mark the test expect_log_warnings(pattern) if they are"
            " what it provokes):\n  " + "\n  ".join(unexpected),
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _check_log_warnings(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _check_log_warnings(item, "the test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    return (yield from _check_log_warnings(item, "teardown"))


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
