"""Reconciliation: do the tables say what the custody log says happened?

The log proves what the app did; the tables are what the app shows. An attacker without keys can
edit the tables (their clear links, or by putting back an older copy of a row, whose row tag is
still valid) without touching the log. So verification replays the log's record of the queue, the
vault and the reports, and compares it with the rows, both ways:

* every item has its ``item.added`` event, and every such event its item; the item's kind and
  blob are those the event names (unless the blob was destroyed since); its state is the ``to``
  of its latest ``item.state-changed`` (``new`` without one); it has an analysis exactly when an
  ``item.analysed`` event names it;
* every source belongs to the item whose ``item.added`` / ``item.source-added`` event named it,
  and every source those events name exists;
* every blob row was stored by an event (``item.added`` with ``new_blob`` or ``evidence.stored``
  with ``new``) and not destroyed since, and every such blob has its row;
* every report has its ``report.created``, and its status is the ``to`` of its latest
  ``report.status-changed`` (``draft`` without one), or, once ``submission.*`` entries name it,
  the state of its row in ``submissions`` (not yet replayed from the submission's own entries);
* the reporter profile exists exactly when a ``reporter-profile.saved`` says so; every cached
  NCMEC schema was fetched (``cybertipline.schema-fetched`` with its SHA-256), every fetched one
  is cached, and the one in force is the one fetched last;
* a report's tag covers the accounts it names (``report_accounts``), and no account row names a
  report that does not exist;
* every row of those tables carries a valid row tag once the log records that rows are tagged
  (``storage.rows-bound``: at creation, or at the first verified unlock after schema v6).

One pass over the log and one over each table: linear, and cheap next to the log's own
verification (only entries of the kinds above are parsed). Read-only; needs the keys (the events
are encrypted). Run it after the log itself verified: it trusts the log's content.
"""

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.storage.custody_log import CustodyLog
from desktop_app.core.storage.entry_scan import flat_added, subject_of
from desktop_app.core.storage.reconciliation_records import KINDS as RECORD_KINDS
from desktop_app.core.storage.reconciliation_records import RecordReplay, check_records
from desktop_app.core.storage.row_tags import BOUND, CHILDREN, RowTags, all_children_values, present_tables

MAX_LISTED = 20  # discrepancies kept in full; the count is always exact
_TYPE_MARKER = b'"type":"'
_SUBJECT_MARKER = b',"subject":'
_TO_MARKER = b'"to":"'
_SUBMISSION_PREFIX = b"submission."
_RELEVANT = {
    str(kind).encode(): kind
    for kind in (
        EventType.ROWS_BOUND,
        EventType.ITEM_ADDED,
        EventType.ITEM_SOURCE_ADDED,
        EventType.ITEM_STATE_CHANGED,
        EventType.ITEM_ANALYSED,
        EventType.BLOB_STORED,
        EventType.BLOB_DESTROYED,
        EventType.ITEM_DESTROYED,
        EventType.REPORT_CREATED,
        EventType.REPORT_STATUS_CHANGED,
        EventType.REPORTER_PROFILE_SAVED,
        EventType.CYBERTIPLINE_SCHEMA_FETCHED,
        EventType.WORKSPACE_CREATED,
        EventType.RECOVERY_KEY_REPLACED,
        EventType.RECOVERY_SLOT_RECORDED,
        *RECORD_KINDS,
    )
}
_RECORDS = frozenset(RECORD_KINDS)
_INITIAL_STATE = "new"
_INITIAL_STATUS = "draft"


@dataclass(frozen=True)
class Discrepancy:
    """One way the tables and the log disagree."""

    table: str
    row_id: str
    code: str  # not-in-log | missing-row | wrong-kind | wrong-blob | wrong-state | wrong-item | ...
    message: str


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of one reconciliation pass."""

    events: int
    rows: int
    tags_required: frozenset[str]  # the tables whose rows must carry a tag (``storage.rows-bound``)
    count: int = 0  # discrepancies found (``discrepancies`` keeps the first ``MAX_LISTED``)
    discrepancies: tuple[Discrepancy, ...] = ()
    recovery_slot_sha256: str | None = None  # the recovery slot the log last recorded (storage.recovery_slot)

    @property
    def ok(self) -> bool:
        """Whether the tables say exactly what the log says."""
        return self.count == 0

    @property
    def problem(self) -> str | None:
        """One sentence for a verification report, or None."""
        if self.ok:
            return None
        first = self.discrepancies[0]
        more = f" ({self.count - 1} more discrepancies)" if self.count > 1 else ""
        return f"The workspace's tables disagree with the custody log: {first.message}{more}"


class LogReplay:
    """The tables as the log describes them, built one entry at a time (``feed``).

    Fed by the log's own verification (``CustodyLog.on_entry``), so the log is decrypted once.
    Most entries are classified and read without a JSON parse (``storage.entry_scan``).
    """

    def __init__(self) -> None:
        self.items: dict[str, list[Any]] = {}  # id -> [kind, blob_id, state]
        self.analysed: set[str] = set()
        self.sources: dict[str, str] = {}  # source id -> item id
        self.blobs: set[str] = set()
        self.destroyed: set[str] = set()
        self.reports: dict[str, str] = {}  # id -> status
        self.submitted: set[str] = set()  # reports with submission entries: status is the submission's state
        self.submission_states: dict[str, str] = {}  # filled from the submissions table by ``reconcile``
        self.profiles: set[int] = set()  # {1} once a reporter profile was saved
        self.schemas: set[str] = set()  # SHA-256 of every XSD fetched
        self.latest_schema: str | None = None
        self.tags_required: frozenset[str] = frozenset()
        self.records = RecordReplay()  # the submission, lifecycle and hash-list tables
        self.recovery_slot: str | None = None
        self.events = 0
        # Further readers of entries (fed those whose plaintext holds their ``marker``, a substring
        # test in C), called from here so the common entry costs one call, not one per reader.
        self.watchers: list[tuple[bytes, Callable[[int, bytes], None]]] = []

    def feed(self, seq: int, plaintext: bytes) -> None:
        """Take one entry's canonical JSON (in log order)."""
        self.events += 1
        for marker, watcher in self.watchers:
            if marker in plaintext:
                watcher(seq, plaintext)
        start = plaintext.rfind(_TYPE_MARKER) + len(_TYPE_MARKER)
        kind = _RELEVANT.get(plaintext[start:-2])
        if kind is None:
            if plaintext.startswith(_SUBMISSION_PREFIX, start):  # its status follows the submission now
                self.submitted.add(subject_of(plaintext) or "")
            return
        if kind is EventType.ITEM_ANALYSED:  # the commonest kind after additions: only the subject counts
            self.analysed.add(subject_of(plaintext) or "")
        elif kind is EventType.ITEM_ADDED and (added := flat_added(plaintext)) is not None:
            self._apply(kind, *added)
        elif kind is EventType.ITEM_STATE_CHANGED:
            subject = subject_of(plaintext)
            if subject in self.items:  # "to" is the last member of its data, so the last one before "subject"
                end = plaintext.rfind(_SUBJECT_MARKER)
                start = plaintext.rfind(_TO_MARKER, 0, end) + len(_TO_MARKER)
                self.items[subject][2] = plaintext[start : plaintext.index(b'"', start)].decode()
        elif kind in _RECORDS:
            self.records.feed(kind, plaintext)
        else:
            event = json.loads(plaintext)
            self._apply(kind, event["subject"], event["data"])

    def _apply(self, kind: EventType, subject: Any, data: dict[str, Any]) -> None:
        if kind is EventType.ITEM_ADDED:
            blob_id = data.get("blob_id")
            self.items[subject] = [data.get("kind"), blob_id, _INITIAL_STATE]
            if data.get("source_id"):
                self.sources[data["source_id"]] = subject
            if blob_id is not None and data.get("new_blob"):
                self.blobs.add(blob_id)
                self.destroyed.discard(blob_id)
        elif kind is EventType.ITEM_SOURCE_ADDED:
            self.sources[data["source_id"]] = subject
        elif kind is EventType.BLOB_STORED:
            if data.get("new"):
                self.blobs.add(subject)
                self.destroyed.discard(subject)
        elif kind is EventType.BLOB_DESTROYED:
            self.blobs.discard(subject)
            self.destroyed.add(subject)
        elif kind is EventType.ITEM_DESTROYED:
            # Destruction keeps the item's row (hashes, size, the fact) and erases what identified it:
            # its sources and its analysis go; its blob goes with its own BLOB_DESTROYED entry.
            self.sources = {source: item for source, item in self.sources.items() if item != subject}
            self.analysed.discard(subject)
            self.records.destroyed_items.add(subject)
        elif kind is EventType.REPORT_CREATED:
            self.reports[subject] = _INITIAL_STATUS
        elif kind is EventType.REPORT_STATUS_CHANGED:
            if subject in self.reports:
                self.reports[subject] = data["to"]
        elif kind is EventType.REPORTER_PROFILE_SAVED:
            self.profiles.add(1)
        elif kind is EventType.CYBERTIPLINE_SCHEMA_FETCHED:
            if data.get("sha256"):  # failed fetches are logged too, with an error and no digest
                self.schemas.add(data["sha256"])
                self.latest_schema = data["sha256"]
        elif kind is EventType.ROWS_BOUND:  # names the tables it bound (schema v8's, then v10's)
            self.tags_required |= frozenset(data)
        elif kind in (EventType.WORKSPACE_CREATED, EventType.RECOVERY_KEY_REPLACED, EventType.RECOVERY_SLOT_RECORDED):
            self.recovery_slot = data.get("recovery_slot_sha256")


def replay_log(conn: sqlite3.Connection, log: CustodyLog) -> LogReplay:
    """A replay of the whole log on its own (when no verification pass feeds one)."""
    replay = LogReplay()
    for seq, plaintext in log.plaintexts(conn):
        replay.feed(seq, plaintext)
    return replay


class _Findings:
    def __init__(self) -> None:
        self.count = 0
        self.listed: list[Discrepancy] = []

    def add(self, table: str, row_id: str, code: str, message: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(Discrepancy(table, row_id, code, message))


def reconcile(conn: sqlite3.Connection, expected: LogReplay, tags: RowTags) -> Reconciliation:
    """Compare the item, source, blob and report tables with the log's replay, both ways (see the module)."""
    tags = tags.requiring(expected.tags_required)  # the log, not the caller, says if tags are due
    found = _Findings()
    rows = 0
    present = present_tables(conn)
    if expected.submitted:  # a submitted report's status mirrors its submission's state
        expected.submission_states = dict(conn.execute("SELECT report_id, state FROM submissions").fetchall())
    for table, check in _TABLE_CHECKS:
        if table not in present:  # only while a test builds an old-schema workspace
            continue
        matches = tags.matcher(table)
        children = all_children_values(conn, table) if table in CHILDREN else None
        fetched = conn.execute(f"SELECT {', '.join(BOUND[table])}, row_tag FROM {table}").fetchall()
        rows += len(fetched)
        good = []
        for row in fetched:
            values = row[:-1] if children is None else row[:-1] + (children.get(row[0], b""),)
            if matches(values, row[-1]):
                good.append(values)
            else:
                what = "has no row tag" if row[-1] is None else "does not match its row tag"
                found.add(table, row[0], "row-tag", f"{_name(table)} {row[0]} {what}: it was changed outside the app.")
        check(good, expected, found)
        _missing(table, {row[0] for row in fetched}, expected, found)
    if "ncmec_schemas" in present:
        _check_latest_schema(conn, expected, found)
    rows += check_records(conn, expected.records, expected.submitted, tags, found.add, present)
    if "reports" in present:
        orphans = conn.execute(
            "SELECT DISTINCT report_id FROM report_accounts WHERE report_id NOT IN (SELECT report_id FROM reports)"
        )
        for (report_id,) in orphans:
            message = f"accounts are listed for report {report_id}, which does not exist."
            found.add("report_accounts", str(report_id), "not-in-log", message)
    return Reconciliation(
        expected.events, rows, expected.tags_required, found.count, tuple(found.listed), expected.recovery_slot
    )


_NAMES = {
    "items": "item",
    "item_sources": "source",
    "blobs": "blob",
    "reports": "report",
    "reporter_profile": "reporter profile",
    "ncmec_schemas": "NCMEC schema",
}


def _name(table: str) -> str:
    return _NAMES[table]


_Rows = list[tuple[Any, ...]]
_TableCheck = Callable[[_Rows, LogReplay, _Findings], None]


def _check_items(rows: _Rows, expected: LogReplay, found: _Findings) -> None:
    items, destroyed, analysed = expected.items, expected.destroyed, expected.analysed
    for item_id, kind, state, _, blob_id, _, analysis_ct, _ in rows:
        logged = items.get(item_id)
        # The common case in one comparison; anything else is looked at closely.
        unusual = logged is None or logged != [kind, blob_id, state] or (blob_id is not None and blob_id in destroyed)
        if unusual or (analysis_ct is not None) != (item_id in analysed):
            _check_item(item_id, kind, state, blob_id, analysis_ct, expected, found)


def _check_item(
    item_id: str, kind: str, state: str, blob_id: str | None, analysis_ct: Any, expected: LogReplay, found: _Findings
) -> None:
    logged = expected.items.get(item_id)
    if logged is None:
        found.add("items", item_id, "not-in-log", f"item {item_id} is not in the log (added outside the app).")
        return
    logged_kind, logged_blob, logged_state = logged
    if logged_blob in expected.destroyed:
        logged_blob = None
    if kind != logged_kind:
        found.add("items", item_id, "wrong-kind", f"item {item_id} is a {kind} but the log added a {logged_kind}.")
    if blob_id != logged_blob:
        found.add(
            "items",
            item_id,
            "wrong-blob",
            f"item {item_id} holds blob {blob_id} but the log recorded blob {logged_blob}.",
        )
    if state != logged_state:
        found.add("items", item_id, "wrong-state", f"item {item_id} is '{state}' but the log says '{logged_state}'.")
    if (analysis_ct is not None) != (item_id in expected.analysed):
        what = "an analysis the log never recorded" if analysis_ct is not None else "lost its recorded analysis"
        found.add("items", item_id, "wrong-analysis", f"item {item_id} has {what}.")


def _check_sources(rows: _Rows, expected: LogReplay, found: _Findings) -> None:
    logged_pairs = expected.sources.items()
    for source_id, item_id in sorted({(row[0], row[1]) for row in rows} - logged_pairs, key=str):  # set ops in C
        logged = expected.sources.get(source_id)
        if logged is None:
            found.add("item_sources", source_id, "not-in-log", f"source {source_id} is not in the log.")
        else:
            found.add(
                "item_sources",
                source_id,
                "wrong-item",
                f"source {source_id} is attached to item {item_id} but the log added it to item {logged}.",
            )


def _check_blobs(rows: _Rows, expected: LogReplay, found: _Findings) -> None:
    for blob_id in sorted({row[0] for row in rows} - expected.blobs, key=str):
        why = "was destroyed" if blob_id in expected.destroyed else "was never stored"
        found.add("blobs", blob_id, "not-in-log", f"blob {blob_id} is listed but the log says it {why}.")


def _each(check: Callable[[tuple[Any, ...], LogReplay, _Findings], None]) -> "_TableCheck":
    def every(rows: _Rows, expected: LogReplay, found: _Findings) -> None:
        for values in rows:
            check(values, expected, found)

    return every


def _check_report(values: tuple[Any, ...], expected: LogReplay, found: _Findings) -> None:
    report_id, status = values[0], values[3]
    logged = expected.reports.get(report_id)
    if report_id in expected.submitted and logged is not None:
        logged = expected.submission_states.get(report_id, "no submission record")
    if logged is None:
        found.add("reports", report_id, "not-in-log", f"report {report_id} is not in the log.")
    elif status != logged:
        found.add(
            "reports", report_id, "wrong-status", f"report {report_id} is '{status}' but the log says '{logged}'."
        )


def _check_profile(values: tuple[Any, ...], expected: LogReplay, found: _Findings) -> None:
    if values[0] not in expected.profiles:
        found.add("reporter_profile", str(values[0]), "not-in-log", "the reporter profile was never saved by the app.")


def _check_schema(values: tuple[Any, ...], expected: LogReplay, found: _Findings) -> None:
    if values[0] not in expected.schemas:
        found.add("ncmec_schemas", values[0], "not-in-log", f"NCMEC schema {values[0][:12]}… was never fetched.")


_TABLE_CHECKS: tuple[tuple[str, _TableCheck], ...] = (
    ("items", _check_items),
    ("item_sources", _check_sources),
    ("blobs", _check_blobs),
    ("reports", _each(_check_report)),
    ("reporter_profile", _each(_check_profile)),
    ("ncmec_schemas", _each(_check_schema)),
)


def _check_latest_schema(conn: sqlite3.Connection, expected: LogReplay, found: _Findings) -> None:
    """The XSD in force (the newest row) must be the one the log fetched last: no rolled-back schema."""
    row = conn.execute("SELECT sha256 FROM ncmec_schemas ORDER BY fetched_at DESC LIMIT 1").fetchone()
    in_force = row[0] if row else None
    if in_force != expected.latest_schema and in_force in expected.schemas:
        found.add(
            "ncmec_schemas",
            str(in_force),
            "wrong-latest",
            f"NCMEC schema {str(in_force)[:12]}… is in force but the log fetched "
            f"{str(expected.latest_schema)[:12]}… last.",
        )


def _missing(table: str, seen: set[str], expected: LogReplay, found: _Findings) -> None:
    wanted: Any = {
        "items": expected.items,
        "item_sources": expected.sources,
        "blobs": expected.blobs,
        "reports": expected.reports,
        "reporter_profile": expected.profiles,
        "ncmec_schemas": expected.schemas,
    }[table]
    for row_id in sorted(set(wanted) - seen, key=str):
        found.add(table, str(row_id), "missing-row", f"{_name(table)} {row_id} recorded in the log is missing.")
