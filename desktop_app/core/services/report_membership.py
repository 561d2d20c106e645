"""Which reports an item is in, and what filing a report does to its items.

The queue shows, for each item, the reports that carry it as a file (``reports_by_item``); a report
that is filed — NCMEC's number recorded by hand, or NCMEC's receipt archived by the submission
flow — moves its items to *reported* (``mark_items_reported``), in the transaction that records
the filing, with an ``item.state-changed`` event per item that moved.
"""

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.errors import ReportUnreadable
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.reports import ReportRecord, ReportStore

# Report statuses in which the reviewer may still add files (others are with NCMEC or filed).
OPEN_FOR_FILES = frozenset({"draft", "retracted"})


@dataclass(frozen=True)
class ReportMembership:
    """One report an item is in, as the queue names it."""

    report_id: str
    incident_type: str  # '' while the reviewer has not chosen one
    status: str  # the report's submission status ('draft', 'finished', ...)
    ncmec_report_id: int | None

    @property
    def label(self) -> str:
        """'Report 4aaed480 (Child Pornography (possession, manufacture, and distribution), NCMEC 1234)'."""
        parts = [self.incident_type or "no incident type yet"]
        if self.ncmec_report_id is not None:
            parts.append(f"NCMEC {self.ncmec_report_id}")
        elif self.status != "draft":
            parts.append(self.status)
        return f"Report {self.report_id[:8]} ({', '.join(parts)})"


def membership_of(record: ReportRecord) -> ReportMembership:
    """What the queue says about ``record``."""
    summary = record.draft.report.get("incidentSummary")
    incident = (summary.text("incidentType") or "") if summary is not None else ""
    return ReportMembership(record.report_id, incident, record.status, record.ncmec_report_id)


def reports_by_item(workspace: Workspace) -> dict[str, list[ReportMembership]]:
    """Every item that is a file of some report, with those reports (oldest report first)."""
    with workspace.db.read() as reader:
        try:
            records = ReportStore(workspace.fields()).load_all(reader.conn)
        except ValueError as problem:
            raise ReportUnreadable(f"A report was saved by a newer Evidence Desk ({problem}).") from None
    found: dict[str, list[ReportMembership]] = {}
    for record in sorted(records, key=lambda r: r.created_at):
        membership = membership_of(record)
        for item_id in dict.fromkeys(f.item_id for f in record.draft.files if f.item_id):
            found.setdefault(item_id, []).append(membership)
    return found


def mark_items_reported(workspace: Workspace, conn: sqlite3.Connection, item_ids: Sequence[str]) -> list[str]:
    """Move these items to *reported* inside the caller's write transaction; the ids that moved."""
    store = ItemStore(workspace.fields())
    moved = []
    for item_id, state in store.states(conn, list(dict.fromkeys(item_ids))).items():
        if state is not ReviewState.REPORTED:
            store.set_state(conn, item_id, ReviewState.REPORTED, "")
            data = {"from": str(state), "to": str(ReviewState.REPORTED)}
            workspace.append_event(conn, EventType.ITEM_STATE_CHANGED, data, item_id)
            moved.append(item_id)
    return moved
