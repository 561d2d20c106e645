"""The submission dialog: send a report to a CyberTipline, resume an open one, or retract it.

``SubmissionDialog(service, pool, report_id, mode, environment)`` shows where the report goes (an
``EnvironmentBandWidget`` that changes colour and words with the environment), what goes (the
``SubmissionPlan``: title, file count, size, address), then runs the service's generator on the
worker bridge: a row per step and per file with its progress, speed and what is happening now.
Production asks once more, naming the report and its file count. Whatever happens ends in an
outcome panel that says what the reviewer should do: NCMEC's report id when filed, or the core's
advice for the response code that stopped it, with Resume and Retract when the report is still
open at NCMEC.

Cancel stops the work at its next check. Once NCMEC has opened the report, stopping means
retracting it, so the dialog asks first, then stops and retracts. Closing the window is the same as
Cancel; ``reject()`` from code (the main window locking) stops the work without retracting: the
report stays open at NCMEC and is offered for resume after unlocking.

Every worker signal is connected to a bound method of this dialog, never a lambda holding it:
Qt drops those connections when the dialog is destroyed, so a result that arrives after the
reviewer closed the dialog goes nowhere instead of touching deleted widgets.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.submission import (
    Environment,
    SubmissionPlan,
    SubmissionProgress,
    SubmissionState,
    SubmissionStatus,
)
from desktop_app.core.errors import OperationCancelled
from desktop_app.core.progress import CancelToken, Progress
from desktop_app.ui.submission.confirm import ProductionConfirmDialog, RetractConfirmDialog, SendAgainConfirmDialog
from desktop_app.ui.submission.dialog_parts import (
    OutcomeLabel,
    SubmissionButtons,
    decision,
    go_text,
    plan_and_check,
    plan_words,
)
from desktop_app.ui.submission.environment import EnvironmentBandWidget, EnvironmentChooserWidget
from desktop_app.ui.submission.state import describe
from desktop_app.ui.submission.steps_view import SubmissionStepsWidget
from desktop_app.ui.submission.texts import INTRO, TITLES, SubmissionMode, error_words
from desktop_app.ui.worker import Worker, WorkerPool


class SubmissionDialog(QDialog):
    """See the module docstring.

    Signals:
        status_changed(str): the report's submission state may have changed (the report id).
        ended(object): the work ended; the final ``SubmissionStatus``, or None if it could not be read.
    """

    status_changed = Signal(str)
    ended = Signal(object)

    def __init__(
        self,
        service: Any,
        pool: WorkerPool,
        report_id: str,
        mode: SubmissionMode = SubmissionMode.SUBMIT,
        environment: Environment = Environment.PRACTICE,
        parent: QWidget | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.pool = pool
        self.report_id = report_id
        self.mode = mode
        self.environment = environment
        self.now = now or (lambda: datetime.now(UTC))
        self.plan: SubmissionPlan | None = None
        self.status: SubmissionStatus | None = None
        self.phase = "preparing"  # preparing, ready, running, stopping, ended
        self.worker: Worker | None = None
        self.confirmation: QDialog | None = None
        self._token: CancelToken | None = None
        self._retract_when_stopped = False
        self._error: BaseException | None = None
        self.setWindowTitle(f"{TITLES[mode]} — report {report_id[:8]}")
        self.setMinimumSize(760, 480)
        self._build()
        self._prepare()

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.band = EnvironmentBandWidget(self.environment)
        self.title = QLabel(TITLES[self.mode])
        self.title.setProperty("role", "title")
        self.environment_row = EnvironmentChooserWidget(self.environment)
        self.environment_row.chosen.connect(self._environment_chosen)
        if self.mode is not SubmissionMode.SUBMIT:
            self.environment_row.hide()
        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)  # our markup (plan_words); NCMEC's words escaped
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps = SubmissionStepsWidget(INTRO[self.mode])
        self.model = self.steps.model  # the steps as the core last reported them
        self.outcome = OutcomeLabel()
        self.buttons = SubmissionButtons(
            self.mode, self.go, self._resume, self._retract, self._send_again_clicked, self.request_cancel, self.accept
        )
        row = self.buttons  # the dialog's code and its tests name the row's widgets directly
        self.now_label, self.go_button, self.cancel_button, self.close_button = (
            row.now_label, row.go_button, row.cancel_button, row.close_button
        )  # fmt: skip
        self.resume_button, self.retract_button, self.send_again_button = (
            row.resume_button, row.retract_button, row.send_again_button
        )  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.band)
        layout.addWidget(self.title)
        layout.addWidget(self.environment_row)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(self.buttons.row)

    # -- before sending: the plan, or the status of the open report -------------------------------

    def _prepare(self) -> None:
        self.phase = "preparing"
        self.outcome.hide()
        self.go_button.setEnabled(False)
        self.go_button.setText(go_text(self.mode, self.environment))
        if self.mode is SubmissionMode.SUBMIT:
            self.plan_label.setText("Checking the report…")
            worker = self.pool.run(plan_and_check, self.service, self.report_id, self.environment, context=self)
            worker.result.connect(self._planned)
        else:
            self.plan_label.setText("Reading the submission…")
            worker = self.pool.run(self.service.status, self.report_id, context=self)
            worker.result.connect(self._status_read)
        worker.error.connect(self._preparation_failed)

    def _environment_chosen(self, chosen: Environment) -> None:
        if self.phase in ("preparing", "ready") and chosen != self.environment:
            self.environment = chosen
            self.band.show_environment(chosen)
            self._prepare()

    def _planned(self, planned: tuple[SubmissionPlan, str]) -> None:
        plan, missing = planned
        if plan.environment != self.environment:
            return  # the reviewer chose another environment while this one was planned
        self.plan = plan
        self.plan_label.setText(plan_words(plan))
        self.phase = "ready"
        self.go_button.setEnabled(not missing)
        if missing:
            self.outcome.show_outcome(missing, "notice")  # before anything is sent, not after NCMEC said 401

    def _status_read(self, status: SubmissionStatus) -> None:
        self.status = status
        if status.environment is not None:
            self.environment = status.environment
            self.band.show_environment(status.environment)
        text = describe(status, self.now())
        self.plan_label.setText(f"Report {status.report_id[:8]} · {escape(text.long)}")  # quotes NCMEC's words
        self.phase = "ready"
        self.go_button.setEnabled(decision(status) == "open")
        if decision(status) == "unknown":
            self.go_button.hide()
            self.buttons.offer(status)

    def _preparation_failed(self, exc: BaseException) -> None:
        self.phase = "ready"
        self.plan_label.setText("")
        self.outcome.show_outcome(error_words(exc), "problem")

    # -- sending ---------------------------------------------------------------------------------

    def go(self) -> None:
        """Start (production asks first, naming the report and its file count)."""
        if self.phase != "ready":
            return
        if self.mode is SubmissionMode.SUBMIT and self.environment is Environment.PRODUCTION and self.plan is not None:
            confirmation = ProductionConfirmDialog(self.plan, self)
            confirmation.accepted.connect(self._start)
            self.confirmation = confirmation
            confirmation.open()
            return
        self._start()

    def _start(self) -> None:
        self.confirmation = None
        if self.mode is SubmissionMode.SUBMIT:
            self._run(self.service.submit, self.report_id, self.environment)
        elif self.mode is SubmissionMode.RESUME:
            self._run(self.service.resume, self.report_id)
        else:
            self._run(self.service.retract, self.report_id)

    def _run(self, fn: Callable[..., Any], *args: Any) -> None:
        self.phase = "running"
        self._token = CancelToken()
        self.steps.start()
        self.outcome.hide()
        self.environment_row.setEnabled(False)
        self.buttons.show_running()
        worker = Worker(fn, *args, self._token, cancel=self._token, context=self)
        worker.progress.connect(self._progressed)
        worker.result.connect(self._ended)
        worker.error.connect(self._failed)
        self.worker = self.pool.start(worker)
        self.status_changed.emit(self.report_id)

    def _progressed(self, update: object) -> None:
        if isinstance(update, SubmissionProgress):
            words = self.steps.apply(update)
            if self.phase == "running":
                self.now_label.setText(words)
        elif isinstance(update, Progress) and update.message and self.phase == "running":
            self.now_label.setText(update.message)

    @property
    def running(self) -> bool:
        """Whether a submit, resume or retract is under way."""
        return self.phase in ("running", "stopping")

    def opened_at_ncmec(self) -> bool:
        """Whether NCMEC holds the report open now (so stopping must mean retracting)."""
        if self.mode is not SubmissionMode.SUBMIT:
            return self.mode is SubmissionMode.RESUME
        submit, finish = self.model.step("submit"), self.model.step("finish")
        return submit is not None and submit.status == "done" and (finish is None or finish.status != "done")

    # -- stopping --------------------------------------------------------------------------------

    def request_cancel(self) -> None:
        """Cancel: before NCMEC opened the report, stop; after, ask, then stop and retract."""
        if not self.running:
            self.reject()
            return
        if self.phase == "stopping" or self._token is None:
            return
        if not self.opened_at_ncmec():
            self._stop(retract=False)
            return
        title = self.plan.title if self.plan is not None else f"report {self.report_id[:8]}"
        ncmec_id = self.status.ncmec_report_id if self.status is not None else None
        confirmation = RetractConfirmDialog(title, ncmec_id, self)
        confirmation.accepted.connect(self._stop_and_retract)
        self.confirmation = confirmation
        confirmation.open()

    def _stop_and_retract(self) -> None:
        self.confirmation = None
        self._stop(retract=True)

    def _stop(self, retract: bool) -> None:
        if not self.running or self._token is None:
            return  # it ended while the question was open
        self._retract_when_stopped = retract
        self.phase = "stopping"
        self._token.cancel()
        self.cancel_button.setEnabled(False)
        self.now_label.setText("Stopping, then retracting the report at NCMEC…" if retract else "Stopping…")

    # -- the end ---------------------------------------------------------------------------------

    def _ended(self, status: object) -> None:
        if isinstance(status, SubmissionStatus):
            self._settle(status)
        else:
            self._read_final_status()

    def _failed(self, exc: BaseException) -> None:
        self._error = exc
        if not isinstance(exc, OperationCancelled):
            self.outcome.show_outcome(error_words(exc), "problem")
        self._read_final_status()

    def _read_final_status(self) -> None:
        worker = self.pool.run(self.service.status, self.report_id, context=self)
        worker.result.connect(self._settle)
        worker.error.connect(self._status_unreadable)

    def _status_unreadable(self, exc: BaseException) -> None:
        self._finish(None, f"The submission's state could not be read: {error_words(exc)}")

    def _settle(self, status: SubmissionStatus) -> None:
        self.status = status
        # Cancelling an open report leaves it waiting for a decision; the reviewer already made it: retract.
        still_open = status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION) and status.ncmec_report_id
        if self._retract_when_stopped and still_open:
            self._retract_when_stopped = False
            self.mode = SubmissionMode.RETRACT
            self._run(self.service.retract, self.report_id)
            self.now_label.setText("Retracting the report at NCMEC…")
            return
        self._finish(status)

    def _finish(self, status: SubmissionStatus | None, problem: str = "") -> None:
        self.phase = "ended"
        self.worker = None
        self._retract_when_stopped = False
        self.buttons.show_ended()
        if status is None:
            self.outcome.show_outcome(problem, "problem")
        else:
            text = describe(status, self.now())
            earlier = self._error
            shown = earlier is not None and not isinstance(earlier, OperationCancelled)
            lead = f"{error_words(earlier)} " if shown else ""
            code = f" (NCMEC response code {status.last_code})" if status.last_code not in (None, 0) else ""
            body = text.long.removeprefix(text.headline).lstrip(".:; ")  # the headline is not said twice
            self.outcome.show_outcome(f"{lead}{body}{code}", text.tone, text.headline)
            self.buttons.offer(status)
        self._error = None
        self.status_changed.emit(self.report_id)
        self.ended.emit(status)

    # -- a submit whose outcome is unknown: only the reviewer can decide to send again ----------------

    def _send_again_clicked(self) -> None:
        confirmation = SendAgainConfirmDialog(self)
        confirmation.accepted.connect(self._send_again)
        self.confirmation = confirmation
        confirmation.open()

    def _send_again(self) -> None:
        self.confirmation = None
        self.send_again_button.hide()
        worker = self.pool.run(self.service.acknowledge_unknown, self.report_id, context=self)
        worker.result.connect(self._set_aside)
        worker.error.connect(self._preparation_failed)

    def _set_aside(self, status: SubmissionStatus) -> None:
        """The unknown attempt is recorded as set aside: this dialog becomes a fresh Submit."""
        self.status = status
        self.mode = SubmissionMode.SUBMIT
        self.setWindowTitle(f"{TITLES[self.mode]} — report {self.report_id[:8]}")
        self.title.setText(TITLES[self.mode])
        self.environment_row.setVisible(True)
        self.environment_row.setEnabled(True)
        self.outcome.hide()
        self.close_button.hide()
        self.go_button.show()
        self.status_changed.emit(self.report_id)
        self._prepare()

    def _resume(self) -> None:
        self.mode = SubmissionMode.RESUME
        self._run(self.service.resume, self.report_id)

    def _retract(self) -> None:
        self.mode = SubmissionMode.RETRACT
        self._run(self.service.retract, self.report_id)

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing while the work runs is Cancel (which may ask); otherwise close."""
        if self.running:
            event.ignore()
            self.request_cancel()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Escape is Cancel too."""
        if event.key() == Qt.Key.Key_Escape and self.running:
            self.request_cancel()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """From code (the window locking): stop the work at its next check, no retraction, and close."""
        if self._token is not None and self.running:
            self._token.cancel()
        super().reject()
