"""What the custody checks found that a person must act on: detected tampering, a damaged recovery slot.

The banner sits above every page and stays until the state is resolved: tampering only by an
acknowledgement with a reason (which the core logs), a recovery slot only by making a new key.
"""

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.keys import RecoveryKey
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.worker import WorkerPool


class CustodyAlertWidget(QFrame):
    """A red banner naming the problem, with the one action that resolves it."""

    acknowledge_requested = Signal()
    new_recovery_key_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        self.message = QLabel()
        self.message.setProperty("role", "problem")
        self.message.setWordWrap(True)
        layout.addWidget(self.message, 1)
        self.acknowledge_button = QPushButton("Acknowledge…")
        self.acknowledge_button.clicked.connect(self.acknowledge_requested)
        self.recovery_button = QPushButton("Make a new recovery key…")
        self.recovery_button.clicked.connect(self.new_recovery_key_requested)
        layout.addWidget(self.acknowledge_button)
        layout.addWidget(self.recovery_button)
        self.setVisible(False)

    def show_state(self, tampering: str | None, recovery_problem: str | None, unlocked: bool) -> None:
        """Show what stands (tampering first: it blocks everything), or hide when nothing does."""
        if tampering:
            self.message.setText(f"TAMPERING DETECTED. {tampering}")
        elif recovery_problem:
            self.message.setText(recovery_problem)
        self.acknowledge_button.setVisible(bool(tampering))
        self.acknowledge_button.setEnabled(unlocked)
        self.recovery_button.setVisible(not tampering and bool(recovery_problem))
        self.recovery_button.setEnabled(unlocked)
        self.setVisible(bool(tampering or recovery_problem))


class AcknowledgeTamperingDialog(QDialog):
    """Ask for the reason an acknowledgement is given; OK only once there is one."""

    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Acknowledge detected tampering")
        layout = QVBoxLayout(self)
        found = QLabel(summary)
        found.setWordWrap(True)
        layout.addWidget(found)
        hint = QLabel(
            "Say what you checked and who you told. The custody log records your acknowledgement, this "
            "reason and every detection; the checkpoint it contradicts is kept."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Reason (required)")
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Acknowledge")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._reason_changed)
        self._reason_changed()
        self.resize(560, 320)

    def _reason_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.toPlainText().strip()))

    def reason_text(self) -> str:
        """The reason as typed (stripped)."""
        return self.reason.toPlainText().strip()


class CustodyAlertController(QObject):
    """Keeps the banner in step with the workspace and runs the two resolving actions in a worker."""

    message = Signal(str)
    acknowledged = Signal()

    def __init__(self, workspace: Workspace, pool: WorkerPool, window: QWidget) -> None:
        super().__init__(window)
        self.workspace = workspace
        self._pool = pool
        self._window = window
        self.widget = CustodyAlertWidget()
        self.widget.acknowledge_requested.connect(self.ask_acknowledgement)
        self.widget.new_recovery_key_requested.connect(self.make_new_recovery_key)

    def update(self) -> None:
        """Re-read the workspace's standing problems into the banner."""
        alarm = self.workspace.tampering
        self.widget.show_state(
            alarm.summary() if alarm else None, self.workspace.recovery_slot_problem, self.workspace.is_unlocked
        )

    def ask_acknowledgement(self) -> AcknowledgeTamperingDialog | None:
        """Ask for the reason, then record the acknowledgement (returns the dialog, for tests)."""
        alarm = self.workspace.tampering
        if alarm is None:
            return None
        dialog = AcknowledgeTamperingDialog(alarm.summary(), self._window)
        dialog.accepted.connect(lambda: self.acknowledge(dialog.reason_text()))
        dialog.open()
        return dialog

    def acknowledge(self, reason: str) -> None:
        """Record the acknowledgement in a worker."""
        worker = self._pool.run(self.workspace.acknowledge_tampering, reason, context=self)
        worker.result.connect(self._acknowledged)
        worker.error.connect(self._failed)

    def _acknowledged(self, _note: str) -> None:
        self.update()
        self.message.emit("Tampering acknowledged; the acknowledgement is in the custody log.")
        self.acknowledged.emit()

    def make_new_recovery_key(self) -> None:
        """Replace the damaged recovery slot and show the new key once."""
        worker = self._pool.run(self.workspace.replace_recovery_key, context=self)
        worker.result.connect(self._recovery_key_made)
        worker.error.connect(self._failed)

    def _recovery_key_made(self, recovery: RecoveryKey) -> None:
        self.update()
        dialog = RecoveryKeyDialog(recovery.text, self._window)
        dialog.open()

    def _failed(self, exc: BaseException) -> None:
        self.update()
        if isinstance(exc, EvidenceDeskError):
            self.message.emit(exc.message)
