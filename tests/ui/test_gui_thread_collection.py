"""While the GUI runs, the cyclic collector runs on the GUI thread only (ui/interpreter.py).

A collection frees every unreachable cycle it finds, whichever thread made it. A cycle holding a Qt
wrapper, freed by a worker that happened to allocate, runs a C++ destructor off the GUI thread: the
GUI tests died of it with a segmentation fault inside a worker's plain allocation.
"""

import gc
import threading

from PySide6.QtCore import QObject

from desktop_app.core.platform.interpreter import collect_garbage, collector_paused


class Cycle:
    """A reference cycle holding a QObject, as a widget and its controller make; says where it was freed."""

    def __init__(self, freed_on: list[str]) -> None:
        self.qobject = QObject()
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def churn(count: int = 100_000) -> list[list[int]]:
    """A worker's ordinary work: it builds many small tracked objects (every 700 a chance to collect)."""
    return [[n] for n in range(count)]


def test_a_worker_that_allocates_never_collects_a_pending_cycle(qtbot, pool):
    collections: list[str] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(threading.current_thread().name)

    gc.callbacks.append(record)
    try:
        freed_on: list[str] = []
        Cycle(freed_on)  # garbage at once: only the collector can free it
        with qtbot.waitSignal(pool.run(churn).result, timeout=60_000) as built:
            pass
        assert len(built.args[0]) == 100_000  # kept: the count of young objects stays past the threshold
        worker_collections = [name for name in collections if name != threading.main_thread().name]
        assert worker_collections == [], "the collector ran on a worker thread"
        qtbot.waitUntil(lambda: freed_on != [], timeout=10_000)  # the GUI thread's timer frees it
    finally:
        gc.callbacks.remove(record)
    assert freed_on == [threading.main_thread().name]
    assert set(collections) == {threading.main_thread().name}


def test_a_pause_on_a_worker_leaves_automatic_collection_off(qtbot, pool):
    def paused_batch() -> bool:
        with collector_paused():
            churn(1000)
        return gc.isenabled()

    with qtbot.waitSignal(pool.run(paused_batch).result, timeout=10_000) as done:
        pass
    assert done.args == [False] and not gc.isenabled()


def test_the_full_collection_on_lock_frees_cycles_on_the_gui_thread():
    freed_on: list[str] = []
    Cycle(freed_on)
    collect_garbage()
    assert freed_on == [threading.main_thread().name]
