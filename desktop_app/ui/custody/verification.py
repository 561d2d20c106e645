"""Checking the workspace from the window: the custody log on demand, every evidence file after unlocking.

``VerificationController`` runs both checks in workers, shows their progress and outcome in the
status panel, and keeps the one-line alert over the queue in step with what the panel warns about
(a failed log or vault check, or what the start-up sweep of the blob folder found), because the
queue page hides the panel.
"""

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.core.domain.verification import VaultVerification, Verification
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.custody.alerts import CustodyAlertController
from desktop_app.ui.widgets.custody_log_view import CustodyLogWidget
from desktop_app.ui.widgets.queue_page import QueuePageWidget
from desktop_app.ui.widgets.workspace_status import WorkspaceStatusWidget
from desktop_app.ui.worker import Worker, WorkerPool

log = logging.getLogger(__name__)


class VerificationController(QObject):
    """The log's and the vault's verification, shown in ``panel`` and summed up over ``queue_page``.

    Signals:
        verification_finished(object): the ``Verification`` of each log check.
        message(str): a line for the status bar.
        ended(): a log check ended, whatever its outcome (the window re-reads the log then).
    """

    verification_finished = Signal(object)
    message = Signal(str)
    ended = Signal()

    def __init__(
        self,
        workspace: Workspace,
        pool: WorkerPool,
        panel: WorkspaceStatusWidget,
        log_view: CustodyLogWidget,
        queue_page: QueuePageWidget,
        alerts: CustodyAlertController,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._pool = pool
        self._panel = panel
        self._log_view = log_view
        self._queue_page = queue_page
        self._alerts = alerts
        self.vault_worker: Worker | None = None
        self._log_alert = ""
        self._sweep_alert = ""
        self._vault_alert = ""

    def verify_log(self) -> None:
        """Verify the custody log in a worker and show the outcome."""
        self._log_view.verify_button.setEnabled(False)
        self._panel.show_verifying()
        worker = self._pool.run(self.workspace.verify_log, context=self)
        worker.result.connect(self._verified)
        worker.error.connect(self._verification_failed)
        worker.finished.connect(self._verification_ended)

    def _verification_ended(self) -> None:
        self._log_view.verify_button.setEnabled(self.workspace.is_unlocked)
        self.ended.emit()

    def _verified(self, verification: Verification) -> None:
        if verification.ok:
            log.info("custody log verified: %d entries, %d checkpoints", verification.entries, verification.checkpoints)
        else:
            log.warning("custody log verification failed at entry %s", verification.first_bad_seq)
        self.show_verification(verification)
        self.message.emit(
            "Custody log verified: intact." if verification.ok else "Custody log verification found a problem."
        )
        self.verification_finished.emit(verification)

    def _verification_failed(self, exc: BaseException) -> None:
        self._panel.show_verification_error(
            exc.message
            if isinstance(exc, EvidenceDeskError)
            else "An unexpected error stopped it; see the crash report."
        )

    def show_verification(self, verification: Verification) -> None:
        """Show a log verification's outcome (also the one done while unlocking)."""
        self._panel.show_verification(verification, datetime.now(UTC))
        self._log_alert = "" if verification.ok else "The custody log failed verification."
        self._update_alert()
        self._alerts.update()

    def verify_vault(self) -> None:
        """Authenticate every evidence blob in the background, with progress in the status panel."""
        if self.vault_worker is not None or not self.workspace.is_unlocked:
            return
        token = CancelToken()  # checked between blobs; locking cancels it
        worker = Worker(self.workspace.verify_vault, token, cancel=token, context=self)
        worker.progress.connect(self._panel.show_vault_progress)
        worker.result.connect(self._vault_verified)
        worker.error.connect(
            lambda exc: self._panel.show_vault_error(
                exc.message if isinstance(exc, EvidenceDeskError) else "An unexpected error stopped it."
            )
        )
        worker.finished.connect(self._vault_finished)
        self.vault_worker = self._pool.start(worker)

    def cancel_vault_check(self) -> None:
        """Stop the vault check at its next blob (the keys go with the lock)."""
        if self.vault_worker is not None:
            self.vault_worker.cancel()

    def _vault_verified(self, result: VaultVerification) -> None:
        self._panel.show_vault(result, datetime.now(UTC))
        self._vault_alert = "" if result.ok else "Evidence files failed verification."
        self._update_alert()

    def _vault_finished(self) -> None:
        self.vault_worker = None

    def show_sweep(self, text: str) -> None:
        """What the start-up sweep of the blob folder found, in words ("" when nothing)."""
        self._sweep_alert = text
        self._update_alert()

    def _update_alert(self) -> None:
        # What the status panel warns about must not go unseen while the queue hides the panel.
        alerts = [text for text in (self._log_alert, self._sweep_alert, self._vault_alert) if text]
        self._queue_page.show_alert(" ".join(alerts) + " See the Custody log tab." if alerts else "")
