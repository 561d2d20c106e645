"""Practice-server fixtures: a fresh server per test on loopback, raw httpx clients, no leaked threads."""

import contextlib
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from desktop_app.core.cybertipline.practice import ManualClock, PracticeServer

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def open_sockets() -> set[str]:
    """The sockets this process holds (Linux: its /proc fd table); an empty set where there is none."""
    table = Path("/proc/self/fd")
    if not table.is_dir():
        return set()
    found = set()
    for fd in table.iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:"):
                found.add(target)
    return found


@pytest.fixture(autouse=True)
def no_leaked_threads_or_sockets():
    """Every thread a test starts (the server's included, daemon or not) and every socket is gone when it ends."""
    threads, sockets = set(threading.enumerate()), open_sockets()
    yield
    leaked = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
    assert open_sockets() <= sockets, "sockets left open"


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
