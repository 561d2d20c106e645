"""The digests the custody log recorded last for the rows held to their logged version.

Each report's draft and the reporter profile (``services.report_versions``), each report's
submission record (the receipt a bundle packs), each item's stored matches and each hash list's
settings (``services.match_outcomes``): a row is held to its digest before it leaves the
workspace, fills a draft, goes into a report or drives matching. Reading the whole log for that
took about 0.2 s of CPU at 100,000 entries (benchmarks/as_logged_bench.py), on every export,
submission plan, new draft and matching run, and on an affected SQLite the read holds the
database lock the whole time. So one ``LoggedDigests``
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

import sqlite3
import threading
from collections.abc import Iterable

from desktop_app.core.storage.custody_log import CustodyLog, EntryChanged
from desktop_app.core.storage.log_replay import LoggedVersions


class LoggedDigests:
    """The digests the log recorded last (a ``LoggedVersions``), read incrementally.

    Safe to share between threads: the workers' reads may run at once, each in its own snapshot.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mark: tuple[int, bytes] | None = None  # (seq, entry hash) of the last entry read
        self._versions = LoggedVersions()
        self.entries_read = 0  # entries decrypted so far (what the benchmark and the tests count)

    def draft(self, conn: sqlite3.Connection, log: CustodyLog, report_id: str) -> str | None:
        """The SHA-256 of the report's sealed draft the log recorded last (None: none recorded)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._versions.drafts.get(report_id)

    def profile(self, conn: sqlite3.Connection, log: CustodyLog) -> str | None:
        """The SHA-256 of the sealed reporter profile the log recorded last (None: none recorded)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._versions.profile

    def submission(self, conn: sqlite3.Connection, log: CustodyLog, report_id: str) -> str | None:
        """The SHA-256 of the report's sealed submission record the log recorded last (None: none)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._versions.submissions.get(report_id)

    def outcomes(self, conn: sqlite3.Connection, log: CustodyLog) -> dict[str, str | None]:
        """Item -> the digest of its stored matches, for items whose latest ``item.matched`` listed matches."""
        with self._lock:
            self._catch_up(conn, log)
            return self._versions.outcomes()

    def list_settings(self, conn: sqlite3.Connection, log: CustodyLog) -> dict[str, str | None]:
        """List -> the digest of its sealed settings the log recorded last (None: none recorded)."""
        with self._lock:
            self._catch_up(conn, log)
            return self._versions.list_settings()

    def forget(self) -> None:
        """Drop what was read (the workspace locked): the next read starts from the first entry."""
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        self._mark, self._versions = None, LoggedVersions()

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
                self._versions.feed(last[1])
        except BaseException:
            # An entry that fails to open goes to the caller, as with the whole read; so will the
            # next read, which starts from the first entry again.
            self._reset()
            raise
        if last is not None:
            self._mark = (last[0], last[2])
        self.entries_read += count
