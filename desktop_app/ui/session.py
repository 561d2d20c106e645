"""The session of one window: unlocking, locking (by hand or when idle), the daily checkpoint, closing.

``SessionController`` owns the order in which a lock or a close happens; the pages take part by
connecting to its signals, in the order they should run (Qt calls a signal's slots in the order
they were connected):

* ``locking``: the keys are still loaded. Save what is being typed, stop work that needs keys.
* ``locked``: the keys are gone. Drop every decrypted row, picture and draft from the views.
* ``unlocked(verification)``: the keys are loaded again (``verification`` is what the unlock
  found, or None when there is nothing new to show). Reload the views.
* ``closing``: the window closes. Stop work so that nothing waits for a long upload or import;
  the composition root then locks the workspace, which logs the stop and seals a checkpoint.

A page added to the window connects to these four signals and needs no change here.
"""

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.worker import WorkerPool

log = logging.getLogger(__name__)

# The custody log must be checkpointed at least daily (issue 2, docs/decisions.md §1) even when the app
# stays open for days; checking hourly keeps the worst-case age at 25 hours of activity.
CHECKPOINT_CHECK_MS = 60 * 60 * 1000


class SessionController(QObject):
    """Lock, unlock, auto-lock, the hourly checkpoint check and the close sequence of ``window``.

    Args:
        workspace: The workspace the window shows.
        pool: Runs the checkpoint signing and the unlock dialog's key derivation.
        auto_lock: Emits ``idle_timed_out`` when the reviewer has been away; the session locks then.
        window: The window the unlock dialog and the other dialogs belong to (also the parent).
    """

    locking = Signal()
    locked = Signal()
    unlocked = Signal(object)  # Verification | None
    closing = Signal()
    checkpoint_signed = Signal(str)
    failed = Signal(object)  # an exception from the checkpoint worker

    def __init__(self, workspace: Workspace, pool: WorkerPool, auto_lock: AutoLockController, window: QWidget) -> None:
        super().__init__(window)
        self.workspace = workspace
        self._pool = pool
        self._auto_lock = auto_lock
        self._window = window
        # Bumped on every lock and on close: a read that started before must not repaint decrypted rows.
        self.generation = 0
        self.unlock_dialog: UnlockDialog | None = None
        auto_lock.idle_timed_out.connect(self._idle_timed_out)
        self.checkpoint_timer = QTimer(self)
        self.checkpoint_timer.setInterval(CHECKPOINT_CHECK_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint_if_due)
        self.checkpoint_timer.start()

    def start(self) -> None:
        """Show the state the workspace is in now (once the window has connected its pages)."""
        if self.workspace.is_unlocked:
            self.enter_unlocked()
        else:
            self.enter_locked()

    def lock(self, reason: str = "") -> None:
        """Lock now: let the pages save and stop, drop the keys, clear the views, ask for the passphrase."""
        self.locking.emit()
        # Synchronous on purpose: locking is one small write and a checkpoint, and the keys must be
        # gone before anything else happens (a worker would leave them in memory a little longer).
        self.workspace.lock()
        self.enter_locked()
        self.show_unlock_dialog(reason)

    def enter_locked(self) -> None:
        """Clear the views of a workspace whose keys are gone."""
        log.info("workspace locked")
        # Other dialogs (settings, change passphrase) have no business over a locked window.
        for dialog in self._window.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self.unlock_dialog:
                dialog.reject()
        self.generation += 1
        self._auto_lock.stop()
        self.locked.emit()

    def enter_unlocked(self, verification: object = None) -> None:
        """Reload the views of a workspace whose keys were just loaded."""
        self._auto_lock.start()
        self.unlocked.emit(verification)

    def show_unlock_dialog(self, reason: str = "") -> None:
        """Show the unlock dialog (window-modal, non-blocking); a second call just raises it."""
        if self.unlock_dialog is not None:
            if self.unlock_dialog.isVisible():
                self.unlock_dialog.raise_()
                return
            self.unlock_dialog.deleteLater()
        dialog = UnlockDialog(self.workspace, self._pool, reason=reason, parent=self._window)
        dialog.accepted.connect(lambda: self._unlocked_by(dialog))
        self.unlock_dialog = dialog
        dialog.open()

    def _unlocked_by(self, dialog: UnlockDialog) -> None:
        log.info("workspace unlocked")
        self.enter_unlocked(dialog.verification)

    def _idle_timed_out(self) -> None:
        minutes = self._auto_lock.minutes
        reason = (
            f"Locked after {plural(minutes, 'idle minute')}."
            if minutes
            else "Locked after a period without activity."
        )
        self.lock(reason)

    def checkpoint_if_due(self) -> None:
        """Sign the daily checkpoint in a worker if it is due (the timer calls this hourly)."""
        if self.workspace.is_unlocked:
            worker = self._pool.run(self.workspace.checkpoint_if_due, context=self)
            worker.error.connect(self.failed)
            worker.result.connect(self._checkpoint_done)

    def _checkpoint_done(self, note: str | None) -> None:
        if note:
            self.checkpoint_signed.emit(note)

    def close(self) -> None:
        """The window closes: stop the idle timer, let the pages stop their work, close the prompt."""
        self._auto_lock.stop()
        self.checkpoint_timer.stop()
        self.generation += 1  # reads still in flight must not repaint a closed window
        self.closing.emit()
        if self.unlock_dialog is not None:
            self.unlock_dialog.close()
