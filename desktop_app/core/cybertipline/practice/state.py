"""What the practice server holds: reports, their files, their states, and every request.

A report is opened by ``/submit`` and then is ``open`` until it is finished, retracted, or expires:
NCMEC discards an unfinished report at the later of 24 hours after it was opened and one hour after
its last change (an upload or a file's details). Expiry is worked out from the injected clock
whenever a report is looked at, so a test that advances a ``ManualClock`` sees it at once.

Which code answers which state violation is not documented by NCMEC; the mapping here follows the
names in its code table: an unknown report 5001, a file not in the report 5002, a finished report
5102, a retracted or expired one 5101.

The uploaded bytes themselves are never kept: only their MD5, size and the name the client gave.
Handlers run on the server's event loop while tests read snapshots from their own thread, so every
method takes the lock.
"""

import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop_app.core.cybertipline.model import Node
from desktop_app.core.cybertipline.practice.clock import Clock
from desktop_app.core.cybertipline.practice.documents import INVALID, Rejected
from desktop_app.core.cybertipline.practice.snapshot import FileView, ReportView, RequestView, Snapshot

OPEN, FINISHED, RETRACTED, EXPIRED = "open", "finished", "retracted", "expired"
OPEN_AT_LEAST = timedelta(hours=24)
QUIET_AT_MOST = timedelta(hours=1)
REPORT_MISSING, FILE_MISSING, ALREADY_RETRACTED, ALREADY_FINISHED = 5001, 5002, 5101, 5102
MAX_REQUESTS_KEPT = 100_000  # a sandbox left running for days must not grow without end


@dataclass
class _File:
    file_id: str
    md5: str
    size: int
    filename: str | None
    uploaded_at: datetime
    details_xml: str | None = None


@dataclass
class _Report:
    report_id: int
    xml: str
    batched: bool
    opened_at: datetime
    last_modified_at: datetime
    state: str = OPEN
    closed_at: datetime | None = None
    files: dict[str, _File] = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime:
        return max(self.opened_at + OPEN_AT_LEAST, self.last_modified_at + QUIET_AT_MOST)


def _file_view(entry: _File) -> FileView:
    has_details = entry.details_xml is not None
    return FileView(
        entry.file_id, entry.md5, entry.size, entry.filename, entry.uploaded_at, has_details, entry.details_xml
    )


def new_file_id(taken: set[str] | dict[str, object]) -> str:
    """A random 32-hex file id, never all digits (a client that parses it as a number must fail here)."""
    while True:
        candidate = secrets.token_hex(16)
        if not candidate.isdigit() and candidate not in taken:
            return candidate


class PracticeState:
    """The server's memory; every public method is one atomic step of NCMEC's state machine."""

    def __init__(self, clock: Clock, first_report_id: int = 1_000_001, duplicate_file_details_code: int = INVALID):
        self._clock = clock
        self._next_id = first_report_id
        self._duplicate_code = duplicate_file_details_code
        self._reports: dict[int, _Report] = {}
        self._file_ids: set[str] = set()
        self._requests: deque[RequestView] = deque(maxlen=MAX_REQUESTS_KEPT)
        self._request_seq = 0
        self._lock = threading.RLock()

    def now(self) -> datetime:
        """The server clock's time."""
        return self._clock.now()

    # -- the state machine ------------------------------------------------------------------------

    def open_report(self, xml: str, report: Node) -> int:
        """``/submit`` accepted a report: open it under the next report id."""
        with self._lock:
            now = self._clock.now()
            report_id = self._next_id
            self._next_id += 1
            batched = report.get("batchedReport") is not None
            self._reports[report_id] = _Report(report_id, xml, batched, now, now)
            return report_id

    def is_batched(self, report_id: int) -> bool:
        """Whether a report (if it exists) is a batched report."""
        with self._lock:
            report = self._reports.get(report_id)
            return report is not None and report.batched

    def add_file(self, report_id: int, md5: str, size: int, filename: str | None) -> str:
        """``/upload`` received a whole file for an open report; its new file id."""
        with self._lock:
            report = self._open(report_id)
            now = self._clock.now()
            file_id = new_file_id(self._file_ids)
            self._file_ids.add(file_id)
            report.files[file_id] = _File(file_id, md5, size, filename, now)
            report.last_modified_at = now
            return file_id

    def add_file_details(self, report_id: int, file_id: str, xml: str) -> None:
        """``/fileinfo`` for a file of an open report (once per file)."""
        with self._lock:
            report = self._open(report_id)
            entry = report.files.get(file_id)
            if entry is None:
                missing = f"File {file_id} is not a file of report {report_id}."
                raise Rejected(FILE_MISSING, missing, report_id=report_id)
            if entry.details_xml is not None:
                raise Rejected(
                    self._duplicate_code, f"File {file_id} already has its file details.", report_id=report_id
                )
            entry.details_xml = xml
            report.last_modified_at = self._clock.now()

    def finish(self, report_id: int) -> list[str]:
        """``/finish``: close an open report; its file ids in upload order."""
        with self._lock:
            report = self._open(report_id)
            if report.batched and len(report.files) != 1:
                raise Rejected(
                    INVALID,
                    f"A batched report must have exactly one file; report {report_id} has {len(report.files)}. "
                    "Retract it and submit again.",
                    report_id=report_id,
                )
            report.state = FINISHED
            report.closed_at = self._clock.now()
            return list(report.files)

    def retract(self, report_id: int) -> None:
        """``/retract``: cancel an open report."""
        with self._lock:
            report = self._open(report_id)
            report.state = RETRACTED
            report.closed_at = self._clock.now()

    def _open(self, report_id: int) -> _Report:
        report = self._reports.get(report_id)
        if report is None:
            raise Rejected(REPORT_MISSING, f"Report {report_id} does not exist.", report_id=report_id)
        self._expire(report)
        if report.state == FINISHED:
            raise Rejected(ALREADY_FINISHED, f"Report {report_id} is already finished.", report_id=report_id)
        if report.state in (RETRACTED, EXPIRED):
            raise Rejected(ALREADY_RETRACTED, f"Report {report_id} is already retracted.", report_id=report_id)
        return report

    def _expire(self, report: _Report) -> None:
        if report.state == OPEN and self._clock.now() >= report.expires_at:
            report.state = EXPIRED
            report.closed_at = report.expires_at

    def forget(self) -> None:
        """Forget every report, file and request. Report ids keep counting, so an old id stays unknown."""
        with self._lock:
            self._reports.clear()
            self._file_ids.clear()
            self._requests.clear()

    # -- the request log and inspection ---------------------------------------------------------

    def record(self, request: RequestView) -> None:
        """Keep one answered (or dropped) request."""
        with self._lock:
            self._requests.append(request)

    def next_request_number(self) -> int:
        """A sequence number for the next request."""
        with self._lock:
            self._request_seq += 1
            return self._request_seq

    def snapshot(self) -> Snapshot:
        """An immutable copy of everything the server holds, expiry applied as of now."""
        with self._lock:
            now = self._clock.now()
            reports = []
            for report in self._reports.values():
                self._expire(report)
                files = tuple(_file_view(f) for f in report.files.values())
                reports.append(
                    ReportView(
                        report.report_id,
                        report.state,
                        report.batched,
                        report.opened_at,
                        report.last_modified_at,
                        report.expires_at,
                        report.closed_at,
                        report.xml,
                        files,
                    )
                )
            return Snapshot(now, tuple(reports), tuple(self._requests))
