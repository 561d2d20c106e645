"""Reconciliation of the submission, lifecycle and hash-list tables with the custody log (schema v10).

The companion of ``storage.reconciliation`` (which reconciles the queue, the vault and the reports
and calls ``check_records`` on the same snapshot). Every row of these tables must carry a valid
row tag once the log says they are bound; beyond the tags, what the log records is replayed and
compared with the rows, both ways:

* ``holds``: each hold has its ``hold.placed`` and each such entry its hold; source, report and
  start are those it was placed with; its end is the latest of ``hold.placed`` / ``hold.renewed``;
  it is released exactly when a ``hold.released`` names it; its items (``hold_items``, with their
  roles) are those of ``hold.placed`` and ``hold.items-added``;
* ``preservation_holds``: one row per ``preservation.started`` (item, report), and no other;
* ``item_destructions``: one row per ``item.destroyed``, and no other;
* ``followups``: as many per report as ``followup.recorded`` entries name it;
* ``hash_lists``: one per ``hash-list.created``; its generation is the one the last
  ``hash-list.imported`` recorded (0 before any); it has as many segments as its row says; its
  sealed settings are the ones the latest ``hash-list.created`` / ``.settings-changed`` /
  ``.imported`` stored (``settings_sha256``), else ``older-settings`` (none recorded: noted in
  ``unrecorded_lists``, recorded once at the next verified unlock);
* ``hash_list_imports``: as many per list as ``hash-list.imported`` entries;
* ``hash_suppressions``: as many per item (or workspace-wide) as ``item.match-rejected`` /
  ``hash-list.entry-suppressed`` entries;
* ``item_matches``: every item whose latest ``item.matched`` listed matches has its row, and its
  sealed outcome is the one that entry stored (``outcome_sha256``): an older copy, which could hide
  a match, is ``older-match``. Only such items are compared: an outcome without matches is rewritten
  without an entry when only its notes change, and an older no-match copy hides nothing. A matched
  item whose entry has no digest (a workspace from before) is noted in ``unrecorded_outcomes`` and
  recorded once at the next verified unlock;
* ``submissions``: every row belongs to a report that ``submission.*`` entries name (its state is
  compared with the report's status by ``storage.reconciliation``); its sealed record is the one
  the log recorded last (``submission_sha256``: every write of the row logs it, and the row tag binds
  the record to the row's state), so an older copy of the row is ``older-submission``; a recorded
  one is missing if its row is gone. A row no entry records (written before digests) is noted in
  ``unrecorded_submissions`` and recorded once at the next verified unlock.

What is not replayed (the sealed content of a row, e.g. a hold's details, or an item's outcome
while no match is logged for it) is bound by the row tag alone: an older copy of such a row, put
back with its old valid tag, is not told apart from the current one.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterator
from sqlite3 import Connection
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.storage.reports import draft_digest
from desktop_app.core.storage.row_tags import BOUND, CHILDREN, RowTags, all_children_values

Add = Callable[[str, str, str, str], None]  # table, row id, code, message
_Rows = list[tuple[Any, ...]]
_NO_MATCHES = b'"matches":[]'
OUTCOME, SETTINGS = "outcome_sha256", "settings_sha256"  # storage.hashlists.OUTCOME_DIGEST, SETTINGS_DIGEST
_OUTCOME = b'"outcome_sha256":"'  # OUTCOME as a string: an ``item.matched`` entry
_SHA256_HEX = 64
_SUBJECT_MARKER = b',"subject":"'

KINDS = (
    EventType.HOLD_PLACED,
    EventType.HOLD_ITEMS_ADDED,
    EventType.HOLD_RENEWED,
    EventType.HOLD_RELEASED,
    EventType.PRESERVATION_STARTED,
    EventType.FOLLOWUP_RECORDED,
    EventType.HASH_LIST_CREATED,
    EventType.HASH_LIST_SETTINGS_CHANGED,
    EventType.HASH_LIST_IMPORTED,
    EventType.HASH_LIST_ENTRY_SUPPRESSED,
    EventType.ITEM_MATCH_REJECTED,
    EventType.ITEM_MATCHED,
)


class _Hold:
    __slots__ = ("source", "report", "started_at", "ends_at", "released", "items")

    def __init__(self, data: dict[str, Any]) -> None:
        self.source, self.report, self.started_at = data.get("source"), data.get("report"), data.get("started_at")
        self.ends_at: str | None = data.get("ends_at")
        self.released = False
        self.items: dict[str, str] = dict(data.get("items") or {})


class RecordReplay:
    """What the log says these tables hold, built from the entries of ``KINDS`` (and item destructions)."""

    def __init__(self) -> None:
        self.holds: dict[str, _Hold] = {}
        self.preservations: set[tuple[str, str]] = set()  # (item, report)
        self.destroyed_items: set[str] = set()
        self.followups: Counter[str] = Counter()  # report -> how many
        self.lists: dict[str, int] = {}  # list -> generation
        self.imports: Counter[str] = Counter()  # list -> how many
        self.suppressions: Counter[str | None] = Counter()  # item (None: workspace-wide) -> how many
        self.matched: dict[str, bool] = {}  # item -> whether its latest match entry listed matches
        # Report -> SHA-256 of the sealed record the log recorded last (fed by ``LogReplay``: every
        # submission write names it), and the rows found without one (a workspace from before).
        self.submission_digests: dict[str, str] = {}
        self.unrecorded_submissions: list[str] = []
        # Item -> SHA-256 of the sealed outcome its latest ``item.matched`` stored (None: an entry
        # without one), and the matched items found without one (a workspace from before).
        self.match_digests: dict[str, str | None] = {}
        self.unrecorded_outcomes: list[str] = []
        # List -> SHA-256 of the sealed settings its latest write stored (None: an entry without one).
        self.list_digests: dict[str, str | None] = {}
        self.unrecorded_lists: list[str] = []

    def feed(self, kind: EventType, plaintext: bytes) -> None:
        """Take one entry of a kind in ``KINDS``."""
        if kind is EventType.ITEM_MATCHED:  # the only frequent one: no parse
            subject = _subject(plaintext)
            self.matched[subject] = _NO_MATCHES not in plaintext
            self.match_digests[subject] = _outcome_digest(plaintext)
            return
        if kind is EventType.FOLLOWUP_RECORDED:
            self.followups[_subject(plaintext)] += 1
            return
        event = json.loads(plaintext)
        subject, data = event["subject"], event["data"]
        if kind is EventType.HOLD_PLACED:
            self.holds[subject] = _Hold(data)
        elif kind is EventType.PRESERVATION_STARTED:
            self.preservations.add((subject, data.get("report")))
        elif kind is EventType.HASH_LIST_CREATED:
            self.lists[subject] = 0
            self.list_digests[subject] = _text(data.get(SETTINGS))
        elif kind is EventType.HASH_LIST_SETTINGS_CHANGED:
            self.list_digests[subject] = _text(data.get(SETTINGS))
        elif kind is EventType.HASH_LIST_IMPORTED:
            self.imports[subject] += 1
            self.lists[subject] = int(data.get("generation", 0))
            self.list_digests[subject] = _text(data.get(SETTINGS))
        elif kind in (EventType.HASH_LIST_ENTRY_SUPPRESSED, EventType.ITEM_MATCH_REJECTED):
            self.suppressions[subject] += 1
        elif subject in self.holds:
            hold = self.holds[subject]
            if kind is EventType.HOLD_ITEMS_ADDED:
                hold.items.update(data.get("items") or {})
            elif kind is EventType.HOLD_RENEWED:
                hold.ends_at = data.get("ends_at")
            elif kind is EventType.HOLD_RELEASED:
                hold.released = True

    def note_recorded(self, event: dict[str, Any]) -> None:
        """The one-time ``report.drafts-recorded`` of a workspace from before: items' outcomes and lists' settings."""
        for field, digests in ((OUTCOME, self.match_digests), (SETTINGS, self.list_digests)):
            recorded = event["data"].get(field)
            if isinstance(recorded, dict):
                digests.update({str(k): str(v) for k, v in recorded.items()})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _outcome_digest(plaintext: bytes) -> str | None:
    """The ``outcome_sha256`` of an ``item.matched`` entry (None: logged before outcomes had one).

    Found by substring: a quote inside a JSON string is escaped, so the marker cannot occur in a value.
    """
    start = plaintext.rfind(_OUTCOME)
    if start < 0:
        return None
    start += len(_OUTCOME)
    return plaintext[start : start + _SHA256_HEX].decode()


def _subject(plaintext: bytes) -> str:
    start = plaintext.rfind(_SUBJECT_MARKER)
    if start < 0:
        return ""
    start += len(_SUBJECT_MARKER)
    return plaintext[start : plaintext.index(b'"', start)].decode()


def tagged_rows(conn: Connection, table: str, tags: RowTags, add: Add) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` whose tag is right (the others are reported as ``row-tag``)."""
    matches = tags.matcher(table)
    children = all_children_values(conn, table) if table in CHILDREN else None
    for row in conn.execute(f"SELECT {', '.join(BOUND[table])}, row_tag FROM {table}"):
        values, tag = row[:-1], row[-1]
        if children is not None:
            values += (children.get(row[0], b""),)
        if matches(values, tag):
            yield values
        else:
            what = "has no row tag" if tag is None else "does not match its row tag"
            add(table, str(row[0]), "row-tag", f"a row of {table} ({row[0]}) {what}: it was changed outside the app.")


def check_records(
    conn: Connection, log: RecordReplay, submitted: set[str], tags: RowTags, add: Add, present: list[str]
) -> int:
    """Compare the v10 tables with the log's replay; returns how many rows were read."""
    rows = 0
    for table, check in _CHECKS.items():
        if table not in present:  # only while a test builds an old-schema workspace
            continue
        bad: set[str] = set()
        add_once = _reporting_once(add, bad)
        found = list(tagged_rows(conn, table, tags, add_once))
        rows += len(found) + len(bad)
        check(conn, found, log, submitted, add_once)
    return rows


def _reporting_once(add: Add, bad: set[str]) -> Add:
    """``add`` that leaves out "missing" for a row already reported for its tag (it is there)."""

    def add_once(table: str, row_id: str, code: str, message: str) -> None:
        if code == "row-tag":
            bad.add(row_id)
        elif code == "missing-row" and row_id in bad:
            return
        add(table, row_id, code, message)

    return add_once


def _holds(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    items: dict[str, dict[str, str]] = {}
    for hold_id, item_id, role in conn.execute("SELECT hold_id, item_id, role FROM hold_items"):
        items.setdefault(hold_id, {})[item_id] = role
    for hold_id, source, report_id, started_at, ends_at, released_at, *_rest in rows:
        logged = log.holds.get(hold_id)
        if logged is None:
            add("holds", hold_id, "not-in-log", f"hold {hold_id} was never placed (not in the log).")
            continue
        if (source, report_id, started_at) != (logged.source, logged.report, logged.started_at):
            add("holds", hold_id, "wrong-hold", f"hold {hold_id} is not the hold the log placed.")
        if ends_at != logged.ends_at:
            add("holds", hold_id, "wrong-end", f"hold {hold_id} ends {ends_at} but the log says {logged.ends_at}.")
        if (released_at is not None) != logged.released:
            what = "is released but the log never released it" if released_at else "lost its recorded release"
            add("holds", hold_id, "wrong-release", f"hold {hold_id} {what}.")
        if items.get(hold_id, {}) != logged.items:
            add("hold_items", hold_id, "wrong-items", f"hold {hold_id} covers other items than the log recorded.")
    _missing("holds", {r[0] for r in rows}, set(log.holds), add)


def _preservations(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    found = {(r[0], r[1]) for r in rows}
    for item_id, report_id in sorted(found - log.preservations):
        add("preservation_holds", f"{item_id}/{report_id}", "not-in-log", f"the preservation of item {item_id} "
            f"for report {report_id} was never started (not in the log).")
    for item_id, report_id in sorted(log.preservations - found):
        add("preservation_holds", f"{item_id}/{report_id}", "missing-row", f"the preservation of item {item_id} "
            f"for report {report_id} recorded in the log is missing.")


def _destructions(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    found = {r[0] for r in rows}
    for item_id in sorted(found - log.destroyed_items):
        add("item_destructions", item_id, "not-in-log", f"item {item_id} is recorded as destroyed; the log disagrees.")
    _missing("item_destructions", found, log.destroyed_items, add)


def _followups(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    _counts("followups", Counter(r[1] for r in rows), log.followups, "report", add)


def _lists(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    segments = dict(conn.execute("SELECT list_id, count(*) FROM hash_list_segments GROUP BY list_id").fetchall())
    for list_id, _created, _updated, generation, count, settings_ct, *_children in rows:
        if list_id not in log.lists:
            add("hash_lists", list_id, "not-in-log", f"hash list {list_id} was never created (not in the log).")
        elif generation != log.lists[list_id]:
            add("hash_lists", list_id, "wrong-generation", f"hash list {list_id} holds import {generation} but "
                f"the log's last import is {log.lists[list_id]}.")
        elif (logged := log.list_digests.get(list_id)) is None:
            log.unrecorded_lists.append(list_id)  # a workspace from before: recorded once at unlock
        elif draft_digest(settings_ct) != logged:
            add("hash_lists", list_id, "older-settings", f"the settings of hash list {list_id} are not the version "
                "the log recorded last (an older copy was put back?).")
        if segments.get(list_id, 0) != count:
            add("hash_list_segments", list_id, "missing-row", f"hash list {list_id} has {segments.get(list_id, 0)} "
                f"of its {count} sealed parts.")
    _missing("hash_lists", {r[0] for r in rows}, set(log.lists), add)


def _imports(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    _counts("hash_list_imports", Counter(r[1] for r in rows), log.imports, "hash list", add)


def _suppressions(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    _counts("hash_suppressions", Counter(r[2] for r in rows), log.suppressions, "item", add)


def _matches(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    wanted = {item for item, matched in log.matched.items() if matched}
    for item_id, _matched_at, outcome_ct in rows:
        if item_id not in wanted:  # no match logged last: any no-match version may stand (nothing hidden)
            continue
        logged = log.match_digests.get(item_id)
        if logged is None:
            log.unrecorded_outcomes.append(item_id)  # a workspace from before: recorded once at unlock
        elif draft_digest(outcome_ct) != logged:
            add("item_matches", item_id, "older-match", f"the hash-list matches of item {item_id} are not the "
                "version the log recorded last (an older copy was put back?).")
    _missing("item_matches", {r[0] for r in rows}, wanted, add)


def _submissions(conn: Connection, rows: _Rows, log: RecordReplay, submitted: set[str], add: Add) -> None:
    for report_id, *_rest, record_ct, _draft_ct in rows:
        logged = log.submission_digests.get(report_id)
        if report_id not in submitted:
            add("submissions", report_id, "not-in-log", f"report {report_id} has a submission the log never recorded.")
        elif logged is None:
            log.unrecorded_submissions.append(report_id)  # a workspace from before: recorded once at unlock
        elif draft_digest(record_ct) != logged:
            add("submissions", report_id, "older-submission", f"the submission of report {report_id} is not the "
                "version the log saved last (an older copy was put back?).")
    _missing("submissions", {r[0] for r in rows}, set(log.submission_digests), add)


def _counts(table: str, found: Counter[Any], logged: Counter[Any], owner: str, add: Add) -> None:
    for key in sorted(set(found) | set(logged), key=str):
        if found[key] != logged[key]:
            whose = f"{owner} {key}" if key is not None else "the whole workspace"
            add(table, str(key), "wrong-count", f"{table} has {found[key]} rows for {whose}; the log recorded "
                f"{logged[key]}.")


def _missing(table: str, found: set[str], logged: set[str], add: Add) -> None:
    for row_id in sorted(logged - found):
        add(table, row_id, "missing-row", f"a row of {table} ({row_id}) recorded in the log is missing.")


_CHECKS = {
    "submissions": _submissions,
    "preservation_holds": _preservations,
    "holds": _holds,
    "item_destructions": _destructions,
    "followups": _followups,
    "hash_list_segments": lambda *_: None,  # bound into their list's tag; counted with the list
    "hash_lists": _lists,
    "hash_list_imports": _imports,
    "hash_suppressions": _suppressions,
    "item_matches": _matches,
}
