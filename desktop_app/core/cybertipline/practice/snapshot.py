"""An inspection snapshot of the practice server: what it holds and every request it answered.

Frozen dataclasses for tests and the app, ``to_json`` for the CLI and the ``/_practice/state``
route. Times are timezone-aware UTC (ISO 8601 in JSON). The report and file-details XML are the
synthetic documents a reviewer rehearsed with; uploaded file bytes are never held, only their MD5
and size.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FileView:
    """One uploaded file."""

    file_id: str
    md5: str
    size: int
    filename: str | None
    uploaded_at: datetime
    has_file_details: bool
    file_details_xml: str | None


@dataclass(frozen=True)
class ReportView:
    """One report and its files, in upload order."""

    report_id: int
    state: str  # "open", "finished", "retracted" or "expired"
    batched: bool
    opened_at: datetime
    last_modified_at: datetime
    expires_at: datetime  # when an open report is discarded (meaningless once closed)
    closed_at: datetime | None  # finished, retracted or expired at
    xml: str
    files: tuple[FileView, ...]


@dataclass(frozen=True)
class RequestView:
    """One request as the server saw and answered it.

    ``status`` is None when no answer was sent (a dropped connection or a hang); ``fault`` names
    the injected fault (its kind) and ``applied`` whether the request took effect all the same.
    """

    number: int
    at: datetime
    method: str
    path: str  # relative to the base, e.g. "/submit" (a request outside the base: its whole path)
    authorised: bool
    status: int | None
    response_code: int | None
    report_id: int | None
    request_id: str
    fault: str | None = None
    applied: bool | None = None
    content_type: str | None = None
    body_bytes: int = 0


@dataclass(frozen=True)
class Snapshot:
    """Everything at one moment."""

    at: datetime
    reports: tuple[ReportView, ...]
    requests: tuple[RequestView, ...]

    def report(self, report_id: int) -> ReportView:
        """The report with that id; ``KeyError`` if the server has none."""
        for report in self.reports:
            if report.report_id == report_id:
                return report
        raise KeyError(report_id)

    def in_state(self, state: str) -> tuple[ReportView, ...]:
        """The reports in one state."""
        return tuple(r for r in self.reports if r.state == state)

    def requests_to(self, path: str) -> tuple[RequestView, ...]:
        """The requests to one endpoint (``"/submit"``...), in arrival order."""
        return tuple(r for r in self.requests if r.path == path)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "at": self.at.isoformat(),
            "reports": [_report(r) for r in self.reports],
            "requests": [_request(r) for r in self.requests],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The snapshot as JSON text."""
        return json.dumps(self.to_data(), indent=indent)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _report(report: ReportView) -> dict[str, Any]:
    return {
        "reportId": report.report_id,
        "state": report.state,
        "batched": report.batched,
        "openedAt": _time(report.opened_at),
        "lastModifiedAt": _time(report.last_modified_at),
        "expiresAt": _time(report.expires_at),
        "closedAt": _time(report.closed_at),
        "xml": report.xml,
        "files": [
            {
                "fileId": f.file_id,
                "md5": f.md5,
                "size": f.size,
                "filename": f.filename,
                "uploadedAt": _time(f.uploaded_at),
                "hasFileDetails": f.has_file_details,
                "fileDetailsXml": f.file_details_xml,
            }
            for f in report.files
        ],
    }


def _request(request: RequestView) -> dict[str, Any]:
    return {
        "number": request.number,
        "at": _time(request.at),
        "method": request.method,
        "path": request.path,
        "authorised": request.authorised,
        "status": request.status,
        "responseCode": request.response_code,
        "reportId": request.report_id,
        "requestId": request.request_id,
        "fault": request.fault,
        "applied": request.applied,
        "contentType": request.content_type,
        "bodyBytes": request.body_bytes,
    }
