"""Autosave: debounced, one save in flight, nothing older lands after something newer, no retry storm."""

import threading

from desktop_app.core.errors import WorkspaceLocked
from desktop_app.ui.report.autosave import AutosaveController


class Recorder:
    """A save function that records what it was given (and can be told to fail)."""

    def __init__(self):
        self.saved = []
        self.fail = False
        self.go = threading.Event()  # a save waits for this: the test decides when it finishes
        self.go.set()

    def __call__(self, record):
        assert self.go.wait(5)
        if self.fail:
            raise WorkspaceLocked("The workspace is locked.")
        self.saved.append(record)
        return record


def test_a_burst_of_changes_is_one_save_and_a_change_during_a_save_is_the_next(qtbot, pool):
    counter = iter(range(100))
    save = Recorder()
    autosave = AutosaveController(pool, save, lambda: next(counter), delay_ms=30)
    for _ in range(5):
        autosave.schedule()
    with qtbot.waitSignal(autosave.saved, timeout=5000):
        pass
    assert save.saved == [0]
    qtbot.waitUntil(lambda: autosave.in_flight is None)  # its finished() comes after saved()
    save.go.clear()
    autosave.schedule()
    qtbot.waitUntil(lambda: autosave.in_flight is not None and not autosave.pending, timeout=5000)
    autosave.schedule()  # while the save runs
    qtbot.wait(100)
    assert save.saved == [0]  # one save at a time
    save.go.set()
    qtbot.waitUntil(lambda: len(save.saved) == 3 and autosave.in_flight is None, timeout=5000)
    assert save.saved == [0, 1, 2] and not autosave.pending


def test_a_failed_save_keeps_the_changes_and_does_not_retry_by_itself(qtbot, pool):
    save = Recorder()
    save.fail = True
    autosave = AutosaveController(pool, save, lambda: "draft", delay_ms=20)
    states = []
    autosave.state_changed.connect(states.append)
    with qtbot.waitSignal(autosave.failed, timeout=5000):
        autosave.schedule()
    qtbot.waitUntil(lambda: autosave.in_flight is None)
    qtbot.wait(200)
    assert autosave.pending and states.count("saving") == 1  # no retry storm while locked
    save.fail = False
    assert autosave.flush() and save.saved == ["draft"] and not autosave.pending
