"""How a submission step is sent and written down: the ledger under ``SubmissionRun``.

Every step is saved before it is sent (``in_flight``) and after it is answered, with a custody
event each time, so a crash between the two leaves a record that says which step's outcome is
unknown. ``SubmissionRun`` (``submission_run.py``) decides which steps to send and in what order;
this class knows how to send one, retry it, and record the states a run ends in.
"""

from collections.abc import Callable, Generator
from datetime import datetime
from typing import Any

from desktop_app.core.cybertipline.client import ApiResponse, CyberTiplineClient
from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.submission import (
    SubmissionProgress,
    SubmissionState,
    SubmissionStatus,
)
from desktop_app.core.domain.submission_record import SubmissionRecord
from desktop_app.core.errors import (
    CyberTiplineOutcomeUnknown,
    CyberTiplineUnreachable,
)
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission_calls import (
    Outcome,
    StepResult,
    SubmissionSettings,
    classify,
    from_exception,
    in_thread,
    wait,
)
from desktop_app.core.services.submission_progress import StepBoard
from desktop_app.core.services.submission_receipt import archive_receipt
from desktop_app.core.services.submission_status import status_of
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.submissions import SUBMISSION_DIGEST, SubmissionStore

GONE = (5001, 5101)  # NCMEC no longer holds the report (unknown, retracted or discarded)


class SubmissionSteps:
    """The record, its progress board and the write-ahead sending of one step; ``close()`` releases the connection."""

    def __init__(
        self,
        workspace: Workspace,
        items: ItemService,
        record: SubmissionRecord,
        client: CyberTiplineClient,
        settings: SubmissionSettings,
        cancel: CancelToken,
        now: Callable[[], datetime],
        reports: ReportService,
    ) -> None:
        self._workspace = workspace
        self._items = items
        self.record = record
        self._client = client
        self._settings = settings
        self._cancel = cancel
        self._now = now
        self._reports = reports
        self._restarts = 0
        self._board = StepBoard()
        self._draft = ReportDraft.from_json(record.draft)  # parsed once: the same documents every try
        self._draft_saved = False
        self._message = ""
        self._reset_steps()

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()

    # -- progress -------------------------------------------------------------------------------

    def _reset_steps(self) -> None:
        self._board.reset(self.record)

    def _mark(self, key: str, status: str, detail: str = "", bytes_done: int | None = None) -> None:
        self._board.mark(key, status, detail, bytes_done)

    def progress(self) -> SubmissionProgress:
        """A snapshot of every step."""
        return self._board.snapshot(self.record, self._message)

    # -- persistence ----------------------------------------------------------------------------

    def _save(self, kind: EventType, data: dict[str, Any]) -> None:
        """Write the record with its custody entry, which names the stored row's digest (every write logs one)."""
        with self._workspace.db.write() as conn:
            store = SubmissionStore(self._workspace.fields())
            digest = store.save(conn, self.record, self._now(), with_draft=not self._draft_saved)
            self._draft_saved = True
            data = {**self._event(data), SUBMISSION_DIGEST: digest}
            self._workspace.append_event(conn, kind, data, self.record.report_id)

    def _event(self, data: dict[str, Any]) -> dict[str, Any]:
        base = {
            "attempt": self.record.attempt,
            "correlation": self.record.correlation,
            "environment": str(self.record.environment),
            "ncmec_report_id": self.record.ncmec_report_id,
        }
        return {**base, **data}

    def _set_state(self, state: SubmissionState, message: str, advice: str = "") -> None:
        before = self.record.state
        self.record.state = state
        self.record.message = message
        self.record.advice = advice or None
        self._message = message
        self._save(EventType.SUBMISSION_STATE_CHANGED, {"from": str(before), "to": str(state)})

    def status(self) -> SubmissionStatus:
        """The record's status (what ``drive`` returns)."""
        return status_of(self.record)

    # -- sending one step ---------------------------------------------------------------------

    def _call(
        self,
        step: str,
        send: Callable[[], ApiResponse],
        *,
        repeat_unknown: bool,
        apply: Callable[[StepResult], None],
        sent: dict[str, Any] | None = None,
    ) -> Generator[SubmissionProgress, None, StepResult]:
        """Send one step (retrying as allowed), writing it down before and after each try."""
        tries = 0
        while True:
            tries += 1
            self._cancel.raise_if_cancelled()
            self.record.in_flight = step
            self._mark(step, "running" if tries == 1 else "retrying")
            self._message = f"{self._board.label(step)}: {'sending' if tries == 1 else f'try {tries}'}"
            self._save(EventType.SUBMISSION_STEP_SENT, {"step": step, "try": tries, **(sent or {})})
            yield self.progress()
            try:
                response = yield from self._wait_for(send)
                result = classify(step, response)
            except (CyberTiplineUnreachable, CyberTiplineOutcomeUnknown) as problem:
                result = from_exception(step, problem)
            finally:
                self._board.uploading(None)
            self.record.last_step = step
            self.record.last_code = result.code
            self.record.last_http = result.http_status
            self.record.last_request_id = result.response.request_id if result.response else None
            known = result.outcome is not Outcome.UNKNOWN
            if known:
                self.record.in_flight = None
            apply(result)
            self._save(
                EventType.SUBMISSION_STEP_ANSWERED,
                {
                    "step": step,
                    "try": tries,
                    "outcome": str(result.outcome),
                    "response_code": result.code,
                    "http_status": result.http_status,
                    "request_id": self.record.last_request_id,
                },
            )
            retry = result.outcome is Outcome.RETRY or (result.outcome is Outcome.UNKNOWN and repeat_unknown)
            if retry and tries < self._settings.retry.attempts:
                wanted = result.response.retry_after if result.response is not None else None
                delay = self._settings.retry.delay(tries, wanted)
                if delay is not None:
                    self._mark(step, "retrying", detail=f"{result.message} Trying again in {delay:.0f} s.")
                    self._message = result.message
                    for _ in wait(delay, self._cancel):
                        yield self.progress()
                    continue
            self._mark(step, "done" if result.outcome in (Outcome.DONE, Outcome.ALREADY) else "failed", result.message)
            return result

    def _wait_for(self, send: Callable[[], ApiResponse]) -> Generator[SubmissionProgress, None, ApiResponse]:
        calls = in_thread(send)
        while True:
            try:
                next(calls)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            yield self.progress()

    def _unknown_submit(self, why: str) -> None:
        self.record.unknown_submit = True
        self.record.in_flight = None
        self._set_state(
            SubmissionState.NEEDS_DECISION,
            f"Whether NCMEC opened the report is unknown ({why}).",
            "NCMEC may hold an unfinished report whose id we never learned; it cannot be finished, and NCMEC "
            "discards it 24 hours after opening. Decide to send the report again once you accept that "
            "(report submit --new-attempt); nothing is re-sent without that decision.",
        )

    def _needs_decision(self, why: str) -> None:
        self._set_state(SubmissionState.NEEDS_DECISION, why, "Resume the submission later, or retract the report.")

    def _cancelled(self) -> None:
        record = self.record
        if record.ncmec_report_id is not None and record.state in (
            SubmissionState.OPEN,
            SubmissionState.NEEDS_DECISION,
        ):
            self._needs_decision("Cancelled: the report is open at NCMEC.")
        elif record.state is SubmissionState.SUBMITTING:
            record.in_flight = None
            self._set_state(SubmissionState.DRAFT, "Cancelled before NCMEC opened the report; nothing was sent.")

    def _history(self, outcome: str, reason: str) -> None:
        self.record.history.append(
            {
                "attempt": self.record.attempt,
                "ncmec_report_id": self.record.ncmec_report_id,
                "outcome": outcome,
                "reason": reason,
                "at": self._now().isoformat(),
            }
        )

    # -- the end --------------------------------------------------------------------------------

    def _finalize(self, body: bytes, kind: str, response: ApiResponse | None) -> None:
        """Archive NCMEC's receipt and close the submission, in one transaction."""
        theirs = list(response.file_ids) if response is not None and response.root == "reportDoneResponse" else []
        archive_receipt(self._workspace, self.record, body, kind, theirs, self._now(), self._event)
        self._mark("finish", "done", detail=f"NCMEC report {self.record.ncmec_report_id} filed")
        self._message = self.record.message or ""
