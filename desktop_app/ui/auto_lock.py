"""Auto-lock: lock the workspace after a stretch without keyboard or mouse input.

``AutoLockController`` is an application-wide event filter. Every key press, mouse press, mouse
move or wheel turn in any window restarts a single-shot idle timer; when it runs out the
controller emits ``idle_timed_out``, and the main window locks the workspace (dropping the keys),
clears the decrypted log from memory, hides the views and asks for the passphrase again. A reviewer
who walks away from evidence leaves nothing readable on screen.
"""

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

MINUTE_MS = 60_000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class AutoLockController(QObject):
    """Emits ``idle_timed_out`` after ``minutes`` without input, while armed (0 minutes = never).

    The controller is armed with ``start()`` when the workspace unlocks and disarmed with ``stop()``
    when it locks, so the unlock dialog itself never times out.

    Args:
        minutes: Idle minutes before locking; 0 disables auto-lock.
        parent: The owning QObject.
    """

    idle_timed_out = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._armed = False
        self._app: QCoreApplication | None = None
        self.minutes = minutes
        self._timeout_ms = minutes * MINUTE_MS

    def install(self, app: QCoreApplication) -> None:
        """Watch every input event in ``app``."""
        self._app = app
        app.installEventFilter(self)

    def uninstall(self) -> None:
        """Stop watching and disarm."""
        self.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def set_minutes(self, minutes: int) -> None:
        """Change the idle time (from Settings); 0 disables auto-lock."""
        self.minutes = minutes
        self.set_timeout_ms(minutes * MINUTE_MS)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """Change the idle time in milliseconds (tests use a tiny one); 0 disables auto-lock."""
        self._timeout_ms = timeout_ms
        if self._armed:
            self._restart()

    @property
    def enabled(self) -> bool:
        """Whether an idle time is set at all."""
        return self._timeout_ms > 0

    @property
    def counting(self) -> bool:
        """Whether the idle timer is running now."""
        return self._timer.isActive()

    def start(self) -> None:
        """Arm: count idle time from now."""
        self._armed = True
        self._restart()

    def stop(self) -> None:
        """Disarm (the workspace is locked; nothing to protect)."""
        self._armed = False
        self._timer.stop()

    def _restart(self) -> None:
        if self._armed and self._timeout_ms > 0:
            self._timer.start(self._timeout_ms)
        else:
            self._timer.stop()

    def _timed_out(self) -> None:
        self._armed = False
        self.idle_timed_out.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the idle timer on user input; never consumes the event."""
        if self._armed and self._timeout_ms > 0 and event.type() in _INPUT_EVENTS:
            self._timer.start(self._timeout_ms)
        return False
