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
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
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
from desktop_app.core.errors import EvidenceDeskError, OperationCancelled
from desktop_app.core.progress import CancelToken, Progress
from desktop_app.ui.submission.confirm import ProductionConfirmDialog, RetractConfirmDialog
from desktop_app.ui.submission.environment import LOOKS, EnvironmentBandWidget
from desktop_app.ui.submission.state import describe
from desktop_app.ui.submission.steps import (
    DETAIL_COLUMN,
    PROGRESS_COLUMN,
    STEP_COLUMN,
    StepProgressDelegate,
    SubmissionStepsModel,
    size_words,
)
from desktop_app.ui.theme import set_role
from desktop_app.ui.worker import Worker, WorkerPool


class SubmissionMode(StrEnum):
    """What the dialog was opened to do."""

    SUBMIT = "submit"
    RESUME = "resume"
    RETRACT = "retract"


_TITLES = {
    SubmissionMode.SUBMIT: "Submit to NCMEC",
    SubmissionMode.RESUME: "Resume the submission",
    SubmissionMode.RETRACT: "Retract the report at NCMEC",
}
_GO = {SubmissionMode.SUBMIT: "Send", SubmissionMode.RESUME: "Resume", SubmissionMode.RETRACT: "Retract at NCMEC"}
_INTRO = {
    SubmissionMode.SUBMIT: "Nothing has been sent yet. Sending opens the report at NCMEC, uploads and describes each "
    "file, then finishes it; each step is recorded in the custody log before and after it happens. If anything "
    "goes wrong after NCMEC opened the report, it is retracted or kept for you to resume: never left half done.",
    SubmissionMode.RESUME: "Resuming uploads the files NCMEC does not have yet, then finishes the report.",
    SubmissionMode.RETRACT: "Retracting asks NCMEC to discard the open report and its files. Nothing is filed; "
    "you can submit the report again later.",
}
_OUTCOME_ROLES = {"ok": "ok", "notice": "notice", "problem": "problem", "neutral": "neutral"}


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
        self.setWindowTitle(f"{_TITLES[mode]} — report {report_id[:8]}")
        self.setMinimumSize(760, 480)
        self._build()
        self._prepare()

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.band = EnvironmentBandWidget(self.environment)
        self.title = QLabel(_TITLES[self.mode])
        self.title.setProperty("role", "title")
        self.environment_combo = QComboBox()
        self.environment_combo.setAccessibleName("Send to")
        for environment in LOOKS:
            self.environment_combo.addItem(environment.label, environment)
        self.environment_combo.setCurrentIndex(self.environment_combo.findData(self.environment))
        self.environment_combo.currentIndexChanged.connect(self._environment_chosen)
        self.environment_row = QWidget()
        row = QHBoxLayout(self.environment_row)
        row.setContentsMargins(0, 0, 0, 0)
        send_to = QLabel("Send to")
        send_to.setBuddy(self.environment_combo)
        row.addWidget(send_to)
        row.addWidget(self.environment_combo, 1)
        self.environment_row.setVisible(self.mode is SubmissionMode.SUBMIT)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = SubmissionStepsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Submission steps")
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, StepProgressDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STEP_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(STEP_COLUMN, 280)
        self.intro = QLabel(_INTRO[self.mode])
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro.setProperty("role", "hint")
        self.intro.setContentsMargins(40, 0, 40, 0)
        self.steps_stack = QStackedWidget()
        self.steps_stack.addWidget(self.intro)
        self.steps_stack.addWidget(self.table)
        self.now_label = QLabel()
        self.now_label.setProperty("role", "hint")
        self.now_label.setAccessibleName("What is happening now")
        self.overall = QProgressBar()
        self.overall.setTextVisible(False)
        self.overall.setRange(0, 1000)
        self.overall.hide()
        self.outcome = QLabel()
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setAccessibleName("Outcome")
        self.outcome.hide()
        self.go_button = QPushButton(_GO[self.mode])
        self.go_button.setProperty("role", "primary")
        self.go_button.setEnabled(False)
        self.go_button.clicked.connect(self.go)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Upload what is missing and finish the report at NCMEC.")
        self.resume_button.clicked.connect(self._resume_clicked)
        self.retract_button = QPushButton("Retract at NCMEC")
        self.retract_button.setToolTip("NCMEC discards the open report; nothing is filed.")
        self.retract_button.clicked.connect(self._retract_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.request_cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        for button in (self.resume_button, self.retract_button, self.close_button):
            button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.now_label, 1)
        for button in (self.retract_button, self.resume_button, self.cancel_button, self.close_button, self.go_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.band)
        layout.addWidget(self.title)
        layout.addWidget(self.environment_row)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.steps_stack, 1)
        layout.addWidget(self.overall)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)

    # -- before sending: the plan, or the status of the open report -------------------------------

    def _prepare(self) -> None:
        self.phase = "preparing"
        self.go_button.setEnabled(False)
        self.go_button.setText(self._go_text())
        if self.mode is SubmissionMode.SUBMIT:
            self.plan_label.setText("Checking the report…")
            worker = self.pool.run(self.service.plan, self.report_id, self.environment)
            worker.result.connect(self._planned)
        else:
            self.plan_label.setText("Reading the submission…")
            worker = self.pool.run(self.service.status, self.report_id)
            worker.result.connect(self._status_read)
        worker.error.connect(self._preparation_failed)

    def _environment_chosen(self, _index: int) -> None:
        chosen = self.environment_combo.currentData()
        if self.phase in ("preparing", "ready") and chosen is not None and chosen != self.environment:
            self.environment = chosen
            self.band.show_environment(chosen)
            self._prepare()

    def _go_text(self) -> str:
        if self.mode is not SubmissionMode.SUBMIT:
            return _GO[self.mode]
        look = LOOKS[self.environment]
        return f"Send to {look.short}" + ("…" if self.environment is Environment.PRODUCTION else "")

    def _planned(self, plan: SubmissionPlan) -> None:
        if plan.environment != self.environment:
            return  # the reviewer chose another environment while this one was planned
        self.plan = plan
        files = (
            "text only, no files"
            if plan.file_count == 0
            else f"{plan.file_count} file(s), {size_words(plan.total_bytes)}"
        )
        self.plan_label.setText(
            f"<b>{_escape(plan.title)}</b> · report {plan.report_id[:8]} · {files} · {_escape(plan.endpoint)}"
        )
        self.phase = "ready"
        self.go_button.setEnabled(True)

    def _status_read(self, status: SubmissionStatus) -> None:
        self.status = status
        if status.environment is not None:
            self.environment = status.environment
            self.band.show_environment(status.environment)
        text = describe(status, self.now())
        self.plan_label.setText(f"Report {status.report_id[:8]} · {text.long}")
        self.phase = "ready"
        self.go_button.setEnabled(status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION))

    def _preparation_failed(self, exc: BaseException) -> None:
        self.phase = "ready"
        self.plan_label.setText("")
        self._show_outcome(_message(exc), "problem")

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
        self.model.clear()
        self.steps_stack.setCurrentWidget(self.table)
        self.outcome.hide()
        self.environment_row.setEnabled(False)
        self.go_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.resume_button.hide()
        self.retract_button.hide()
        self.close_button.hide()
        self.now_label.setText("Starting…")
        worker = Worker(fn, *args, self._token, cancel=self._token)
        worker.progress.connect(self._progressed)
        worker.result.connect(self._ended)
        worker.error.connect(self._failed)
        self.worker = self.pool.start(worker)
        self.status_changed.emit(self.report_id)

    def _progressed(self, update: object) -> None:
        if isinstance(update, SubmissionProgress):
            self.model.apply(update)
            if self.phase == "running":
                self.now_label.setText(update.message or self._current_words())
            self._show_overall()
        elif isinstance(update, Progress) and update.message and self.phase == "running":
            self.now_label.setText(update.message)

    def _current_words(self) -> str:
        """What is happening now, from the step that is running (when the core's message is empty)."""
        step = self.model.step(self.model.current)
        if step is None:
            return ""
        if step.status == "retrying":
            return f"{step.label}: trying again. {step.detail}".strip()
        if step.bytes_total and step.bytes_done >= step.bytes_total and step.status == "running":
            return f"{step.label}: sent, waiting for NCMEC's answer…"
        return f"{step.label}…" if step.status == "running" else step.label

    def _show_overall(self) -> None:
        total = sum(step.bytes_total for step in self.model.steps)
        if total <= 0:
            self.overall.hide()
            return
        done = sum(step.bytes_total if step.status == "done" else step.bytes_done for step in self.model.steps)
        self.overall.setValue(int(1000 * min(done / total, 1.0)))
        self.overall.setToolTip(f"{size_words(done)} of {size_words(total)} sent")
        self.overall.show()

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
            self._show_outcome(_message(exc), "problem")
        self._read_final_status()

    def _read_final_status(self) -> None:
        worker = self.pool.run(self.service.status, self.report_id)
        worker.result.connect(self._settle)
        worker.error.connect(self._status_unreadable)

    def _status_unreadable(self, exc: BaseException) -> None:
        self._finish(None, f"The submission's state could not be read: {_message(exc)}")

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
        self.cancel_button.hide()
        self.go_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.now_label.setText("")
        if status is None:
            self._show_outcome(problem, "problem")
        else:
            text = describe(status, self.now())
            earlier = getattr(self, "_error", None)
            lead = (
                f"{_message(earlier)} " if earlier is not None and not isinstance(earlier, OperationCancelled) else ""
            )
            code = f" (NCMEC response code {status.last_code})" if status.last_code not in (None, 0) else ""
            body = text.long.removeprefix(text.headline).lstrip(".:; ")  # the headline is not said twice
            self._show_outcome(f"{lead}{body}{code}", text.tone, text.headline)
            undecided = status.state in (SubmissionState.OPEN, SubmissionState.NEEDS_DECISION)
            self.resume_button.setVisible(undecided)
            self.retract_button.setVisible(undecided)
        self._error = None
        self.status_changed.emit(self.report_id)
        self.ended.emit(status)

    def _show_outcome(self, text: str, tone: str, headline: str = "") -> None:
        """Plain ``text`` (escaped here) under an optional bold ``headline``, in the tone's colours."""
        set_role(self.outcome, _OUTCOME_ROLES.get(tone, "problem"))
        body = _escape(text)
        self.outcome.setText(f"<b>{_escape(headline)}</b><br>{body}" if headline else body)
        self.outcome.setVisible(bool(text or headline))

    def _resume_clicked(self) -> None:
        self.mode = SubmissionMode.RESUME
        self._run(self.service.resume, self.report_id)

    def _retract_clicked(self) -> None:
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


def _message(exc: BaseException | None) -> str:
    if isinstance(exc, EvidenceDeskError):
        advice = getattr(exc, "advice", None)
        return f"{exc.message} {advice}" if advice and advice not in exc.message else exc.message
    return "An unexpected error stopped it; the crash report has the details."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
