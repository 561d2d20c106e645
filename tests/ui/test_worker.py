import gc
import threading
import time

import pytest

from desktop_app.core.errors import OperationCancelled, WrongPassphrase
from desktop_app.core.progress import CancelToken, Progress
from desktop_app.ui.worker import Worker


def record(worker):
    """Collect every signal a worker emits, in order, with the thread it arrived on."""
    seen = []
    worker.progress.connect(lambda p: seen.append(("progress", p, threading.current_thread())))
    worker.result.connect(lambda r: seen.append(("result", r, threading.current_thread())))
    worker.error.connect(lambda e: seen.append(("error", e, threading.current_thread())))
    worker.finished.connect(lambda: seen.append(("finished", None, threading.current_thread())))
    return seen


def test_result_then_finished_on_the_gui_thread(qtbot, pool):
    worker = Worker(lambda a, b: a + b, 40, b=2)
    seen = record(worker)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        pool.start(worker)
    assert [(kind, value) for kind, value, _ in seen] == [("result", 42), ("finished", None)]
    assert all(thread is threading.main_thread() for _, _, thread in seen)
    assert not worker.running


def test_expected_error_is_delivered_and_finished_still_fires(qtbot, pool):
    def fail():
        raise WrongPassphrase("nope")

    worker = Worker(fail)
    seen = record(worker)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        pool.start(worker)
    kinds = [kind for kind, _, _ in seen]
    assert kinds == ["error", "finished"]
    assert isinstance(seen[0][1], WrongPassphrase) and seen[0][1].code == "wrong-passphrase"


def test_unexpected_error_goes_to_the_excepthook_too(qtbot, pool):
    def bug():
        raise ZeroDivisionError("a bug")

    worker = Worker(bug)
    seen = record(worker)
    with qtbot.captureExceptions() as hooked, qtbot.waitSignal(worker.finished, timeout=5000):
        pool.start(worker)
    assert [kind for kind, _, _ in seen] == ["error", "finished"]
    assert isinstance(seen[0][1], ZeroDivisionError)
    assert len(hooked) == 1 and hooked[0][0] is ZeroDivisionError


def test_generator_progress_is_throttled_and_result_returned(qtbot, pool):
    steps = 60

    def slow_generator():
        for n in range(steps):
            time.sleep(0.01)
            yield Progress(n, steps, f"step {n}")
        return "done"

    worker = Worker(slow_generator)
    seen = record(worker)
    started = time.monotonic()
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        pool.start(worker)
    elapsed = time.monotonic() - started
    updates = [value for kind, value, _ in seen if kind == "progress"]
    assert 2 <= len(updates) <= int(elapsed * 10) + 2  # + the last one, delivered before the result
    assert updates[0] == Progress(0, steps, "step 0")  # the first update is never held back
    assert updates[-1] == Progress(steps - 1, steps, f"step {steps - 1}")  # nor the last
    assert [kind for kind, _, _ in seen][-2:] == ["result", "finished"]
    assert seen[-2][1] == "done"


def test_the_last_progress_before_the_result_is_delivered_even_when_throttled(qtbot, pool):
    def quick_generator():
        yield Progress(0, 2, "started")
        yield Progress(1, 2, "middle")  # within the throttle interval of the first: may be dropped
        yield Progress(2, 2, "all done")  # the final picture: must arrive
        return "done"

    worker = Worker(quick_generator)
    seen = record(worker)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        pool.start(worker)
    updates = [value for kind, value, _ in seen if kind == "progress"]
    assert updates[0].message == "started" and updates[-1].message == "all done"
    assert [kind for kind, _, _ in seen][-3:] == ["progress", "result", "finished"]


def test_cancel_reaches_the_generator(qtbot, pool):
    token = CancelToken()
    gate = threading.Event()

    def cancellable(cancel):
        for n in range(1000):
            gate.wait(5)
            cancel.raise_if_cancelled()
            yield Progress(n, 1000)

    worker = Worker(cancellable, token, cancel=token)
    seen = record(worker)
    pool.start(worker)
    worker.cancel()
    gate.set()
    qtbot.waitUntil(lambda: any(kind == "finished" for kind, _, _ in seen), timeout=5000)
    errors = [value for kind, value, _ in seen if kind == "error"]
    assert len(errors) == 1 and isinstance(errors[0], OperationCancelled)


def test_pool_keeps_unreferenced_workers_alive(qtbot, pool):
    results = []
    release = threading.Event()

    def waits():
        release.wait(5)
        return "survived"

    pool.run(waits).result.connect(results.append)
    gc.collect()
    assert pool.active_count == 1
    release.set()
    qtbot.waitUntil(lambda: results == ["survived"], timeout=5000)
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=5000)


@pytest.mark.parametrize("value", [None, 0, (1, 2)])
def test_any_return_value_is_delivered(qtbot, pool, value):
    worker = Worker(lambda: value)
    with qtbot.waitSignal(worker.result, timeout=5000) as blocker:
        pool.start(worker)
    assert blocker.args == [value]


def test_worker_threads_run_below_the_gui_thread(qtbot, pool):
    import os
    import sys
    import threading

    if not sys.platform.startswith("linux"):
        pytest.skip("elsewhere Qt's thread priority is used; there is no nice value to read back")
    gui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = pool.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    with qtbot.waitSignal(worker.result, timeout=5000) as got:
        pass
    assert got.args[0] > gui


# -- the receiver (context) -------------------------------------------------------------------------


def held(gate: threading.Event, value=None):
    """Work that waits until the test lets it finish."""

    def work():
        assert gate.wait(10)
        return value

    return work


def test_a_destroyed_context_gets_nothing_and_the_pool_still_forgets_the_worker(qtbot, pool):
    from PySide6.QtWidgets import QLabel

    label = QLabel("waiting")
    gate = threading.Event()
    worker = pool.run(held(gate, "done"), context=label)
    seen = record(worker)
    # What the crash came from: a lambda that touches the widget after it is gone.
    worker.result.connect(lambda text: label.setText(text))
    label.deleteLater()
    qtbot.waitUntil(lambda: not worker.delivering, timeout=5000)
    gate.set()
    assert pool.wait_for_done(5000)
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=5000)
    assert seen == []


def test_a_destroyed_context_does_not_hide_a_bug(qtbot, pool):
    from PySide6.QtCore import QObject

    receiver = QObject()
    gate = threading.Event()

    def bug():
        assert gate.wait(10)
        raise ZeroDivisionError("a bug")

    worker = pool.run(bug, context=receiver)
    seen = record(worker)
    receiver.deleteLater()
    qtbot.waitUntil(lambda: not worker.delivering, timeout=5000)
    with qtbot.captureExceptions() as hooked:
        gate.set()
        assert pool.wait_for_done(5000)
        qtbot.waitUntil(lambda: pool.active_count == 0, timeout=5000)
    assert seen == [] and len(hooked) == 1 and hooked[0][0] is ZeroDivisionError


def test_a_living_context_gets_everything(qtbot, pool):
    from PySide6.QtCore import QObject

    receiver = QObject()
    worker = pool.run(lambda: 7, context=receiver)
    seen = record(worker)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        pass
    assert [(kind, value) for kind, value, _ in seen] == [("result", 7), ("finished", None)]
    assert worker.context is None  # released once settled
