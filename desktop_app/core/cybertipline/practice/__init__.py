"""A practice CyberTipline server that behaves like NCMEC's Reporting API, on loopback.

Not empty, against the house habit: the names below are the package's interface, which the client,
the CLI, the app and the tests import from here; the modules behind them are free to move.
"""

from desktop_app.core.cybertipline.practice.clock import Clock, ManualClock, SystemClock
from desktop_app.core.cybertipline.practice.faults import Fault, load_faults
from desktop_app.core.cybertipline.practice.server import PracticeServer
from desktop_app.core.cybertipline.practice.snapshot import FileView, ReportView, RequestView, Snapshot

__all__ = [
    "Clock",
    "Fault",
    "FileView",
    "ManualClock",
    "PracticeServer",
    "ReportView",
    "RequestView",
    "Snapshot",
    "SystemClock",
    "load_faults",
]
