"""The tables as the custody log describes them: one replay of the log, fed entry by entry.

``reconciliation.reconcile`` compares this replay with the rows (the rules are in that module's
docstring). The replay is fed by the log's own verification pass, so it must be cheap per entry:
most entries are classified by substring tests and read without a JSON parse (``entry_scan``).
"""

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.storage.custody_log import CustodyLog
from desktop_app.core.storage.entry_scan import flat_added, subject_of
from desktop_app.core.storage.reconciliation_records import KINDS as RECORD_KINDS
from desktop_app.core.storage.reconciliation_records import RecordReplay

_TYPE_MARKER = b'"type":"'
_SUBJECT_MARKER = b',"subject":'
_TO_MARKER = b'"to":"'
_SUBMISSION_PREFIX = b"submission."
_DRAFT_MARKER = b'"draft_sha256":'  # storage.reports.DRAFT_DIGEST: a write of a report's sealed draft
_PROFILE_MARKER = b'"profile_sha256":'  # storage.reports.PROFILE_DIGEST: a write of the sealed reporter profile
_SUBMISSION_MARKER = b'"submission_sha256":'  # storage.submissions.SUBMISSION_DIGEST: a submission write
_DIGEST_MARKER = b'_sha256":'  # in each of the three above, and in the one-time record's
# "type" is the last member of canonical JSON: an entry's kind is told by its end, without a scan.
_RECORDED_END = f'"type":"{EventType.REPORT_DRAFTS_RECORDED}"}}'.encode()
_ITEM_MATCHED_END = f'"type":"{EventType.ITEM_MATCHED}"}}'.encode()
_LIST_WRITES = {
    f'"type":"{kind}"}}'.encode(): kind
    for kind in (EventType.HASH_LIST_CREATED, EventType.HASH_LIST_SETTINGS_CHANGED, EventType.HASH_LIST_IMPORTED)
}
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
        self.drafts: dict[str, str] = {}  # report id -> SHA-256 of the sealed draft the log recorded last
        self.unrecorded_drafts: list[str] = []  # reports whose row no entry records (filled by ``reconcile``)
        self.submitted: set[str] = set()  # reports with submission entries: status is the submission's state
        self.submission_states: dict[str, str] = {}  # filled from the submissions table by ``reconcile``
        self.profiles: set[int] = set()  # {1} once a reporter profile was saved
        self.profile_digest: str | None = None  # SHA-256 of the sealed profile the log recorded last
        self.unrecorded_profile = False  # the profile row exists and no entry records it (set by ``reconcile``)
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
        if _DRAFT_MARKER in plaintext:  # report saves: rare next to the queue's entries
            note_drafts(self.drafts, json.loads(plaintext))
        if _PROFILE_MARKER in plaintext:  # profile saves: rarer still
            self.profile_digest = note_profile(self.profile_digest, json.loads(plaintext))
        if _SUBMISSION_MARKER in plaintext:  # two per call to NCMEC: few next to the queue's entries
            note_digests(self.records.submission_digests, "submission_sha256", json.loads(plaintext))
        if plaintext.endswith(_RECORDED_END):  # the one-time record of a workspace from before
            self.records.note_recorded(json.loads(plaintext))
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


def note_drafts(drafts: dict[str, str], event: dict[str, Any]) -> None:
    """A report write names its draft's digest; ``report.drafts-recorded`` maps several reports to theirs."""
    digest = event["data"].get("draft_sha256")
    if isinstance(digest, dict):
        drafts.update({str(k): str(v) for k, v in digest.items()})
    elif isinstance(digest, str) and event.get("subject"):
        drafts[event["subject"]] = digest


def note_digests(digests: dict[str, str], field: str, event: dict[str, Any]) -> None:
    """A row's write names its sealed content's digest in ``field``; a one-time record maps several rows to theirs.

    The same shape as ``note_drafts``, for the rows recorded since (submissions).
    """
    digest = event["data"].get(field)
    if isinstance(digest, dict):
        digests.update({str(k): str(v) for k, v in digest.items()})
    elif isinstance(digest, str) and event.get("subject"):
        digests[event["subject"]] = digest


def note_profile(current: str | None, event: dict[str, Any]) -> str | None:
    """``reporter-profile.saved`` or ``report.drafts-recorded`` names the sealed profile's digest."""
    digest = event["data"].get("profile_sha256")
    return digest if isinstance(digest, str) else current


class LoggedVersions:
    """The digests the log recorded last, in a fold the log can be fed to a piece at a time.

    Only what the checks before acting on a row need (``storage.logged_digests`` feeds it the
    entries appended since its last read), so it costs less per entry than ``LogReplay``, which
    reads the same digests for the reconciliation; the tests hold the two to the same answers.
    """

    def __init__(self) -> None:
        self.drafts: dict[str, str] = {}
        self.profile: str | None = None
        self.submissions: dict[str, str] = {}
        self._records = RecordReplay()

    def feed(self, plaintext: bytes) -> None:
        """Take the next entry's plaintext (in log order)."""
        if plaintext.endswith(_ITEM_MATCHED_END):  # the frequent kind: read without a parse
            self._records.feed(EventType.ITEM_MATCHED, plaintext)
            return
        kind = _LIST_WRITES.get(plaintext[plaintext.rfind(b'"type":') :])
        if kind is not None:
            self._records.feed(kind, plaintext)
            return
        if _DIGEST_MARKER not in plaintext:  # most entries name no digest at all
            return
        event = json.loads(plaintext)
        if _DRAFT_MARKER in plaintext:
            note_drafts(self.drafts, event)
        if _PROFILE_MARKER in plaintext:
            self.profile = note_profile(self.profile, event)
        if _SUBMISSION_MARKER in plaintext:
            note_digests(self.submissions, "submission_sha256", event)
        if plaintext.endswith(_RECORDED_END):
            self._records.note_recorded(event)

    def outcomes(self) -> dict[str, str | None]:
        """Item -> the digest of its stored matches, for items whose latest ``item.matched`` listed matches."""
        records = self._records
        return {item: records.match_digests.get(item) for item, matched in records.matched.items() if matched}

    def list_settings(self) -> dict[str, str | None]:
        """List -> the digest of its sealed settings the log recorded last (None: none recorded)."""
        return dict(self._records.list_digests)


def replay_log(conn: sqlite3.Connection, log: CustodyLog) -> LogReplay:
    """A replay of the whole log on its own (when no verification pass feeds one)."""
    replay = LogReplay()
    for seq, plaintext in log.plaintexts(conn):
        replay.feed(seq, plaintext)
    return replay
