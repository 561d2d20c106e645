"""GUI test fixtures: themed offscreen app, strict Qt logs, drained worker pools, no leaked threads.

Teardown order matters and is encoded in the fixture graph: the main window closes first, then the
workspace (after draining the pool, since a worker may still be using it), then the pool itself is
checked for stragglers.
"""

import re
import threading
from pathlib import Path

import pytest

from desktop_app.core.decoding.pool import DecoderPool
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.interpreter import tuned_for_the_gui
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.media import preview_fetcher
from desktop_app.ui.pyside_fixes import shield_none
from desktop_app.ui.theme import apply_theme
from desktop_app.ui.worker import WorkerPool
from tests.conftest import PASSPHRASE, fast_kdf

HERE = Path(__file__).parent
# As the app does first thing: without it a long GUI test session aborts (see ui/pyside_fixes.py).
shield_none()
# The offscreen platform plugin says these when a window is shown or raised; they are not ours.
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints", "This plugin does not support raise")


def pytest_collection_modifyitems(config, items):
    """Qt warnings fail GUI tests (house style 15)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))
            # The same noise, once the crash handler routes Qt's messages into ``logging``.
            item.add_marker(pytest.mark.expect_log_warnings(*(rf"^qt: {re.escape(n)}" for n in OFFSCREEN_NOISE)))


@pytest.fixture(scope="session", autouse=True)
def tuned_interpreter(qapp):
    """The GUI tests run with the interpreter tuned as the app runs it (ui/interpreter.py)."""
    with tuned_for_the_gui(qapp) as collector:
        yield collector


@pytest.fixture(scope="session", autouse=True)
def themed_app(qapp):
    """The app looks in tests (and screenshots) as it does for reviewers."""
    apply_theme(qapp)
    return qapp


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def shots_dir(tmp_path) -> Path:
    """Where a test may drop a throw-away screenshot for a human to look at."""
    return tmp_path / "screenshots"


@pytest.fixture
def pool(qtbot):
    pool = WorkerPool()
    yield pool
    assert pool.wait_for_done(10_000), "worker threads still running after the test"
    # Their queued finished() signals still need delivering; a worker that never finishes is a leak.
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=5000)


@pytest.fixture
def workspace(paths, pool):
    """Overrides the suite's fixture so the pool is drained before the workspace closes."""
    ws, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    yield ws
    pool.wait_for_done(10_000)
    ws.close()


@pytest.fixture
def recovery_text(paths) -> str:
    """Create a workspace and close it; returns its recovery key."""
    created, recovery = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    created.close()
    return recovery.text


@pytest.fixture
def locked_workspace(recovery_text, paths, pool):
    """The workspace opened again: locked, as at start-up."""
    ws = Workspace.open(paths)
    yield ws
    pool.wait_for_done(10_000)
    ws.close()


@pytest.fixture
def auto_lock(qapp):
    controller = AutoLockController(AppSettings().auto_lock_minutes)
    controller.install(qapp)
    yield controller
    controller.uninstall()


@pytest.fixture
def decoders():
    """The real sandboxed decoder pool (its processes start with the first job)."""
    pool = DecoderPool(workers=2)
    yield pool
    pool.close()


@pytest.fixture
def items(workspace, decoders):
    """The item service with the real sandboxed decoders (tests/ui/report overrides it without them)."""
    return ItemService(workspace, decoders.submit_analyse)


@pytest.fixture
def queue_window(decoders, workspace, items, make_window):
    """A main window over ``workspace`` that decodes, hashes and previews pictures."""
    return make_window(workspace, items=items, fetch=preview_fetcher(items, decoders))


@pytest.fixture
def make_window(qtbot, pool, auto_lock, paths):
    """Build a main window over a workspace and wait for its first refresh.

    Without ``items`` the window gets an item service with no decoder (and so no pictures), which
    is all the custody-log and lock tests need.
    """
    windows = []

    def make(
        ws, verification=None, items=None, fetch=None, settings=None, reports=None, cybertipline=None, submissions=None,
        hashlists=None, bundles=None, recipients=None,
    ):
        items = items if items is not None else ItemService(ws)
        window = MainWindow(
            ws,
            settings or AppSettings(),
            paths.settings_file,
            pool,
            auto_lock,
            items,
            fetch,
            verification,
            reports=reports,
            cybertipline=cybertipline,
            submissions=submissions,
            hashlists=hashlists,
            bundles=bundles,
            recipients=recipients,
        )
        qtbot.addWidget(window)
        windows.append(window)
        if ws.is_unlocked:
            with qtbot.waitSignal(window.snapshot_loaded, timeout=10_000):
                window.show()
        else:
            window.show()
        return window

    yield make
    for window in windows:
        window.close()
    pool.wait_for_done(10_000)
