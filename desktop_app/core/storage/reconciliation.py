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
* every report's sealed draft is the one the log recorded last for it (the ``draft_sha256`` of its
  latest write, or of ``report.drafts-recorded`` for a workspace from before): an older copy of
  the row, put back with its still-valid tag, is told apart;
* every report has its ``report.created``, and its status is the ``to`` of its latest
  ``report.status-changed`` (``draft`` without one), or, once ``submission.*`` entries name it,
  the state of its row in ``submissions`` (not yet replayed from the submission's own entries);
* the reporter profile exists exactly when a ``reporter-profile.saved`` says so, and its sealed
  content is the one the log recorded last (``profile_sha256``, as for a report's draft); every cached
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

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.storage.log_replay import LogReplay
from desktop_app.core.storage.reconciliation_records import check_records
from desktop_app.core.storage.reports import draft_digest
from desktop_app.core.storage.row_tags import BOUND, CHILDREN, RowTags, all_children_values, present_tables

MAX_LISTED = 20  # discrepancies kept in full; the count is always exact


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
    unrecorded_drafts: tuple[str, ...] = ()  # reports whose sealed draft no entry names (a workspace from before)
    unrecorded_profile: bool = False  # the reporter profile exists and no entry names its digest (likewise)
    unrecorded_submissions: tuple[str, ...] = ()  # reports whose submission row no entry names (likewise)
    unrecorded_outcomes: tuple[str, ...] = ()  # matched items whose stored outcome no entry names (likewise)
    unrecorded_lists: tuple[str, ...] = ()  # hash lists whose sealed settings no entry names (likewise)

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
        expected.events,
        rows,
        expected.tags_required,
        found.count,
        tuple(found.listed),
        expected.recovery_slot,
        tuple(expected.unrecorded_drafts),
        expected.unrecorded_profile,
        tuple(expected.records.unrecorded_submissions),
        tuple(expected.records.unrecorded_outcomes),
        tuple(expected.records.unrecorded_lists),
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
    saved = expected.drafts.get(report_id)
    if saved is None:
        expected.unrecorded_drafts.append(report_id)  # a workspace from before: recorded once (``settle``)
    elif logged is not None and draft_digest(values[4]) != saved:
        found.add(
            "reports",
            report_id,
            "older-draft",
            f"report {report_id} is not the version the log saved last (an older copy was put back?).",
        )
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
    elif expected.profile_digest is None:
        expected.unrecorded_profile = True  # a workspace from before: recorded once (``settle``)
    elif draft_digest(values[2]) != expected.profile_digest:
        found.add(
            "reporter_profile",
            str(values[0]),
            "older-profile",
            "the reporter profile is not the version the log saved last (an older copy was put back?).",
        )


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
