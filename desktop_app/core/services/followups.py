"""Recording follow-ups against reports, and reading them back as timelines, each one a custody event."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.followups import FollowUp, FollowUpKind, FollowUpRejected
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.followups import FollowUpStore
from desktop_app.core.storage.reports import ReportStore


class FollowUpService:
    """Follow-ups on reports; the clock is injected for the default time of a follow-up."""

    def __init__(self, workspace: Workspace, now: Callable[[], datetime] | None = None) -> None:
        self._workspace = workspace
        self._now = now or (lambda: datetime.now(UTC))

    def record(
        self,
        report_id: str,
        kind: FollowUpKind,
        *,
        occurred_at: datetime | None = None,
        counterpart: str = "",
        reference: str = "",
        note: str = "",
    ) -> FollowUp:
        """Record one follow-up on ``report_id``: something received needs who sent it."""
        counterpart, reference, note = counterpart.strip(), reference.strip(), note.strip()
        if kind.received and not counterpart:
            raise FollowUpRejected("Say who it came from: the agency, NCMEC, or the court.")
        if not (reference or note):
            raise FollowUpRejected("Give a reference or a note: what happened.")
        moment = occurred_at or self._now()
        if moment > self._now():
            raise FollowUpRejected("A follow-up records something that happened; its time cannot be in the future.")
        followup = FollowUp(uuid.uuid4().hex, report_id, kind, moment, counterpart, reference, note)
        with self._workspace.db.write() as conn:
            if ReportStore(self._workspace.fields()).load(conn, report_id) is None:
                raise FollowUpRejected(f"Report {report_id} is not in this workspace.")
            FollowUpStore(self._workspace.fields()).insert(conn, followup)
            data = {
                "kind": str(kind),
                "occurred_at": moment.isoformat(),
                "counterpart": counterpart,
                "reference": reference,
                "received": kind.received,
            }
            self._workspace.append_event(conn, EventType.FOLLOWUP_RECORDED, data, report_id)
        return followup

    def timeline(self, report_id: str) -> list[FollowUp]:
        """A report's follow-ups, oldest first."""
        with self._workspace.db.read() as reader:
            return FollowUpStore(self._workspace.fields()).for_reports(reader.conn, [report_id])

    def account_timeline(self, account: str) -> list[FollowUp]:
        """The follow-ups of every report naming ``account`` (its account id or screen name), oldest first."""
        keys = [f"account-id:{account.strip()}", f"screen-name:{account.strip().casefold()}"]
        with self._workspace.db.read() as reader:
            reports = ReportStore(self._workspace.fields()).reports_naming(reader.conn, keys)
            return FollowUpStore(self._workspace.fields()).for_reports(reader.conn, sorted(reports))
