"""One run of a submission: the steps, each persisted before it is sent and after it is answered.

``SubmissionRun.drive`` takes a ``SubmissionRecord`` wherever it stands (new, interrupted by a
crash, waiting for a decision) and carries it as far as it safely can; ``SubmissionService`` owns the
preconditions, and ``SubmissionSteps`` (``submission_steps.py``) how one step is sent and recorded.
The rules are in ``services.submission``'s docstring and ``docs/submission.md``.
"""

import base64
import hashlib
import secrets
import time
from collections.abc import Generator

from desktop_app.core.cybertipline.client import ApiResponse
from desktop_app.core.cybertipline.serialize import serialize, serialize_file_details
from desktop_app.core.cybertipline.upload_body import StreamingBody
from desktop_app.core.domain.submission import (
    SubmissionProgress,
    SubmissionState,
    SubmissionStatus,
)
from desktop_app.core.domain.submission_record import FileRecord
from desktop_app.core.errors import (
    CyberTiplineOutcomeUnknown,
    EvidenceDeskError,
    OperationCancelled,
)
from desktop_app.core.services.submission_calls import (
    Outcome,
    StepResult,
)
from desktop_app.core.services.submission_steps import GONE, SubmissionSteps

_ENDED = (SubmissionState.FINISHED, SubmissionState.RETRACTED)
_FIX = "Fix the report and submit it again."


class SubmissionRun(SubmissionSteps):
    """Carries one record forward: open, upload and describe the files, finish; withdraw when needed."""

    # -- the driver -----------------------------------------------------------------------------

    def drive(self) -> Generator[SubmissionProgress, None, SubmissionStatus]:
        """Carry the record as far as it safely goes; returns where it stands."""
        record = self.record
        try:
            while True:
                if record.pending_receipt is not None:
                    self._finalize(base64.b64decode(record.pending_receipt), "reportDoneResponse", None)
                    break
                if record.state in (SubmissionState.DRAFT, SubmissionState.RETRACTED):
                    if not (yield from self._open()):
                        break
                    continue
                if record.state is SubmissionState.SUBMITTING:
                    self._unknown_submit("Evidence Desk stopped while NCMEC was opening the report")
                    break
                kind, _, number = (record.in_flight or "").partition(":")
                if kind in ("upload", "fileinfo"):
                    # Interrupted between sending and recording the answer: NCMEC may or may not have it.
                    record.file(int(number)).uncertain = True
                    record.in_flight = None
                if record.in_flight == "retract" and not record.restart_pending:
                    yield from self._retract("the withdrawal that was under way is completed", "retracted")
                    break
                uncertain = [f for f in record.files if f.uncertain]
                if record.restart_pending or uncertain:
                    reason = (
                        f"whether NCMEC received {uncertain[0].name} completely is unknown"
                        if uncertain
                        else "the report was being sent afresh"
                    )
                    if not (yield from self._restart(reason)):
                        break
                    continue
                if not (yield from self._files_then_finish()):
                    break
        except OperationCancelled:
            self._cancelled()
        except EvidenceDeskError as problem:
            # A local failure mid-run (the vault's copy failed authentication, the keyring vanished):
            # the run stops; an open report waits for the reviewer with the reason.
            if record.ncmec_report_id is not None and record.state not in _ENDED:
                kind, _, number = (record.in_flight or "").partition(":")
                if kind in ("upload", "fileinfo"):
                    record.file(int(number)).uncertain = True
                record.in_flight = None
                self._needs_decision(f"Stopped: {problem.message}")
            elif record.state is SubmissionState.SUBMITTING:
                self._unknown_submit(problem.message)
            else:
                raise
        self._board.skip_pending()
        self._message = self.record.message or self._message
        yield self.progress()
        return self.status()

    # -- steps ----------------------------------------------------------------------------------

    def _open(self) -> Generator[SubmissionProgress, None, bool]:
        """``/submit``: open the report. True once NCMEC gave it an id."""
        record = self.record
        record.state = SubmissionState.SUBMITTING
        record.ncmec_report_id = None
        record.opened_at = record.last_modified_at = None
        for f in record.files:
            f.file_id, f.described, f.uncertain = None, False, False
        self._reset_steps()
        document = serialize(self._draft.report)

        def apply(result: StepResult) -> None:
            if result.outcome is Outcome.DONE and result.response and result.response.report_id is not None:
                record.state = SubmissionState.OPEN
                record.ncmec_report_id = result.response.report_id
                record.opened_at = record.last_modified_at = self._now()
                record.message, record.advice = None, None

        result = yield from self._call(
            "submit",
            lambda: self._client.submit(document),
            repeat_unknown=False,
            apply=apply,
            sent={"report_sha256": hashlib.sha256(document).hexdigest(), "files": len(record.files)},
        )
        if record.state is SubmissionState.OPEN:
            self._mark("submit", "done", detail=f"NCMEC report {record.ncmec_report_id}")
            return True
        if result.outcome is Outcome.UNKNOWN or result.outcome is Outcome.DONE:
            self._unknown_submit(result.message)
            return False
        what = f"{result.message} {result.advice}".strip()
        record.in_flight = None
        self._set_state(
            SubmissionState.DRAFT, f"Not sent: NCMEC did not open the report. {result.message}", result.advice
        )
        self._message = what
        return False

    def _files_then_finish(self) -> Generator[SubmissionProgress, None, bool]:
        """Upload and describe what is missing, then finish; True when the report must be sent afresh."""
        record = self.record
        for f in record.files:
            if f.file_id is None:
                result = yield from self._upload(f)
                verdict = yield from self._settle_open_step(f"upload:{f.number}", result, f)
                if verdict != "go-on":
                    return verdict == "afresh"
            if not f.described:
                result = yield from self._describe(f)
                verdict = yield from self._settle_open_step(f"fileinfo:{f.number}", result, f)
                if verdict != "go-on":
                    return verdict == "afresh"
        yield from self._finish()
        return False

    def _upload(self, f: FileRecord) -> Generator[SubmissionProgress, None, StepResult]:
        record = self.record
        limits = self._client.limits
        report_id = record.ncmec_report_id
        assert report_id is not None
        vault = self._workspace.vault()

        def send() -> ApiResponse:
            started = time.monotonic()
            deadline = limits.upload_deadline(f.size)

            def check() -> None:
                if self._cancel.cancelled:
                    raise OperationCancelled("Cancelled by the reviewer during an upload.")
                if time.monotonic() - started > deadline:
                    raise CyberTiplineOutcomeUnknown(
                        f"The upload of {f.name} took longer than {deadline:.0f} s; whether NCMEC kept it is unknown."
                    )

            # The vault authenticates what it decrypts, so the bytes sent are the stored bytes whose MD5
            # was recorded at intake (``f.md5``): NCMEC's MD5 is checked against that.
            body = StreamingBody(vault.iter_plaintext(f.blob_id), f.size, check, digest=False)
            self._board.uploading(body)
            response = self._client.upload(report_id, f"file-{f.number:03d}", body, f.size)  # type: ignore[arg-type]
            _about_our_report(response, report_id, "upload")
            if response.ok and (response.md5 != f.md5 or not response.file_id or not body.finished):
                # NCMEC holds bytes other than ours: the report's content is not what we checked.
                raise CyberTiplineOutcomeUnknown(
                    f"NCMEC's MD5 of {f.name} ({response.md5 or 'none'}) differs from ours ({f.md5}): the transfer "
                    "was damaged."
                )
            return response

        def apply(result: StepResult) -> None:
            if result.outcome is Outcome.DONE and result.response is not None:
                f.file_id = result.response.file_id
                record.last_modified_at = self._now()
            elif result.outcome is Outcome.UNKNOWN:
                f.uncertain = True
                record.in_flight = None

        try:
            return (
                yield from self._call(
                    f"upload:{f.number}",
                    send,
                    repeat_unknown=False,
                    apply=apply,
                    sent={"file": f.number, "item": f.item_id, "bytes": f.size, "md5": f.md5},
                )
            )
        except OperationCancelled:
            f.uncertain = True  # the body was cut short; NCMEC should drop it, but we cannot know
            record.in_flight = None
            raise

    def _describe(self, f: FileRecord) -> Generator[SubmissionProgress, None, StepResult]:
        record = self.record
        details = self._draft.files[f.number - 1].details
        document = serialize_file_details(details, record.ncmec_report_id, f.file_id)

        def apply(result: StepResult) -> None:
            if result.outcome is Outcome.DONE:
                f.described = True
                record.last_modified_at = self._now()
            elif result.outcome is Outcome.UNKNOWN:
                f.uncertain = True
                record.in_flight = None

        return (
            yield from self._call(
                f"fileinfo:{f.number}",
                lambda: _about_our_report(self._client.fileinfo(document), record.ncmec_report_id, "fileinfo"),
                repeat_unknown=False,
                apply=apply,
                sent={"file": f.number, "file_id": f.file_id},
            )
        )

    def _settle_open_step(
        self, step: str, result: StepResult, f: FileRecord
    ) -> Generator[SubmissionProgress, None, str]:
        """After an upload or description: ``go-on``, ``afresh`` (send the report anew) or ``stop``."""
        if result.outcome is Outcome.DONE:
            return "go-on"
        if result.outcome is Outcome.UNKNOWN:
            return "afresh"  # ``f.uncertain`` is set: the driver withdraws the report and starts again
        if result.outcome is Outcome.RETRY:
            self._needs_decision(f"NCMEC did not accept {f.name} after several tries. {result.message}")
            return "stop"
        what = "the file" if step.startswith("upload") else "the file's details"
        yield from self._reject(f"NCMEC refused {what} of {f.name}: {result.message}", result)
        return "stop"

    def _finish(self) -> Generator[SubmissionProgress, None, None]:
        record = self.record
        report_id = record.ncmec_report_id
        assert report_id is not None

        def apply(result: StepResult) -> None:
            if result.outcome is Outcome.DONE and result.response is not None:
                record.pending_receipt = base64.b64encode(result.response.body).decode("ascii")
                record.in_flight = "finish"  # until the receipt is archived

        result = yield from self._call(
            "finish",
            lambda: _about_our_report(self._client.finish(report_id), report_id, "finish"),
            repeat_unknown=True,
            apply=apply,
        )
        if result.outcome is Outcome.DONE and result.response is not None:
            self._finalize(result.response.body, "reportDoneResponse", result.response)
        elif result.outcome is Outcome.ALREADY and result.response is not None:
            self._finalize(result.response.body, "already-finished", result.response)
        elif result.outcome is Outcome.REJECTED:
            yield from self._reject(f"NCMEC refused to finish the report: {result.message}", result)
        else:
            self._needs_decision(f"The report could not be finished yet. {result.message}")

    def _retract(
        self, reason: str, outcome: str, afresh: bool = False, told: tuple[str, str] | None = None
    ) -> Generator[SubmissionProgress, None, bool]:
        """``/retract``; True once NCMEC no longer holds the report open.

        ``afresh``: the withdrawal is to send the report again, so the record goes back to a draft
        of a new attempt in the same write that records the withdrawal. ``told``: the message and
        advice a withdrawn report shows instead of the plain one (written with the withdrawal).
        """
        record = self.record
        report_id = record.ncmec_report_id
        assert report_id is not None
        self._board.add("retract", "Withdraw the report at NCMEC")
        result = yield from self._call(
            "retract",
            lambda: _about_our_report(self._client.retract(report_id), report_id, "retract"),
            repeat_unknown=True,
            apply=lambda _: None,
            sent={"reason": reason},
        )
        if result.outcome in (Outcome.DONE, Outcome.ALREADY) or result.code in GONE:
            self._history(outcome, reason)
            record.in_flight = None
            if afresh:
                record.restart_pending = False
                record.attempt += 1
                record.correlation = secrets.token_hex(8)
                self._set_state(
                    SubmissionState.DRAFT, f"NCMEC report {report_id} was withdrawn to send it afresh: {reason}."
                )
            else:
                message, advice = told or (f"NCMEC report {report_id} was withdrawn: {reason}.", "")
                self._set_state(SubmissionState.RETRACTED, message, advice)
            return True
        if result.code == 5102:
            self._finalize(result.response.body if result.response else b"", "already-finished", result.response)
            return False
        self._needs_decision(f"Withdrawing NCMEC report {report_id} failed ({result.message})")
        return False

    def retract_by_reviewer(self) -> Generator[SubmissionProgress, None, SubmissionStatus]:
        """The reviewer's withdrawal of an open report."""
        try:
            self.record.restart_pending = False
            yield from self._retract("withdrawn by the reviewer", "retracted")
        except OperationCancelled:
            self._cancelled()
        self._board.skip_pending()
        yield self.progress()
        return self.status()

    def _restart(self, reason: str) -> Generator[SubmissionProgress, None, bool]:
        """Withdraw the open report and prepare a fresh one; True when ``_open`` may run."""
        record = self.record
        if self._restarts >= self._settings.max_restarts:
            self._needs_decision(
                f"The report's content at NCMEC is uncertain ({reason}) and it was sent afresh "
                f"{self._restarts} times already"
            )
            return False
        # Written with the withdrawal's own write-ahead entry (a crash before it leaves the uncertain
        # file or the interrupted step that brought us here, so a resume decides the same again).
        record.restart_pending = True
        if not (yield from self._retract(reason, "withdrawn-to-send-afresh", afresh=True)):
            return False
        self._restarts += 1
        return True

    def _reject(self, why: str, result: StepResult) -> Generator[SubmissionProgress, None, bool]:
        """A refusal after ``/submit``: withdraw the report and say what to fix. Always False."""
        record = self.record
        if result.code in GONE:
            self._history("discarded-by-ncmec", why)
            record.in_flight = None
            self._set_state(
                SubmissionState.RETRACTED,
                f"NCMEC no longer holds report {record.ncmec_report_id} open ({why}).",
                result.advice,
            )
            return False
        withdrawn = f"{why} NCMEC report {record.ncmec_report_id} was withdrawn."
        yield from self._retract(why, "withdrawn-after-refusal", told=(withdrawn, result.advice or _FIX))
        return False


def _about_our_report(response: ApiResponse, report_id: int | None, step: str) -> ApiResponse:
    """``response`` if a success in it is about ``report_id``; otherwise its outcome is unknown.

    A success that names another report, or a finish whose success is not a ``reportDoneResponse``
    (the receipt NCMEC sends), is not an answer to what we sent: a proxy's or a broken server's.
    Taking it at its word would close our record while the report stays open at NCMEC; as an
    unknown outcome, finish and retract are sent again and an upload makes the report go afresh.
    """
    if not response.ok:
        return response
    other = response.report_id is not None and response.report_id != report_id
    if step == "finish" and (response.root != "reportDoneResponse" or response.report_id is None):
        other = True
    if other:
        named = f"report {response.report_id}" if response.report_id is not None else "no report"
        raise CyberTiplineOutcomeUnknown(
            f"The answer to {step} of NCMEC report {report_id} was a success about {named} (a {response.root}), not "
            "an answer to our request; whether the step took effect is unknown."
        )
    return response
