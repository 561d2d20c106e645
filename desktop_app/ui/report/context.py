"""What every part of the report form shares: the clock, the change signals, and the path index.

The index maps model paths (``report/personOrUserReported[0]/email[1]``) to the widget that edits
them, so a finding's path can land the keyboard focus on its field. A path whose element is not
there yet (a missing required field, an email not added) falls back to the nearest thing that
can create or show it: the list's Add button, then the enclosing group.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

_LAST_INDEX = re.compile(r"\[\d+\]$")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FormIndex:
    """Model path -> the widget that edits it."""

    def __init__(self) -> None:
        self._widgets: dict[str, QWidget] = {}

    def register(self, path: str, widget: QWidget) -> None:
        """Remember ``widget`` as the editor of ``path``."""
        self._widgets[path] = widget

    def drop(self, prefix: str) -> None:
        """Forget ``prefix`` and everything under it (its widgets are being rebuilt)."""
        below = (prefix + "/", prefix + "[")
        for path in [p for p in self._widgets if p == prefix or p.startswith(below)]:
            del self._widgets[path]

    def exact(self, path: str) -> QWidget | None:
        """The widget registered for exactly ``path``."""
        return self._widgets.get(path)

    def lookup(self, path: str) -> QWidget | None:
        """The widget for ``path``, or for the nearest enclosing path that has one."""
        candidate = path
        while candidate:
            found = self._widgets.get(candidate)
            if found is not None:
                return found
            if _LAST_INDEX.search(candidate):
                candidate = _LAST_INDEX.sub("", candidate)  # element[3] -> the list's Add button
            else:
                candidate = candidate.rpartition("/")[0]
        return None

    def paths(self) -> list[str]:
        """Every registered path (tests and debugging)."""
        return sorted(self._widgets)


class FormContext(QObject):
    """Shared by the widgets of one report form.

    Signals:
        value_changed(str): a value or attribute at this path changed.
        structure_changed(str): an element at this path was added or removed.
    """

    value_changed = Signal(str)
    structure_changed = Signal(str)

    def __init__(self, now: Callable[[], datetime] = _utc_now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.index = FormIndex()
