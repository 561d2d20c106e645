"""Load-insensitive figures for event-loop stalls: what the GUI thread itself ran, and who held the GIL.

A heartbeat gap on a loaded 2-core machine mixes three things: work on the GUI thread, the GUI
thread waiting for the GIL while another of our threads holds it in one C call, and the operating
system running someone else. These probes tell them apart:

* ``ProbedApplication`` times every event the GUI thread delivers (``QApplication.notify``, the
  outermost call only) in wall time and in the GUI thread's own CPU time (``time.thread_time``).
  Its CPU time is what the GUI thread spent on that event, whatever the load; the watch below
  samples the Python stack of an event that has run for more than 4 ms, to name it.
* ``GilWatch`` is a thread that wakes every 2 ms. When it is late by more than
  ``LATE_SECONDS``, it reads how much CPU each of our other threads used meanwhile (their own
  CPU clocks). A thread that ran for most of that stretch while no other could run Python held
  the GIL in one C-level call (Python code gives it up every 0.2 ms); a stretch in which no
  thread ran is the operating system's doing (the load). The stacks just before and just after
  say which call it was. The watch also reads how long the operating system kept it waiting for
  a core (``/proc/thread-self/schedstat``): what is left of a late stretch after that and its
  own running is time it waited for the GIL. That wait, capped at the CPU the busiest other
  thread used meanwhile, is a GIL hold by a running thread (``LateWake.held``), a figure that
  load inflates far less than wall-clock gaps.
* ``LoadFreeHeartbeat`` does the same for the GUI thread's heartbeat: of each gap it counts no
  more than the CPU time all our threads used in it, and no more than the gap less the time the
  GUI thread waited for a core.

The probes cost a little themselves (a Python call per event delivered, a thread waking 500
times a second: the benchmark prints the watch's CPU time); they run only in the benchmark.
"""

import contextlib
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from benchmarks.ui_bench import Heartbeat

LATE_SECONDS = 0.015
WATCH_SECONDS = 0.002


def queued_seconds() -> float:
    """How long this thread has been runnable but waiting for a core (Linux ``schedstat``, in total)."""
    with open("/proc/thread-self/schedstat") as stat:
        return int(stat.read().split()[1]) / 1e9


class LoadFreeHeartbeat(Heartbeat):
    """The 5 ms heartbeat, also noting per gap the GUI thread's CPU and queueing, and the process's CPU.

    Of a gap, only the time some thread of ours ran can be our own doing: the rest the GUI thread
    waited for a core, or for a GIL whose holder was itself waiting for a core (the load).
    """

    def start(self) -> None:
        self.queued: list[float] = []  # per gap, ms the GUI thread waited for a core
        self.ran: list[float] = []  # per gap, ms of the GUI thread's CPU time
        self.process: list[float] = []  # per gap, ms of CPU all our threads used
        self.ended: list[float] = []  # when each gap ended (``perf_counter``)
        self._last_clocks = queued_seconds(), time.thread_time(), time.process_time()
        super().start()

    def _tick(self) -> None:
        clocks = queued_seconds(), time.thread_time(), time.process_time()
        self.queued.append((clocks[0] - self._last_clocks[0]) * 1000)
        self.ran.append((clocks[1] - self._last_clocks[1]) * 1000)
        self.process.append((clocks[2] - self._last_clocks[2]) * 1000)
        self._last_clocks = clocks
        self.ended.append(time.perf_counter())
        super()._tick()

    def load_free(self) -> tuple[float, int]:
        """The longest gap counting only what our threads ran (no more than the gap less the GUI's queueing)."""
        free = [min(g - q, p) for g, q, p in zip(self.gaps, self.queued, self.process, strict=True)]
        longest = max(range(len(free)), key=free.__getitem__, default=0)
        return (free[longest] if free else 0.0), longest


def stack_of(frame: FrameType | None, depth: int = 5) -> str:
    """The innermost ``depth`` Python frames as ``function (file:line)`` from the inside out."""
    parts = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        parts.append(f"{code.co_name} ({code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno})")
        frame = frame.f_back
    return " < ".join(parts) or "(no Python frame: C++ only)"


@dataclass
class Delivery:
    """One event the GUI thread delivered, outermost only."""

    cpu: float  # GUI-thread CPU seconds
    wall: float
    what: str  # receiver class and event type
    where: list[str] = field(default_factory=list)  # Python stacks the sampler saw while it ran


class ProbedApplication(QApplication):
    """A ``QApplication`` that times each outermost event delivery while ``recording``."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.recording = False
        self.deliveries: list[Delivery] = []
        self.current: Delivery | None = None
        self._started = 0.0
        self._depth = 0
        self.gui_ident = threading.get_ident()

    def notify(self, receiver: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt's own
        if self._depth or not self.recording:
            self._depth += 1
            try:
                return super().notify(receiver, event)
            finally:
                self._depth -= 1
        delivery = Delivery(0.0, 0.0, f"{type(receiver).__name__} {event.type().name}")
        self._depth, self.current = 1, delivery
        wall, cpu = time.perf_counter(), time.thread_time()
        self._started = wall
        try:
            return super().notify(receiver, event)
        finally:
            delivery.cpu, delivery.wall = time.thread_time() - cpu, time.perf_counter() - wall
            self._depth, self.current = 0, None
            self.deliveries.append(delivery)

    def running_for(self) -> tuple[Delivery | None, float]:
        """The delivery in progress (if any) and for how long it has run."""
        current = self.current
        return current, (time.perf_counter() - self._started if current is not None else 0.0)

    def longest(self, key: str = "cpu") -> Delivery | None:
        """The recorded delivery with the most GUI-thread CPU (or wall) time."""
        return max(self.deliveries, key=lambda d: getattr(d, key), default=None)


@dataclass
class LateWake:
    """A stretch in which the watch could not run Python: who ran meanwhile, and where."""

    ended: float  # ``perf_counter``
    seconds: float
    gil_wait: float  # of those, the seconds the watch waited for the GIL (not for a core, not running)
    cpu: dict[str, float]  # CPU seconds each other thread used meanwhile
    before: dict[str, str]  # each thread's stack just before ...
    after: dict[str, str]  # ... and just after

    @property
    def held(self) -> float:
        """Seconds the watch waited for the GIL while the busiest other thread ran: a hold, less the load.

        The holder may itself have been kept off a core while holding the GIL (the load again):
        only the time it ran counts.
        """
        return min(self.gil_wait, self.holder[1])

    @property
    def holder(self) -> tuple[str, float]:
        """The thread that used the most CPU meanwhile (the GIL's holder, if one held it), and how much."""
        return max(self.cpu.items(), key=lambda kv: kv[1], default=("", 0.0))


class GilWatch(threading.Thread):
    """Wakes every ``WATCH_SECONDS``; remembers the late wake-ups and what the other threads were doing."""

    def __init__(self, app: ProbedApplication) -> None:
        super().__init__(name="gil-watch", daemon=True)
        self.app = app
        self.late: list[LateWake] = []
        self.cpu = 0.0
        self._halt = threading.Event()

    def stop(self) -> None:
        if not self.is_alive():
            raise RuntimeError("the GIL watch ended early (see its traceback above): its figures would be empty")
        self._halt.set()
        self.join()

    def _label(self, ident: int) -> str:
        if ident == self.app.gui_ident:
            return "GUI"
        thread = threading._active.get(ident)  # worker-pool threads are "Dummy-N" here
        return thread.name if thread is not None else f"thread {ident}"

    def _clocks(self) -> dict[int, float]:
        """Each other Python thread's CPU seconds so far (Linux: ``get_ident`` is the pthread id)."""
        mine, clocks = threading.get_ident(), {}
        for ident in sys._current_frames():
            if ident != mine:
                with contextlib.suppress(OSError):  # the thread just ended
                    clocks[ident] = time.clock_gettime(time.pthread_getcpuclockid(ident))
        return clocks

    def _stacks(self) -> dict[str, str]:
        mine = threading.get_ident()
        return {self._label(i): stack_of(f) for i, f in sys._current_frames().items() if i != mine}

    def run(self) -> None:
        try:
            self._watch()
        finally:
            self.cpu = time.thread_time()  # what the watch itself cost (it competes for the GIL and a core)

    def _watch(self) -> None:
        before, clocks, last = self._stacks(), self._clocks(), self._own()
        while not self._halt.wait(WATCH_SECONDS):
            now, clocks_now = self._own(), self._clocks()
            late = now[0] - last[0] - WATCH_SECONDS
            if late > LATE_SECONDS:
                used = {self._label(i): c - clocks.get(i, c) for i, c in clocks_now.items()}
                gil_wait = late - (now[1] - last[1]) - (now[2] - last[2])  # less running and queueing
                self.late.append(LateWake(now[0], now[0] - last[0], gil_wait, used, before, self._stacks()))
            current, ran = self.app.running_for()
            if current is not None and ran > 0.004 and len(current.where) < 8:
                current.where.append(stack_of(sys._current_frames().get(self.app.gui_ident)))
            # Taken after the clocks, so that their own cost is not counted as lateness.
            before, clocks, last = self._stacks(), self._clocks(), self._own()

    @staticmethod
    def _own() -> tuple[float, float, float]:
        return time.perf_counter(), time.thread_time(), queued_seconds()

    def longest_hold(self) -> LateWake | None:
        """The late wake-up with the longest GIL hold by a running thread (``LateWake.held``)."""
        return max(self.late, key=lambda w: w.held, default=None)
