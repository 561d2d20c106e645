"""The digests the custody log recorded last for each report's draft and for the reporter profile.

``services.report_versions`` holds a row to them before it leaves the workspace (an export, a
submission) or fills a draft (the profile). Reading the whole log for that took about 0.2 s of CPU
at 100,000 entries (benchmarks/as_logged_bench.py), on every export, submission plan and new draft,
and on an affected SQLite the read holds the database lock the whole time. So one ``LoggedDigests``
per open workspace keeps what it read with a mark (the seq and stored hash of the last entry read),
and each read decrypts only the entries after the mark (``CustodyLog.plaintexts_since``).

Sound as the whole read is: the entries it kept were authenticated when read, and new entries are
authenticated against the mark's hash, so they continue the history it read. When the marked entry
is gone or different (the log was cut, rolled back, or rolled back and grown again), it reads the
whole log again. Entries before the mark are not read again, so damage done to them afterwards is
not raised here as the whole read raised it: finding it is the log's verification's job (every
unlock, ``log verify``), and the digests kept are what those entries held when they were
authenticated. Rows are never kept: each check compares the row as it is now.
"""

import json
import sqlite3
import threading
from collections.abc import Iterable

from desktop_app.core.storage.custody_log import CustodyLog, EntryChanged
from desktop_app.core.storage.log_replay import note_drafts, note_profile
from desktop_app.core.storage.reports import DRAFT_DIGEST, PROFILE_DIGEST

_DIGEST_MARKER = b'_sha256":'  # in both below: one substring test for the common entry, which has neither
_DRAFT_MARKER = f'"{DRAFT_DIGEST}":'.encode()
_PROFILE_MARKER = f'"{PROFILE_DIGEST}":'.encode()


class LoggedDigests:
    """Report id -> draft digest and the profile digest the log recorded last, read incrementally.

    Safe to share between threads: the workers' reads may run at once, each in its own snapshot.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mark: tuple[int, bytes] | None = None  # (seq, entry hash) of the last entry read
        self._drafts: dict[str, str] = {}
        self._profile: str | None = None
        self.entries_read = 0  # entries decrypted so far (what the benchmark and the tests count)

    def draft(self, conn: sqlite3.Connection, log: CustodyLog, report_id: str) -> str | None:
        """The SHA-256 of the report's sealed draft the log recorded last (None: none recorded)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._drafts.get(report_id)

    def profile(self, conn: sqlite3.Connection, log: CustodyLog) -> str | None:
        """The SHA-256 of the sealed reporter profile the log recorded last (None: none recorded)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._profile

    def forget(self) -> None:
        """Drop what was read (the workspace locked): the next read starts from the first entry."""
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        self._mark, self._drafts, self._profile = None, {}, None

    def _catch_up(self, conn: sqlite3.Connection, log: CustodyLog) -> None:
        try:
            self._feed(log.plaintexts_since(conn, self._mark))
        except EntryChanged:
            self._reset()
            self._feed(log.plaintexts_since(conn, None))

    def _feed(self, entries: Iterable[tuple[int, bytes, bytes]]) -> None:
        last, count = None, 0
        try:
            for count, last in enumerate(entries, 1):  # noqa: B007 (the last entry is the new mark)
                plaintext = last[1]
                if _DIGEST_MARKER in plaintext and (_DRAFT_MARKER in plaintext or _PROFILE_MARKER in plaintext):
                    event = json.loads(plaintext)
                    note_drafts(self._drafts, event)
                    self._profile = note_profile(self._profile, event)
        except BaseException:
            # An entry that fails to open goes to the caller, as with the whole read; so will the
            # next read, which starts from the first entry again.
            self._reset()
            raise
        if last is not None:
            self._mark = (last[0], last[2])
        self.entries_read += count
