"""Report drafts: their use cases on one unlocked workspace.

Create a draft (from queued items or text-only), load it, save it, list drafts, keep the reporter
profile, record the report id NCMEC gave a report (the reviewer types it after filing; the submission
flow will record it itself), offer earlier CyberTipline reports about the same account, and export
the XML a report would send. Checks made here know the workspace's NCMEC ids, so a cited earlier
report nobody recorded is flagged (``prior-report-unknown``). Drafts are stored encrypted
(``storage.reports``); every save that changes anything writes its custody events in the same
transaction: ``report.changed`` with the changed paths (never values), ``report.file-added``/
``report.file-removed`` with the item, ``report.viewed-flag-overridden`` with the reviewer's
reason, and ``report.ncmec-id-recorded`` with NCMEC's id (a number, not report content).

A file's ``fileViewedByEsp`` rests on the custody log: it says whether the reviewer revealed the
item (``ItemService.viewed_item_ids``). The reviewer may state otherwise only with a reason; a
save that departs from the log without one is refused (``ViewedOverrideReasonRequired``). Reading
the log is the expensive part, so a save consults it only when a viewed flag changed or a file was
added; loading and exporting always bring the flags up to date.
"""

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.cybertipline.findings import Finding, Severity, has_errors
from desktop_app.core.cybertipline.model import DraftFile, Node, ReportDraft
from desktop_app.core.cybertipline.xsd import CompiledXsd
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import MatchOutcome
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import (
    NcmecReportIdInUse,
    ReportHasErrors,
    ReportNotFound,
    ReportSent,
    ReportUnreadable,
)
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.report_building import PriorReport as PriorReport  # the UI's way to it
from desktop_app.core.services.report_building import (
    RenderedDocument,
    ReportSummary,
    account_keys,
    changed_paths,
    check_record,
    file_from_item,
    fill_reported_user,
    ncmec_report_id_from_text,
    offer_prior_reports,
    render_documents,
    summarise,
    sync_viewed,
)
from desktop_app.core.services.report_figures import report_figures
from desktop_app.core.services.report_membership import mark_items_reported
from desktop_app.core.services.report_saving import (
    LOCKED_STATUSES,
    MAX_LOGGED_PATHS,
    check_viewed,
    file_events,
    override_events,
)
from desktop_app.core.services.report_versions import check_as_logged, check_profile_as_logged, profile_as_logged
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.reports import DRAFT_DIGEST, PROFILE_DIGEST, ReportStore
from desktop_app.core.storage.reports import ReportRecord as ReportRecord  # the UI's way to the stored report


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the stored record (viewed flags brought in line), and the changed paths."""

    record: ReportRecord
    paths: tuple[str, ...]
    synced_files: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.paths)


@dataclass(frozen=True)
class ReportExport:
    """The documents of an export and the checks they passed."""

    report_id: str
    documents: tuple[RenderedDocument, ...]
    findings: tuple[Finding, ...]
    record: ReportRecord  # the report as checked and rendered: a bundle packs this, not a second read


class ReportService:
    """Report drafts of one unlocked workspace.

    ``now`` is the clock (tests pass a fixed one); ``xsd`` gives NCMEC's schema when the workspace
    has fetched it (``CyberTiplineService.current_xsd``), which every check then includes.
    """

    def __init__(
        self,
        workspace: Workspace,
        items: ItemService,
        now: Callable[[], datetime] = _utc_now,
        xsd: Callable[[], CompiledXsd | None] = lambda: None,
        matches: Callable[[Sequence[str]], Mapping[str, MatchOutcome]] | None = None,
    ) -> None:
        self._workspace = workspace
        self._items = items
        self._matches = matches  # the items' hash-list matches that count (suppressions applied)
        self._now = now
        self.ncmec_xsd = xsd

    @property
    def _store(self) -> ReportStore:
        return ReportStore(self._workspace.fields())

    def _append(self, conn: Any, kind: EventType, data: dict[str, Any], subject: str | None) -> None:
        self._workspace.append_event(conn, kind, data, subject)

    def _read(self, conn: Any, report_id: str) -> ReportRecord:
        try:
            record = self._store.load(conn, report_id)
        except ValueError as problem:
            raise ReportUnreadable(f"Report {report_id} was saved by a newer Evidence Desk ({problem}).") from None
        if record is None:
            raise ReportNotFound(f"Report {report_id} is not in this workspace.")
        return record

    # -- drafts ----------------------------------------------------------------------------------

    def create_draft(self, item_ids: Sequence[str] = ()) -> ReportRecord:
        """A new draft: the reporter profile, and one file per item (none: a text-only report)."""
        items = [self._items.get(item_id) for item_id in dict.fromkeys(item_ids)]
        files = self.draft_files(items)  # refuses items without content, before writing
        draft = ReportDraft()
        draft.report.ensure("incidentSummary")
        profile = self.reporter_profile()
        if profile is not None:
            draft.report.append(profile)
        else:
            draft.report.ensure("reporter").ensure("reportingPerson")
        draft.files.extend(files)
        fill_reported_user(draft.report, items)
        moment = self._now()
        record = ReportRecord(secrets.token_hex(16), draft, moment, moment)
        with self._workspace.db.write() as conn:
            digest = self._store.insert(conn, record)
            self._store.set_accounts(conn, record.report_id, account_keys(draft.report))
            data = {"files": len(files), "profile": profile is not None, DRAFT_DIGEST: digest}
            self._append(conn, EventType.REPORT_CREATED, data, record.report_id)
            for entry in files:
                self._append(conn, EventType.REPORT_FILE_ADDED, {"item": entry.item_id}, record.report_id)
        return record

    def create_from_document(self, report: Node, item_ids: Sequence[str] = ()) -> ReportRecord:
        """A new report from a ``<report>`` another system wrote (parsed by ``cybertipline.parse``).

        The named items become its files, pre-filled from what the app knows about them (as
        ``create_draft`` does); the document's own content is kept as written, not merged with the
        reporter profile. Logged like any new report, with where it came from.
        """
        if report.decl.name != "report":
            raise ValueError("a report document's root is <report>")  # a bug in the caller
        items = [self._items.get(item_id) for item_id in dict.fromkeys(item_ids)]
        files = self.draft_files(items)
        draft = ReportDraft(report.copy(), files)
        moment = self._now()
        record = ReportRecord(secrets.token_hex(16), draft, moment, moment)
        with self._workspace.db.write() as conn:
            digest = self._store.insert(conn, record)
            self._store.set_accounts(conn, record.report_id, account_keys(draft.report))
            data = {"files": len(files), "profile": False, "source": "xml-document", DRAFT_DIGEST: digest}
            self._append(conn, EventType.REPORT_CREATED, data, record.report_id)
            for entry in files:
                self._append(conn, EventType.REPORT_FILE_ADDED, {"item": entry.item_id}, record.report_id)
        return record

    def draft_files(self, items: Sequence[Item]) -> list[DraftFile]:
        """The items as report files, pre-filled, each with its hash-list matches recorded."""
        found = self._matches([item.item_id for item in items]) if self._matches is not None and items else {}
        return [file_from_item(item, found[item.item_id].matches if item.item_id in found else ()) for item in items]

    def load(self, report_id: str) -> ReportRecord:
        """A stored report, its linked files' viewed flags brought up to date from the log."""
        with self._workspace.db.read() as reader:
            record = self._read(reader.conn, report_id)
        return self._synced(record)

    def _synced(self, record: ReportRecord) -> ReportRecord:
        """``record`` with its linked files' viewed flags brought up to date from the log."""
        if any(entry.item_id for entry in record.draft.files):
            sync_viewed(record, self._items.viewed_item_ids())
        return record

    def logged_viewed(self, record: ReportRecord) -> dict[str, bool]:
        """What the custody log says about each linked file: did the reviewer reveal the item?"""
        viewed = self._items.viewed_item_ids()
        return {entry.item_id: entry.item_id in viewed for entry in record.draft.files if entry.item_id}

    def files_for_items(self, item_ids: Sequence[str], record: ReportRecord | None = None) -> list[Item]:
        """The items to add as files (those already in ``record`` left out), each checked for content."""
        present = {entry.item_id for entry in record.draft.files} if record is not None else set()
        items = [self._items.get(item_id) for item_id in dict.fromkeys(item_ids) if item_id not in present]
        for item in items:
            file_from_item(item)  # raises ItemHasNoContent now rather than at save
        return items

    def add_items(self, record: ReportRecord, item_ids: Sequence[str]) -> list[int]:
        """Append files pre-filled from items to ``record`` in memory (save to keep them); their indexes."""
        items = self.files_for_items(item_ids, record)
        start = len(record.draft.files)
        record.draft.files.extend(self.draft_files(items))
        fill_reported_user(record.draft.report, items)
        return list(range(start, len(record.draft.files)))

    def save(self, record: ReportRecord) -> SaveResult:
        """Store the draft if it changed, with its custody events, in one transaction."""
        with self._workspace.db.write() as conn:
            stored = self._read(conn, record.report_id)
            if stored.status in LOCKED_STATUSES:
                raise ReportSent(
                    f"Report {record.report_id[:8]} is {LOCKED_STATUSES[stored.status]}, so it cannot be changed. "
                    "A report withdrawn from NCMEC (retracted) can be corrected and sent again."
                )
            updated = replace(
                record.copy(),
                created_at=stored.created_at,
                status=stored.status,
                ncmec_report_id=stored.ncmec_report_id,
            )
            linked = {entry.item_id for entry in updated.draft.files if entry.item_id}
            updated.overrides = {k: v for k, v in updated.overrides.items() if k in linked}  # files removed
            synced = check_viewed(stored, updated, self._items.viewed_item_ids)
            paths = changed_paths(stored.draft, updated.draft)
            overridden = override_events(stored, updated)
            if not paths and not overridden:
                return SaveResult(stored, ())
            updated.updated_at = self._now()
            digest = self._store.update(conn, updated)
            self._store.set_accounts(conn, updated.report_id, account_keys(updated.draft.report))
            events = file_events(stored, updated)
            events += [(EventType.REPORT_VIEWED_FLAG_OVERRIDDEN, data) for data in overridden]
            if paths:
                events.append((EventType.REPORT_CHANGED, {"paths": paths[:MAX_LOGGED_PATHS], "count": len(paths)}))
            events[-1][1][DRAFT_DIGEST] = digest  # the save's last entry names the version it stored
            for kind, data in events:
                self._append(conn, kind, data, updated.report_id)
        return SaveResult(updated, tuple(paths), tuple(synced))

    def list_reports(self) -> list[ReportSummary]:
        """Every report, most recently changed first, with its findings counted."""
        with self._workspace.db.read() as reader:
            try:
                records = self._store.load_all(reader.conn)
            except ValueError as problem:
                raise ReportUnreadable(f"A report was saved by a newer Evidence Desk ({problem}).") from None
        moment = self._now()
        xsd = self.ncmec_xsd()
        known = {r.ncmec_report_id for r in records if r.ncmec_report_id is not None}
        return [
            summarise(record, check_record(record, now=moment, xsd=xsd, known_ncmec_ids=known)) for record in records
        ]

    def resolve_id(self, text: str) -> str:
        """The report id ``text`` names (the whole id or a unique prefix of at least 4 digits)."""
        wanted = text.strip().lower()
        if len(wanted) < 4:
            raise ReportNotFound("Give at least the first 4 characters of the report id.")
        with self._workspace.db.read() as reader:
            found = ReportStore.ids_starting_with(reader.conn, wanted)
        if len(found) != 1:
            problem = "matches no report" if not found else f"matches {len(found)} reports; give more of it"
            raise ReportNotFound(f"{text} {problem}. 'evidence-desk report list' shows the ids.")
        return found[0]

    def queue_items(self) -> list[Item]:
        """Queue items that can be added as files (they hold preserved content)."""
        return [item for item in self._items.list_items() if item.blob_id is not None and item.digests is not None]

    # -- the reporter profile ----------------------------------------------------------------------

    def reporter_profile(self) -> Node | None:
        """The saved ``<reporter>`` element new reports start from, or None.

        ``ProfileNotAsLogged`` if its row is not the version the log saved last (``report_versions``).
        """
        with self._workspace.db.read() as reader:
            check_profile_as_logged(self._workspace, reader.conn)
            return self._store.load_profile(reader.conn)

    def save_reporter_profile(self, reporter: Node) -> None:
        """Keep ``reporter`` (a ``<reporter>`` element) as the profile for new reports."""
        if reporter.decl.name != "reporter":
            raise ValueError("the reporter profile is a <reporter> element")
        with self._workspace.db.write() as conn:
            before = self._store.load_profile(conn)
            old = ReportDraft()
            if before is not None:
                old.report.append(before)
            new = ReportDraft()
            new.report.append(reporter.copy())
            paths = changed_paths(old, new)
            if before is not None and not paths and profile_as_logged(self._workspace, conn):
                return  # unchanged (a stale row put back is rewritten even so: saving again is its remedy)
            digest = self._store.save_profile(conn, reporter, self._now())
            data = {"paths": paths[:MAX_LOGGED_PATHS], PROFILE_DIGEST: digest}
            self._append(conn, EventType.REPORTER_PROFILE_SAVED, data, None)

    # -- earlier reports, NCMEC's id ---------------------------------------------------------------

    def prior_reports(self, record: ReportRecord) -> list[PriorReport]:
        """Earlier reports of this workspace that NCMEC opened, about accounts this report names."""
        keys = account_keys(record.draft.report)
        if not keys:
            return []
        with self._workspace.db.read() as reader:
            matches = self._store.reports_naming(reader.conn, keys)
            others = [(self._read(reader.conn, rid), accounts) for rid, accounts in matches.items()]
        return offer_prior_reports(record, keys, others)

    def record_ncmec_report_id(self, report_id: str, ncmec_report_id: int) -> ReportRecord:
        """Keep the id NCMEC gave the report; the stored record.

        The reviewer records it after filing the exported report through NCMEC's web form (the
        submission flow will call this when ``/submit`` answers). A corrected id replaces the old one
        and the event says which it replaced. The report's items move to *reported* in the same
        transaction (as a finished submission moves them). ``NcmecReportIdInvalid`` for what ``priorCTReports``
        could not cite, ``NcmecReportIdInUse`` for an id recorded for another report.
        """
        number = ncmec_report_id_from_text(str(ncmec_report_id))
        with self._workspace.db.write() as conn:
            record = self._read(conn, report_id)
            if record.ncmec_report_id == number:
                return record
            holder = self._store.ncmec_report_ids(conn).get(number)
            if holder is not None and holder != report_id:
                raise NcmecReportIdInUse(
                    f"NCMEC report {number} is already recorded for report {holder[:8]}; each NCMEC report id "
                    "belongs to one report. Check the number."
                )
            data: dict[str, Any] = {"ncmec_report_id": number}
            if record.ncmec_report_id is not None:
                data["previous"] = record.ncmec_report_id
            else:  # the filing itself: what the transparency figures count (a correction is not another report)
                data.update(report_figures(record.draft))
            record.ncmec_report_id = number
            record.updated_at = self._now()
            data[DRAFT_DIGEST] = self._store.update(conn, record)
            self._append(conn, EventType.REPORT_NCMEC_ID_RECORDED, data, report_id)
            mark_items_reported(self._workspace, conn, [f.item_id for f in record.draft.files if f.item_id])
        return record

    def known_ncmec_report_ids(self) -> frozenset[int]:
        """Every NCMEC report id this workspace recorded (what ``prior-report-unknown`` checks against)."""
        with self._workspace.db.read() as reader:
            return frozenset(self._store.ncmec_report_ids(reader.conn))

    # -- documents -------------------------------------------------------------------------------

    def check(self, record: ReportRecord) -> list[Finding]:
        """Every finding about a report at the service's clock, NCMEC's fetched schema and our history included."""
        return check_record(
            record, now=self._now(), xsd=self.ncmec_xsd(), known_ncmec_ids=self.known_ncmec_report_ids()
        )

    def load_as_logged(self, report_id: str, doing: str) -> ReportRecord:
        """``load``, refusing a row that is not the version the log saved last (``ReportNotAsLogged``)."""
        with self._workspace.db.read() as reader:  # one read: the row checked is the row loaded
            check_as_logged(self._workspace, reader.conn, report_id, doing)
            record = self._read(reader.conn, report_id)
        return self._synced(record)

    def export_xml(self, report_id: str) -> ReportExport:
        """The exact documents of a report (``ReportHasErrors`` if NCMEC would reject it); logged."""
        record = self.load_as_logged(report_id, "Nothing was exported.")
        xsd = self.ncmec_xsd()
        known = self.known_ncmec_report_ids()
        findings = tuple(check_record(record, now=self._now(), xsd=xsd, known_ncmec_ids=known))
        if has_errors(findings):
            count = sum(1 for f in findings if f.severity is Severity.ERROR)
            raise ReportHasErrors(
                f"The report has {plural(count, 'error')} NCMEC would reject it for; fix them first.", findings
            )
        documents = tuple(render_documents(record))
        with self._workspace.db.write() as conn:
            self._append(
                conn,
                EventType.REPORT_EXPORTED,
                {
                    "documents": [{"name": d.name, "sha256": _sha256(d.data)} for d in documents],
                    "ncmec_xsd_sha256": xsd.sha256 if xsd is not None else None,
                },
                report_id,
            )
        return ReportExport(report_id, documents, findings, record)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
