"""The rows a submission shows while it runs: one per call, with bytes and speed for uploads."""

import time

from desktop_app.core.cybertipline.upload_body import StreamingBody
from desktop_app.core.domain.submission import StepProgress, SubmissionProgress
from desktop_app.core.domain.submission_record import SubmissionRecord

_LABELS = {"retract": "Withdraw the report at NCMEC", "finish": "Finish the report"}


class StepBoard:
    """The current row of every step, and the upload under way (read on the generator's thread)."""

    def __init__(self) -> None:
        self._steps: dict[str, StepProgress] = {}
        self._current = ""
        self._body: StreamingBody | None = None
        self._body_started = 0.0

    def reset(self, record: SubmissionRecord) -> None:
        """Rows for a (new or resumed) attempt: submit, upload and describe each file, finish."""
        self._steps = {"submit": StepProgress("submit", "Open the report at NCMEC", "pending")}
        for f in record.files:
            upload, describe = f"upload:{f.number}", f"fileinfo:{f.number}"
            self._steps[upload] = StepProgress(upload, f"Upload {f.name}", "pending", 0, f.size)
            self._steps[describe] = StepProgress(describe, f"Describe {f.name}", "pending")
        self._steps["finish"] = StepProgress("finish", "Finish the report", "pending")
        for f in record.files:
            if f.file_id:
                self.mark(f"upload:{f.number}", "done", bytes_done=f.size)
            if f.described:
                self.mark(f"fileinfo:{f.number}", "done")
        if record.ncmec_report_id is not None:
            self.mark("submit", "done", detail=f"NCMEC report {record.ncmec_report_id}")

    def add(self, key: str, label: str) -> None:
        """A row that is not part of every run (retract)."""
        self._steps.setdefault(key, StepProgress(key, label, "pending"))

    def mark(self, key: str, status: str, detail: str = "", bytes_done: int | None = None) -> None:
        """Change one row; a running or retrying row becomes the current one."""
        step = self._steps.get(key) or StepProgress(key, _LABELS.get(key, key), status)
        done = step.bytes_done if bytes_done is None else bytes_done
        self._steps[key] = StepProgress(step.key, step.label, status, done, step.bytes_total, detail or step.detail)
        if status in ("running", "retrying"):
            self._current = key

    def label(self, key: str) -> str:
        """What a step's row says."""
        step = self._steps.get(key)
        return step.label if step is not None else _LABELS.get(key, key)

    def skip_pending(self) -> None:
        """At the end of a run: rows that did not run in it say so."""
        for key, step in list(self._steps.items()):
            if step.status == "pending":
                self.mark(key, "skipped")

    def uploading(self, body: StreamingBody | None) -> None:
        """The body being sent now (None when no upload is under way)."""
        self._body = body
        self._body_started = time.monotonic()

    def snapshot(self, record: SubmissionRecord, message: str) -> SubmissionProgress:
        """Every row now, with bytes over the whole submission and the current upload's speed."""
        total = sum(f.size for f in record.files)
        done = sum(f.size for f in record.files if f.file_id)
        speed = None
        body = self._body
        if body is not None:
            done += body.position
            # Up to the last byte sent: NCMEC's time to answer afterwards is not upload speed.
            elapsed = (body.finished_at or time.monotonic()) - self._body_started
            if elapsed > 0.05:
                speed = body.position / elapsed
            if self._current.startswith("upload:") and self._current in self._steps:
                self.mark(self._current, self._steps[self._current].status, bytes_done=body.position)
        return SubmissionProgress(done, total, message, tuple(self._steps.values()), self._current, speed)
