"""Practice-server fixtures: a fresh server per test on loopback, raw httpx clients, no leaked threads."""

import threading
from datetime import UTC, datetime

import httpx
import pytest

from desktop_app.core.cybertipline.practice import ManualClock, PracticeServer

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Every thread a test starts (the server's included, daemon or not) is gone when it ends."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def server(clock):
    """A practice server validating with the schema the model describes (no NCMEC files needed)."""
    with PracticeServer(clock=clock) as running:
        yield running


@pytest.fixture
def client(server):
    """A plain httpx client with the server's credentials up front (not the app's CyberTipline client)."""
    with httpx.Client(
        base_url=server.url + "/", auth=(server.username, server.password), timeout=10, trust_env=False
    ) as http:
        yield http
