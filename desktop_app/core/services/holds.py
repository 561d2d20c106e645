"""Placing, renewing and releasing preservation holds, each change a custody event.

Automatic 2258A(h)(1) holds are derived, never typed in: from the preservation a finished
submission started (the submission code's ``preservation_holds`` rows) and from an NCMEC number
recorded by hand for a report filed through NCMEC's own form. Derivation is idempotent and runs
before every read, so no path (API, hand filing, a workspace from an older version) misses one.
A report filed by hand has no finish time we could know; its hold starts when the derivation
first sees the number, which is the conservative choice (it can only end later, never earlier).

The clock is injected (``now``) so tests can walk a hold through its year, leap day included.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from sqlite3 import Connection
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.holds import (
    REQUEST_PERIOD,
    Hold,
    HoldDetails,
    HoldNotFound,
    HoldRejected,
    HoldSource,
    ItemRole,
    Renewal,
    Retention,
    automatic_end,
    retention_of,
)
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.holds import HoldStore
from desktop_app.core.storage.reports import ReportStore


def _utc_now() -> datetime:
    return datetime.now(UTC)


def hold_event(hold: Hold) -> dict[str, Any]:
    """What the log says about a hold when it is placed."""
    return {
        "source": str(hold.source),
        "report": hold.report_id,
        "started_at": hold.started_at.isoformat(),
        "ends_at": hold.ends_at.isoformat() if hold.ends_at else None,
        "items": {item_id: str(role) for item_id, role in hold.items.items()},
        "derived_from": hold.derived_from,
        "purpose": hold.details.purpose,
        "requester": hold.details.requester,
        "reference": hold.details.reference,
    }


class HoldService:
    """Every change to a hold goes through here, with its custody event in the same transaction."""

    def __init__(self, workspace: Workspace, now: Callable[[], datetime] = _utc_now) -> None:
        self._workspace = workspace
        self._now = now

    @property
    def workspace(self) -> Workspace:
        """The workspace the holds belong to."""
        return self._workspace

    def _store(self) -> HoldStore:
        return HoldStore(self._workspace.fields())

    # -- automatic holds ---------------------------------------------------------------------------

    def derive_automatic(self) -> list[Hold]:
        """Create the 2258A(h)(1) holds that finished or hand-filed reports call for; the new ones."""
        with self._workspace.db.write() as conn:
            return self._derive(conn)

    def _derive(self, conn: Connection) -> list[Hold]:
        store = self._store()
        done = store.derived(conn)
        created = []
        finished = store.finished_preservations(conn)
        for report_id, (started, until, item_ids, environment) in sorted(finished.items()):
            key = f"finished:{report_id}"
            if key in done:
                continue
            note = f"finished {environment} submission" if environment else "finished submission"
            created.append(
                Hold(
                    uuid.uuid4().hex,
                    HoldSource.REPORT_FINISHED,
                    report_id,
                    started,
                    max(until, automatic_end(started)),
                    dict.fromkeys(item_ids, ItemRole.REPORTED),
                    HoldDetails(note=note),
                    derived_from=key,
                )
            )
        for record in ReportStore(self._workspace.fields()).load_all(conn):
            key = f"filed-by-hand:{record.report_id}"
            if record.ncmec_report_id is None or record.report_id in finished or key in done:
                continue
            start = self._now()
            item_ids = [f.item_id for f in record.draft.files if f.item_id]
            created.append(
                Hold(
                    uuid.uuid4().hex,
                    HoldSource.REPORT_FINISHED,
                    record.report_id,
                    start,
                    automatic_end(start),
                    dict.fromkeys(item_ids, ItemRole.REPORTED),
                    HoldDetails(reference=str(record.ncmec_report_id), note="filed by hand"),
                    derived_from=key,
                )
            )
        for hold in created:
            store.insert(conn, hold)
            self._workspace.append_event(conn, EventType.HOLD_PLACED, hold_event(hold), hold.hold_id)
        return created

    # -- reading -------------------------------------------------------------------------------------

    def holds(self) -> list[Hold]:
        """Every hold, automatic ones derived first."""
        with self._workspace.db.write() as conn:
            self._derive(conn)
            return self._store().load_all(conn)

    def get(self, hold_id: str) -> Hold:
        """One hold by id or unambiguous prefix (``HoldNotFound`` otherwise)."""
        with self._workspace.db.read() as reader:
            return self._get(reader.conn, hold_id)

    def _get(self, conn: Connection, hold_id: str) -> Hold:
        store = self._store()
        matches = store.ids_starting_with(conn, hold_id.strip()) if hold_id.strip() else []
        if len(matches) != 1:
            problem = "matches several holds; give more of it" if matches else "is not a hold in this workspace"
            raise HoldNotFound(f"Hold {hold_id!r} {problem}. 'holds list' shows them.")
        hold = store.load(conn, matches[0])
        assert hold is not None  # just matched
        return hold

    def retention(self, item_id: str) -> Retention:
        """How long ``item_id`` must be kept, and why, now."""
        holds = self.holds()
        return retention_of(item_id, holds, self._now())

    # -- changes -------------------------------------------------------------------------------------

    def place(
        self,
        source: HoldSource,
        *,
        report_id: str | None = None,
        items: Sequence[str] = (),
        context_items: Sequence[str] = (),
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        purpose: str = "",
        requester: str = "",
        reference: str = "",
        note: str = "",
    ) -> Hold:
        """Place a hold on a report's items (with its (h)(2) context items) or on chosen items.

        2703(f) holds run 90 days from ``starts_at`` (the request's date; now by default) and need
        a requester and a reference; (h)(5) extensions need a report, a purpose and an end; other
        holds need a note or a reference. (h)(1) holds are automatic and refused here.
        """
        now = self._now()
        start = starts_at or now
        purpose, requester, reference, note = (v.strip() for v in (purpose, requester, reference, note))
        if source is HoldSource.REPORT_FINISHED:
            raise HoldRejected(
                "The one-year hold of a finished report is placed automatically when the report is finished "
                "or its NCMEC number is recorded; record the number instead."
            )
        if source is HoldSource.REQUEST_2703F:
            if not requester or not reference:
                raise HoldRejected("A 2703(f) hold needs the requesting agency and its request reference.")
            ends_at = ends_at or start + REQUEST_PERIOD
        if source is HoldSource.VOLUNTARY:
            if not purpose:
                raise HoldRejected("A voluntary (h)(5) extension needs its purpose, as the law states it.")
            if report_id is None or ends_at is None:
                raise HoldRejected(
                    "A voluntary (h)(5) extension extends a report's preservation: give the report and the new end."
                )
        if source in (HoldSource.LITIGATION, HoldSource.OTHER) and not (note or reference):
            raise HoldRejected("Say what the hold is for: a case reference or a note.")
        if ends_at is not None and ends_at <= max(start, now):
            raise HoldRejected("The hold's end must be in the future.")
        with self._workspace.db.write() as conn:
            scope = self._scope(conn, report_id, items, context_items)
            hold = Hold(
                uuid.uuid4().hex,
                source,
                report_id,
                start,
                ends_at,
                scope,
                HoldDetails(purpose, requester, reference, note),
            )
            self._store().insert(conn, hold)
            self._workspace.append_event(conn, EventType.HOLD_PLACED, hold_event(hold), hold.hold_id)
        return hold

    def _scope(
        self, conn: Connection, report_id: str | None, items: Sequence[str], context: Sequence[str]
    ) -> dict[str, ItemRole]:
        scope: dict[str, ItemRole] = {}
        if report_id is not None:
            record = ReportStore(self._workspace.fields()).load(conn, report_id)
            if record is None:
                raise HoldRejected(f"Report {report_id} is not in this workspace.")
            scope.update(dict.fromkeys((f.item_id for f in record.draft.files if f.item_id), ItemRole.REPORTED))
        for item_id in context:
            scope.setdefault(item_id, ItemRole.CONTEXT)
        for item_id in items:
            scope.setdefault(item_id, ItemRole.CHOSEN)
        unknown = sorted(set(scope) - self._store().existing_items(conn, list(scope)))
        if unknown:
            raise HoldRejected(f"Not items of this workspace: {', '.join(i[:8] for i in unknown)}.")
        if not scope:
            raise HoldRejected("A hold must cover at least one item: a report with files, or chosen items.")
        return scope

    def add_items(self, hold_id: str, context_items: Sequence[str]) -> Hold:
        """Bring (h)(2) context items under an active hold (an automatic one included)."""
        with self._workspace.db.write() as conn:
            hold = self._active(conn, hold_id)
            unknown = sorted(set(context_items) - self._store().existing_items(conn, list(context_items)))
            if unknown or not context_items:
                raise HoldRejected(f"Not items of this workspace: {', '.join(i[:8] for i in unknown) or 'none given'}.")
            added = self._store().add_items(conn, hold.hold_id, dict.fromkeys(context_items, ItemRole.CONTEXT))
            if added:
                self._workspace.append_event(
                    conn, EventType.HOLD_ITEMS_ADDED, {"items": {i: "context" for i in added}}, hold.hold_id
                )
            return self._get(conn, hold.hold_id)

    def _active(self, conn: Connection, hold_id: str) -> Hold:
        hold = self._get(conn, hold_id)
        state = hold.state(self._now())
        if not hold.is_active(self._now()):
            raise HoldRejected(f"Hold {hold.hold_id[:8]} is {state}; place a new hold instead.")
        return hold

    def renew(self, hold_id: str, *, until: datetime | None = None, reference: str = "") -> Hold:
        """Extend an active hold: a 2703(f) hold by 90 days per renewed request, others to ``until``.

        A lapsed 2703(f) hold is not renewed: the law extends a preservation still running; a
        request after it lapsed is a new hold.
        """
        with self._workspace.db.write() as conn:
            hold = self._active(conn, hold_id)
            if hold.ends_at is None:
                raise HoldRejected("This hold has no end; there is nothing to extend.")
            if hold.source is HoldSource.REQUEST_2703F:
                if not reference.strip():
                    raise HoldRejected("A 2703(f) renewal needs the reference of the renewed request.")
                until = until or hold.ends_at + REQUEST_PERIOD
            if until is None or until <= hold.ends_at:
                raise HoldRejected(f"The new end must be later than the current end, {hold.ends_at:%Y-%m-%d}.")
            renewal = Renewal(self._now(), hold.ends_at, until, reference.strip())
            renewed = replace(
                hold, ends_at=until, details=replace(hold.details, renewals=(*hold.details.renewals, renewal))
            )
            self._store().update(conn, renewed)
            self._workspace.append_event(
                conn,
                EventType.HOLD_RENEWED,
                {
                    "previous_end": hold.ends_at.isoformat(),
                    "ends_at": until.isoformat(),
                    "reference": renewal.reference,
                    "source": str(hold.source),
                },
                hold.hold_id,
            )
        return renewed

    def release(self, hold_id: str, reason: str) -> Hold:
        """Release an active hold early; a reason is required, and a finished report's year is not released."""
        if not reason.strip():
            raise HoldRejected("Releasing a hold needs a reason; it is kept in the custody log.")
        with self._workspace.db.write() as conn:
            hold = self._active(conn, hold_id)
            if hold.source is HoldSource.REPORT_FINISHED:
                raise HoldRejected(
                    "A finished report's contents must be preserved for its full year (18 U.S.C. 2258A(h)(1)); "
                    "this hold ends by itself."
                )
            released = replace(
                hold, released_at=self._now(), details=replace(hold.details, release_reason=reason.strip())
            )
            self._store().update(conn, released)
            self._workspace.append_event(
                conn, EventType.HOLD_RELEASED, {"reason": reason.strip(), "source": str(hold.source)}, hold.hold_id
            )
        return released
