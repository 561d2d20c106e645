"""What a submission record says: its status, and whether it may be sent again.

Derived from the record alone, so the service (``submission.py``) and a run
(``submission_run.py``) read a record the same way. ``UNSETTLED`` are the states in which NCMEC
may hold the report open: no new submission starts, and the status names NCMEC's deadline.
"""

from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.domain.submission import SubmissionState, SubmissionStatus
from desktop_app.core.domain.submission_record import SubmissionRecord
from desktop_app.core.errors import SubmissionRefused

UNSETTLED = (SubmissionState.SUBMITTING, SubmissionState.OPEN, SubmissionState.NEEDS_DECISION)

UNKNOWN_SUBMIT_REFUSAL = (
    "An earlier submit's outcome is unknown: NCMEC may have opened the report without telling us its id, and an "
    "id we never learned cannot be finished or withdrawn (NCMEC discards it unfinished). Sending again is safe "
    "once you decide so: 'evidence-desk report submit REPORT --new-attempt' records that decision."
)


def afresh_interrupted(record: SubmissionRecord) -> bool:
    """A report withdrawn to be sent afresh whose fresh ``/submit`` never went out."""
    return (
        record.state is SubmissionState.DRAFT
        and bool(record.history)
        and record.history[-1].get("outcome") == "withdrawn-to-send-afresh"
    )


def refuse_resend(previous: SubmissionRecord) -> None:
    """Refuse a new submission while an earlier one is finished, open, or of unknown outcome."""
    if previous.unknown_submit:
        raise SubmissionRefused(UNKNOWN_SUBMIT_REFUSAL)
    if previous.state is SubmissionState.FINISHED:
        raise SubmissionRefused(
            f"This report was finished at NCMEC (report {previous.ncmec_report_id}); a finished report cannot be sent "
            "again. To add to it, file a new report that cites it in priorCTReports."
        )
    if previous.state in UNSETTLED:
        raise SubmissionRefused(
            f"This report is still open at NCMEC (report {previous.ncmec_report_id}): resume it or retract it first."
        )


def report_title(draft: ReportDraft) -> str:
    """What a report is called where it is named to the reviewer: its incident type."""
    summary = draft.report.get("incidentSummary")
    kind = (summary.text("incidentType") if summary is not None else None) or "(no incident type)"
    return kind


def status_of(record: SubmissionRecord, *, live: bool = True) -> SubmissionStatus:
    """What a report shows, from its submission record.

    ``live`` False: no run of this process carries the record, so a step it says is under way
    (``in_flight``) was cut short by a process that stopped; the status says which and what to do.
    """
    stopped = None if live else stopped_mid_step(record)
    file_ids = tuple(record.finished_file_ids) or tuple(f.file_id for f in record.files if f.file_id)
    return SubmissionStatus(
        record.report_id,
        record.state,
        record.environment,
        str(record.ncmec_report_id) if record.ncmec_report_id is not None else None,
        file_ids,
        record.opened_at,
        record.expires_at if record.state in UNSETTLED else None,
        record.finished_at,
        record.last_code,
        _advice(record, stopped),
        files_total=len(record.files),
        files_uploaded=sum(1 for f in record.files if f.file_id),
        receipt_blob_id=record.receipt_blob_id,
        interrupted=stopped is not None,
    )


def stopped_mid_step(record: SubmissionRecord) -> str | None:
    """Where a record left by a stopped process stands, in words; None if no step was under way."""
    step = record.in_flight or ("submit" if record.state is SubmissionState.SUBMITTING else None)
    if step is None or record.state not in UNSETTLED:
        return None
    kind, _, number = step.partition(":")
    report = f"NCMEC report {record.ncmec_report_id}"
    if record.pending_receipt is not None:
        return (
            f"Evidence Desk stopped after {report} was filed, before its receipt was archived: resume it to archive it."
        )
    if kind == "submit":
        return (
            "Evidence Desk stopped while NCMEC was opening the report: whether NCMEC opened it is unknown. Resume it "
            "to record that; nothing is sent again until you decide so."
        )
    if kind in ("upload", "fileinfo"):
        doing = "uploading" if kind == "upload" else "describing"
        return (
            f"Evidence Desk stopped while {doing} file {number} of {report}: whether NCMEC has it is unknown. Resume "
            "it: the report is withdrawn and sent afresh, so NCMEC keeps exactly one copy."
        )
    if kind == "finish":
        return (
            f"Evidence Desk stopped while NCMEC was finishing {report}: whether it is filed is unknown. Resume it: "
            "the finish is asked for again (a filed report is not filed twice) and the receipt archived."
        )
    return f"Evidence Desk stopped while withdrawing {report}: resume it to complete the withdrawal."


def _advice(record: SubmissionRecord, stopped: str | None) -> str | None:
    parts = [p for p in (stopped, record.message, record.advice) if p]
    expiry = record.expires_at
    if record.state in UNSETTLED and record.ncmec_report_id is not None and expiry is not None:
        parts.append(
            f"NCMEC discards report {record.ncmec_report_id} unfinished at {expiry:%Y-%m-%d %H:%M} UTC: resume it "
            "(upload what is missing, then finish) or retract it before then."
        )
    return " ".join(parts) or None
