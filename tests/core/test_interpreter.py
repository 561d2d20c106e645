"""The interpreter tuning the app, the benchmarks and the GUI tests share (core/platform/interpreter.py)."""

import gc
import sys

from desktop_app.core.platform.interpreter import (
    GUI_SWITCH_INTERVAL_SECONDS,
    NEVER,
    collector_paused,
    long_lived_allocation,
    release_gradually,
    tuned_for_the_gui,
)


def test_the_gui_tuning_is_applied_and_put_back():
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    with tuned_for_the_gui():
        assert abs(sys.getswitchinterval() - GUI_SWITCH_INTERVAL_SECONDS) < 1e-9  # kept in microseconds
        assert gc.get_threshold() == (thresholds[0], thresholds[1], NEVER)  # young collections go on
    assert sys.getswitchinterval() == interval and gc.get_threshold() == thresholds


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
