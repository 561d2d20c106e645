"""What is kept about one report's submission between steps, crashes and restarts (pure types).

The record is written before every call to NCMEC (``in_flight`` names the call) and again after its
answer, so after a crash it says exactly which call's outcome is unknown. It keeps the draft as it
was checked and sent, so a resumed submission sends the same documents even if the editor changed
meanwhile.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop_app.core.domain.submission import Environment, SubmissionState, ncmec_expiry

RECORD_FORMAT = 1


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class FileRecord:
    """One file of the submission: which item, how big, our MD5, and what NCMEC made of it.

    ``uncertain`` marks a file whose upload or description may or may not have reached NCMEC: the
    open report's content is then unknown, so it is withdrawn and the report sent afresh.
    """

    number: int  # from 1, the order of the draft's files
    item_id: str
    blob_id: str
    name: str
    size: int
    md5: str
    file_id: str | None = None
    described: bool = False
    uncertain: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-ready."""
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FileRecord":
        """Rebuild."""
        return cls(**data)


@dataclass
class SubmissionRecord:
    """The persisted state of a report's submission (see ``docs/submission.md``)."""

    report_id: str
    state: SubmissionState
    environment: Environment
    endpoint: str
    attempt: int = 1
    correlation: str = ""  # our id of the attempt, in every custody event of it
    # ReportDraft JSON as checked and sent; stored in a column of its own, written once per attempt
    # (the rest of the record is rewritten before and after every call).
    draft: dict[str, Any] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)
    ncmec_report_id: int | None = None
    opened_at: datetime | None = None
    last_modified_at: datetime | None = None
    finished_at: datetime | None = None
    in_flight: str | None = None  # the step sent and not yet answered
    restart_pending: bool = False  # the open report is withdrawn to be sent afresh
    unknown_submit: bool = False  # a /submit's outcome is unknown: only the reviewer may send again
    last_step: str | None = None
    last_code: int | None = None
    last_http: int | None = None
    last_request_id: str | None = None
    message: str | None = None  # what happened, in a sentence
    advice: str | None = None  # what to do next
    receipt_blob_id: str | None = None
    receipt_kind: str | None = None  # "reportDoneResponse", or "already-finished" when only 5102 came back
    finished_file_ids: list[str] = field(default_factory=list)
    preserve_until: datetime | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier attempts and their ends
    pending_receipt: str | None = None  # base64 of a finish's answer, until it is archived in the vault

    @property
    def expires_at(self) -> datetime | None:
        """When NCMEC discards the report if it is still open."""
        if self.opened_at is None or self.state in (SubmissionState.FINISHED, SubmissionState.RETRACTED):
            return None
        return ncmec_expiry(self.opened_at, self.last_modified_at)

    def file(self, number: int) -> FileRecord:
        """The file with this number."""
        return self.files[number - 1]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready, for sealing."""
        return {
            "v": RECORD_FORMAT,
            "state": str(self.state),
            "environment": str(self.environment),
            "endpoint": self.endpoint,
            "attempt": self.attempt,
            "correlation": self.correlation,
            "files": [f.to_json() for f in self.files],
            "ncmec_report_id": self.ncmec_report_id,
            "opened_at": _text(self.opened_at),
            "last_modified_at": _text(self.last_modified_at),
            "finished_at": _text(self.finished_at),
            "in_flight": self.in_flight,
            "restart_pending": self.restart_pending,
            "unknown_submit": self.unknown_submit,
            "last_step": self.last_step,
            "last_code": self.last_code,
            "last_http": self.last_http,
            "last_request_id": self.last_request_id,
            "message": self.message,
            "advice": self.advice,
            "receipt_blob_id": self.receipt_blob_id,
            "receipt_kind": self.receipt_kind,
            "finished_file_ids": self.finished_file_ids,
            "preserve_until": _text(self.preserve_until),
            "history": self.history,
            "pending_receipt": self.pending_receipt,
        }

    @classmethod
    def from_json(cls, report_id: str, data: dict[str, Any], draft: dict[str, Any]) -> "SubmissionRecord":
        """Rebuild (``draft`` is kept apart: it is written once per attempt); ``ValueError`` if too new."""
        if data.get("v", 0) > RECORD_FORMAT:
            raise ValueError(f"submission record format {data.get('v')}; this app knows up to {RECORD_FORMAT}")
        return cls(
            report_id=report_id,
            state=SubmissionState(data["state"]),
            environment=Environment(data["environment"]),
            endpoint=data["endpoint"],
            attempt=data["attempt"],
            correlation=data["correlation"],
            draft=draft,
            files=[FileRecord.from_json(f) for f in data["files"]],
            ncmec_report_id=data["ncmec_report_id"],
            opened_at=_time(data["opened_at"]),
            last_modified_at=_time(data["last_modified_at"]),
            finished_at=_time(data["finished_at"]),
            in_flight=data["in_flight"],
            restart_pending=data["restart_pending"],
            unknown_submit=data["unknown_submit"],
            last_step=data["last_step"],
            last_code=data["last_code"],
            last_http=data["last_http"],
            last_request_id=data["last_request_id"],
            message=data["message"],
            advice=data["advice"],
            receipt_blob_id=data["receipt_blob_id"],
            receipt_kind=data["receipt_kind"],
            finished_file_ids=list(data["finished_file_ids"]),
            preserve_until=_time(data["preserve_until"]),
            history=list(data["history"]),
            pending_receipt=data.get("pending_receipt"),
        )
