"""The interpreter tuning the app, the benchmarks and the GUI tests share (core/platform/interpreter.py)."""

import gc
import sys

from desktop_app.core.platform.interpreter import (
    GUI_SWITCH_INTERVAL_SECONDS,
    NEVER,
    collect_if_due,
    collector_paused,
    long_lived_allocation,
    release_gradually,
    tuned_for_the_gui,
)


def test_the_gui_tuning_is_applied_and_put_back():
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    with tuned_for_the_gui():
        assert abs(sys.getswitchinterval() - GUI_SWITCH_INTERVAL_SECONDS) < 1e-9  # kept in microseconds
        assert not gc.isenabled()  # the GUI thread collects: ui/interpreter.py
        assert gc.get_threshold() == (thresholds[0], thresholds[1], NEVER)  # young collections go on there
        with tuned_for_the_gui():  # the app started inside the GUI tests
            pass
        assert not gc.isenabled()
    assert sys.getswitchinterval() == interval and gc.get_threshold() == thresholds and gc.isenabled()


class Cycle:
    def __init__(self, freed: list[bool]) -> None:
        self.me, self.freed = self, freed

    def __del__(self) -> None:
        self.freed.append(True)


def test_collect_if_due_collects_the_young_garbage_once_past_the_threshold_and_not_before():
    with tuned_for_the_gui():
        gc.collect()  # the counts start at zero
        assert collect_if_due() == 0
        freed: list[bool] = []
        Cycle(freed)
        assert collect_if_due() == 0 and freed == []  # not due: one object is not 700
        young = [[n] for n in range(gc.get_threshold()[0] + 1)]
        assert collect_if_due() > 0 and freed == [True]
        assert len(young) > 700


def test_collect_if_due_waits_while_a_batch_is_built():
    with tuned_for_the_gui():
        freed: list[bool] = []
        Cycle(freed)
        with collector_paused():
            young = [[n] for n in range(gc.get_threshold()[0] + 1)]
            assert collect_if_due() == 0 and freed == []
        assert not gc.isenabled()  # the pause did not switch automatic collection back on
        assert collect_if_due() > 0 and freed == [True]
        assert len(young) > 700


def test_nested_pauses_switch_the_collector_back_on_only_at_the_end():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_switched_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_long_lived_batches_are_frozen_and_the_thresholds_come_back():
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    try:
        with long_lived_allocation():
            batch = [{"row": i} for i in range(1000)]
            assert gc.get_threshold()[2] == NEVER
        assert gc.get_threshold() == thresholds and gc.get_freeze_count() >= frozen
        assert len(batch) == 1000
    finally:
        gc.unfreeze()


def test_a_big_dict_is_released_one_entry_at_a_time():
    # Each value notes how many entries were still held when it was freed: a dict dropped or
    # cleared at once frees them all in one C-level step (with the GIL held throughout).
    still_held: list[int] = []
    entries: dict[int, object] = {}

    class Noted:
        def __del__(self) -> None:
            still_held.append(len(entries))

    entries.update((n, Noted()) for n in range(500))
    release_gradually(entries)
    assert entries == {}
    assert still_held == list(range(499, -1, -1))
