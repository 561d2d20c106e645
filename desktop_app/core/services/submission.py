"""Submitting a report to NCMEC's CyberTipline: a persisted state machine that never duplicates.

``submit`` opens the report at NCMEC, uploads each file from the vault, describes it and finishes
the report; ``resume`` carries an interrupted submission on; ``retract`` withdraws an open report.
Every call is written down (database row + custody event, one transaction) before it is sent and
again when its answer, or the lack of one, is known, so a crash at any point leaves a record that
says which call's outcome is unknown. The rules (``docs/submission.md``):

* at most one finished report per submission; no report whose id we hold is left open without a
  decision (``OPEN`` is a run in progress or interrupted; ``NEEDS_DECISION`` waits for the reviewer);
* ``/submit`` is never repeated after an unknown outcome: NCMEC may hold a report whose id we never
  learned; only the reviewer's decision (``acknowledge_unknown``) allows a fresh submit;
* an upload or description whose outcome is unknown makes the open report's content unknown: it is
  withdrawn and the report sent afresh (a restart); finish and retract are repeated freely, and
  "already finished/retracted" (5102/5101) counts as done;
* a refusal after ``/submit`` (a file refused, a late 4100) withdraws the report and says what to fix;
* finishing archives NCMEC's receipt in the vault, starts the preservation period of the report's
  items, marks them reported and (in production) records NCMEC's report number for later reports.

The generators yield ``SubmissionProgress`` and return the final ``SubmissionStatus``: failures
NCMEC or the network caused are states with advice, not exceptions. Exceptions are for what stops a
run before any call (``ReportHasErrors``, ``SubmissionRefused``, ``CredentialsMissing``).
"""

import secrets
import threading
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from desktop_app.core.cybertipline.client import CyberTiplineClient
from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore, check_endpoint, describe_endpoint
from desktop_app.core.cybertipline.findings import Severity, has_errors
from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.submission import (
    Environment,
    SubmissionPlan,
    SubmissionProgress,
    SubmissionState,
    SubmissionStatus,
)
from desktop_app.core.domain.submission_record import FileRecord, SubmissionRecord
from desktop_app.core.errors import ItemHasNoContent, ReportHasErrors, SubmissionRefused
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.submission_calls import SubmissionSettings
from desktop_app.core.services.submission_log import (
    LoggedSubmission,
    logged_submission,
    refuse_if_log_disagrees,
    refuse_if_not_as_logged,
    submission_events,
)
from desktop_app.core.services.submission_run import SubmissionRun
from desktop_app.core.services.submission_status import (
    UNKNOWN_SUBMIT_REFUSAL,
    UNSETTLED,
    afresh_interrupted,
    refuse_resend,
    report_title,
    status_of,
)
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.submissions import SUBMISSION_DIGEST, SubmissionStore, stored_submission_digest

__all__ = ["SubmissionService", "SubmissionSettings", "status_of"]
SubmissionGenerator = Generator[SubmissionProgress, None, SubmissionStatus]
ClientFactory = Callable[..., CyberTiplineClient]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SubmissionService:
    """Submissions of one unlocked workspace.

    ``endpoints`` replaces an environment's address (a test points "production" at a loopback
    server); credentials for NCMEC's environments come from the OS keyring (``CredentialStore``),
    Practice's from its own server (``PracticeEndpoint``).
    """

    def __init__(
        self,
        workspace: Workspace,
        reports: ReportService,
        items: ItemService,
        credentials: CredentialStore,
        practice: PracticeEndpoint,
        *,
        endpoints: Mapping[Environment, str] | None = None,
        settings: SubmissionSettings | None = None,
        connect: ClientFactory = CyberTiplineClient,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._workspace = workspace
        self._reports = reports
        self._items = items
        self.credentials = credentials
        self.practice = practice
        self._endpoints = dict(endpoints or {})
        self.settings = settings or SubmissionSettings()
        self._connect = connect
        self._now = now
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()

    # -- where to -------------------------------------------------------------------------------

    def endpoint(self, environment: Environment) -> str:
        """The address an environment's reports go to (Practice: its server, started if needed)."""
        if environment in self._endpoints:
            return check_endpoint(self._endpoints[environment])
        if environment is Environment.PRACTICE:
            return self.practice.connection()[0]
        return check_endpoint(str(environment.base_url))

    def _connection(self, environment: Environment) -> tuple[str, Credentials]:
        if environment is Environment.PRACTICE and environment not in self._endpoints:
            return self.practice.connection()
        url = self.endpoint(environment)
        return url, self.credentials.require(url)

    # -- questions ------------------------------------------------------------------------------

    def _store(self) -> SubmissionStore:
        return SubmissionStore(self._workspace.fields())

    def _record(self, report_id: str) -> SubmissionRecord | None:
        with self._workspace.db.read() as reader:
            return self._store().load(reader.conn, report_id)

    def status(self, report_id: str) -> SubmissionStatus:
        """Where a report stands with NCMEC (a draft if it was never sent)."""
        record = self._record(report_id)
        if record is None:
            self._reports.load(report_id)  # ReportNotFound for an unknown id
            return SubmissionStatus(report_id, SubmissionState.DRAFT, None, None, (), None, None, None, None, None)
        return self._shown(record)

    def _as_logged(self, report_id: str, doing: str) -> tuple[SubmissionRecord | None, LoggedSubmission]:
        """The report's submission row and the log's account of it, read together.

        ``SubmissionNotAsLogged`` (``doing`` says what did not happen) if the row is not the version
        the log saved last: whatever acts on a row acts on this one.
        """
        with self._workspace.db.read() as reader:
            record = self._store().load(reader.conn, report_id)
            entries = submission_events(self._workspace.custody_log().plaintexts(reader.conn), report_id)
            logged = logged_submission(entries, report_id)
            stored = stored_submission_digest(reader.conn, report_id)
        refuse_if_not_as_logged(logged.digest, stored, report_id, doing)
        return record, logged

    def receipt(self, report_id: str) -> list[tuple[str, bytes]]:
        """NCMEC's receipt for a filed report, as archived in the vault (none for a report not filed).

        A row without a receipt is first held to the log (a lighter read than ``_as_logged``: digests
        only): an older copy of the row, or none, would silently leave the receipt out of a bundle.
        """
        with self._workspace.db.read() as reader:
            record = self._store().load(reader.conn, report_id)
            if record is None or record.receipt_blob_id is None:
                logged = self._workspace.custody.logged_digests.submission(
                    reader.conn, self._workspace.custody_log(), report_id
                )
                stored = stored_submission_digest(reader.conn, report_id)
                refuse_if_not_as_logged(logged, stored, report_id, "NCMEC's receipt was not read.", row_needed=True)
        if record is None or record.receipt_blob_id is None:
            return []
        name = f"{record.receipt_kind or 'receipt'}-{record.ncmec_report_id}.xml"
        return [(name, self._workspace.vault().read_bytes(record.receipt_blob_id))]

    def unfinished(self) -> list[SubmissionStatus]:
        """Reports open at NCMEC or waiting for a decision: what to resume or settle at start-up."""
        with self._workspace.db.read() as reader:
            states = (*UNSETTLED, SubmissionState.DRAFT)
            records = self._store().load_in_states(reader.conn, tuple(str(s) for s in states))
        return [self._shown(record) for record in records if record.state in UNSETTLED or afresh_interrupted(record)]

    def all_statuses(self) -> list[SubmissionStatus]:
        """Every report that was ever sent, most recent change first."""
        with self._workspace.db.read() as reader:
            records = self._store().load_all(reader.conn)
        return [self._shown(record) for record in records]

    def plan(self, report_id: str, environment: Environment) -> SubmissionPlan:
        """What ``submit`` would send where; ``ReportHasErrors``/``SubmissionRefused`` if it would not start."""
        previous, _ = self._as_logged(report_id, "Nothing would be sent.")
        if previous is not None:
            refuse_resend(previous)
        draft, files = self._prepare(report_id)
        title = report_title(draft)
        return SubmissionPlan(
            report_id, title, environment, self._plan_endpoint(environment), len(files), sum(f.size for f in files)
        )

    def _plan_endpoint(self, environment: Environment) -> str:
        if environment is Environment.PRACTICE and environment not in self._endpoints:
            return "the built-in practice server (started on this computer)"
        return describe_endpoint(self.endpoint(environment))

    # -- actions --------------------------------------------------------------------------------

    def submit(self, report_id: str, environment: Environment, cancel: CancelToken) -> SubmissionGenerator:
        """Send a report: open it at NCMEC, add its files, finish it. Returns where it stands."""
        with self._claim(report_id):
            # The row could have been rolled back (refused first) or deleted: the log must agree before /submit.
            previous, logged = self._as_logged(report_id, "Nothing was sent.")
            if previous is not None:
                refuse_resend(previous)
            refuse_if_log_disagrees(logged, str(previous.state) if previous is not None else None, report_id)
            draft, files = self._prepare(report_id)
            url, credentials = self._connection(environment)
            record = SubmissionRecord(
                report_id,
                SubmissionState.DRAFT,
                environment,
                url,
                attempt=(previous.attempt + 1) if previous is not None else 1,
                correlation=secrets.token_hex(8),
                draft=draft.to_json(),
                files=files,
                history=list(previous.history) if previous is not None else [],
            )
            return (yield from self._run(record, credentials, cancel))

    def resume(self, report_id: str, cancel: CancelToken) -> SubmissionGenerator:
        """Carry an interrupted submission on: upload what is missing, then finish (or settle a restart)."""
        with self._claim(report_id):
            record = self._require(report_id, "Nothing was sent.")
            if record.state not in UNSETTLED and not afresh_interrupted(record):
                raise SubmissionRefused(f"Report {report_id[:8]} is {record.state.label.lower()}: nothing to resume.")
            if record.unknown_submit or (record.ncmec_report_id is None and record.state != SubmissionState.SUBMITTING):
                raise SubmissionRefused(UNKNOWN_SUBMIT_REFUSAL)
            if self._practice_server_gone(record):
                return status_of(record)
            credentials = self._credentials_for(record)
            return (yield from self._run(record, credentials, cancel))

    def retract(self, report_id: str, cancel: CancelToken) -> SubmissionGenerator:
        """Withdraw a report that is open at NCMEC (the reviewer's decision)."""
        with self._claim(report_id):
            record = self._require(report_id, "Nothing was sent.")
            if record.state not in UNSETTLED or record.ncmec_report_id is None:
                if record.unknown_submit:
                    raise SubmissionRefused(
                        "NCMEC never told us this report's id, so it cannot be withdrawn; NCMEC discards it "
                        "unfinished. Record that with 'acknowledge' (report submit --new-attempt) to send it again."
                    )
                raise SubmissionRefused(f"Report {report_id[:8]} is not open at NCMEC; there is nothing to retract.")
            if self._practice_server_gone(record):
                return status_of(record)
            credentials = self._credentials_for(record)
            run = self._new_run(record, credentials, cancel)
            try:
                return (yield from run.retract_by_reviewer())
            finally:
                run.close()

    def acknowledge_unknown(self, report_id: str) -> SubmissionStatus:
        """The reviewer's decision after a ``/submit`` with unknown outcome: the report may be sent again.

        NCMEC may hold an open report we never learned the id of; it cannot be finished and NCMEC
        discards it 24 hours after it was opened. The decision is logged with that explanation.
        """
        with self._claim(report_id):
            record = self._require(report_id, "Nothing was decided.")
            if not record.unknown_submit:
                raise SubmissionRefused(f"Report {report_id[:8]} has no submission of unknown outcome to settle.")
            moment = self._now()
            record.history.append(
                {
                    "attempt": record.attempt,
                    "ncmec_report_id": None,
                    "outcome": "unknown-submit-set-aside",
                    "at": moment.isoformat(),
                    "note": "NCMEC may hold an unfinished report from this attempt; without its id it cannot be "
                    "finished, and NCMEC discards it 24 hours after it was opened.",
                }
            )
            record.state = SubmissionState.DRAFT
            record.unknown_submit = False
            record.in_flight = None
            record.message = "Set aside by the reviewer: the earlier attempt's outcome stays unknown."
            record.advice = "Submit the report again."
            with self._workspace.db.write() as conn:
                data = {"decision": "send-again-after-unknown-submit", "attempt": record.attempt}
                data[SUBMISSION_DIGEST] = self._store().save(conn, record, moment)
                self._workspace.append_event(conn, EventType.SUBMISSION_DECISION, data, report_id)
            return status_of(record)

    # -- plumbing -------------------------------------------------------------------------------

    def _new_run(self, record: SubmissionRecord, credentials: Credentials, cancel: CancelToken) -> SubmissionRun:
        client = self._connect(record.endpoint, credentials, limits=self.settings.limits)
        return SubmissionRun(
            self._workspace, self._items, record, client, self.settings, cancel, self._now, self._reports
        )

    def _run(self, record: SubmissionRecord, credentials: Credentials, cancel: CancelToken) -> SubmissionGenerator:
        run = self._new_run(record, credentials, cancel)
        try:
            return (yield from run.drive())
        finally:
            run.close()

    def _credentials_for(self, record: SubmissionRecord) -> Credentials:
        if record.environment is Environment.PRACTICE and Environment.PRACTICE not in self._endpoints:
            return self.practice.connection()[1]
        return self.credentials.require(record.endpoint)

    def _practice_server_gone(self, record: SubmissionRecord) -> bool:
        """A practice report whose server is gone (it lived in a process that ended): settled here.

        A new practice server numbers its reports from the start again, so the old report id may
        name another report there: it is never sent to the new server.
        """
        if record.environment is not Environment.PRACTICE or Environment.PRACTICE in self._endpoints:
            return False
        if record.ncmec_report_id is None or self.practice.connection()[0] == record.endpoint:
            return False
        moment = self._now()
        record.history.append(
            {
                "attempt": record.attempt,
                "ncmec_report_id": record.ncmec_report_id,
                "outcome": "discarded-by-ncmec",
                "reason": "the practice server it was open at has stopped",
                "at": moment.isoformat(),
            }
        )
        before = record.state
        record.state, record.in_flight, record.restart_pending = SubmissionState.RETRACTED, None, False
        record.message = f"Practice report {record.ncmec_report_id} was on a practice server that has stopped."
        record.advice = "Submit the report again to practise the whole flow."
        with self._workspace.db.write() as conn:
            data = {"from": str(before), "to": str(record.state), "reason": "practice-server-gone"}
            data[SUBMISSION_DIGEST] = self._store().save(conn, record, moment)
            self._workspace.append_event(conn, EventType.SUBMISSION_STATE_CHANGED, data, record.report_id)
        return True

    def _require(self, report_id: str, doing: str) -> SubmissionRecord:
        record, _ = self._as_logged(report_id, doing)
        if record is None:
            self._reports.load(report_id)
            raise SubmissionRefused(f"Report {report_id[:8]} was never submitted.")
        return record

    def _shown(self, record: SubmissionRecord) -> SubmissionStatus:
        """A stored record's status; one no run here carries says so if a process stopped mid-step."""
        return status_of(record, live=record.report_id in self._busy)

    @contextmanager
    def _claim(self, report_id: str) -> Iterator[None]:
        with self._busy_lock:
            if report_id in self._busy:
                raise SubmissionRefused(f"Report {report_id[:8]} is being submitted already.")
            self._busy.add(report_id)
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy.discard(report_id)

    def _prepare(self, report_id: str) -> tuple[ReportDraft, list[FileRecord]]:
        """The checked draft and its files; refuses a report NCMEC would reject, before any call."""
        record = self._reports.load_as_logged(report_id, "Nothing was sent.")
        findings = self._reports.check(record)
        if has_errors(findings):
            count = sum(1 for f in findings if f.severity is Severity.ERROR)
            raise ReportHasErrors(
                f"The report has {plural(count, 'error')} NCMEC would reject it for; fix them first. Nothing was sent.",
                tuple(findings),
            )
        files: list[FileRecord] = []
        for number, entry in enumerate(record.draft.files, start=1):
            if entry.item_id is None:
                raise ItemHasNoContent(
                    f"File {number} of the report is not linked to a preserved item, so there is nothing to upload."
                )
            item = self._items.get(entry.item_id)
            if item.blob_id is None or item.digests is None or item.size is None:
                raise ItemHasNoContent(f"File {number} ({item.display_name}) holds no preserved content to upload.")
            files.append(FileRecord(number, item.item_id, item.blob_id, item.display_name, item.size, item.digests.md5))
        return record.draft, files
