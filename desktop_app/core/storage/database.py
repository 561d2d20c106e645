"""The workspace database: one SQLite file, one writer, versioned forward-only migrations.

All writes go through ``WorkspaceDatabase.write()``: one connection, a lock, ``BEGIN IMMEDIATE``
(a deferred transaction would let two writers both read the log head and then fail on upgrade).

Journal mode and readers. WAL with ``synchronous=FULL`` needs one fsync per commit, where the
rollback journal needs two or more (measured here: 771 vs several thousand durable custody-log
appends a second). But SQLite 3.7.0-3.51.2 has the WAL-reset bug (decisions.md §2): a commit on
one connection racing a checkpoint on another can corrupt the file. The bug needs two connections,
so on an affected SQLite ``read()`` hands out the writer connection itself (under the lock) and the
instance lock keeps other processes out: one connection in total. Where the linked SQLite carries
the fix, readers get short-lived connections of their own and never wait for a writer.
"""

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from desktop_app.core.errors import DatabaseTooNew, UnsupportedSqlite, WorkspaceDamaged
from desktop_app.core.platform.files import PRIVATE_FILE_MODE, private_file, tighten

Migration = Callable[[sqlite3.Connection], None]
MIN_SQLITE = (3, 35, 0)  # STRICT tables need 3.37; checked separately for a clear message
BUSY_TIMEOUT_MS = 5000


def sqlite_version() -> tuple[int, int, int]:
    """The version of the SQLite library Python is linked against."""
    major, minor, patch = (int(p) for p in sqlite3.sqlite_version.split(".")[:3])
    return major, minor, patch


def wal_is_safe(version: tuple[int, int, int]) -> bool:
    """Whether ``version`` is free of the WAL-reset bug (fixed in 3.51.3, backported to 3.44.6, 3.50.7)."""
    if version >= (3, 51, 3):
        return True
    return (3, 44, 6) <= version < (3, 45, 0) or (3, 50, 7) <= version < (3, 51, 0)


# SQLite's primary result codes for a file that is not (or no longer) a sound database.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged (as opposed to busy, full or misused)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return any(words in str(error) for words in ("malformed", "not a database"))


def damaged(path: Path, error: sqlite3.Error) -> WorkspaceDamaged:
    """The typed error for a damaged database file, with what to do about it."""
    return WorkspaceDamaged(
        f"The workspace database {path.name} is damaged (SQLite: {error}); the command stopped. Restore the "
        "workspace folder from a backup; keep this copy for examination, and do not run SQLite repair tools "
        "on it, because they rewrite evidence records."
    )


@contextmanager
def damage_is_typed(path: Path) -> Iterator[None]:
    """Turn SQLite's "malformed" and "not a database" errors inside the block into ``WorkspaceDamaged``."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            raise damaged(path, error) from error
        raise


class WorkspaceDatabase:
    """Owns the workspace database file and its single writer connection.

    SQLite reporting the file itself damaged (a malformed page, a file that is not a database)
    surfaces as ``WorkspaceDamaged`` from opening, ``read()`` and ``write()``.
    """

    def __init__(self, path: Path, migrations: Sequence[Migration]) -> None:
        version = sqlite_version()
        if version < (3, 37, 0):
            raise UnsupportedSqlite(
                f"This Python links SQLite {sqlite3.sqlite_version}; Evidence Desk needs 3.37 or newer. "
                "Install a current Python build."
            )
        self.path = path
        self.journal_mode = "wal"
        self.separate_readers = wal_is_safe(version)
        self._lock = threading.RLock()
        self._closed = False
        # Owner-only before SQLite sees it: SQLite gives -wal and -shm the database file's permissions.
        private_file(path)
        for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            tighten(companion, PRIVATE_FILE_MODE)
        with damage_is_typed(path):
            self._conn = self._connect()
            try:
                self._conn.execute("PRAGMA journal_mode=wal")
                self._migrate(migrations)
            except BaseException:
                self._conn.close()
                raise

    def _connect(self, *, read_only: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")  # deleted wrapped keys are zeroed, not left in free pages
        conn.execute("PRAGMA trusted_schema=OFF")
        if read_only:
            conn.execute("PRAGMA query_only=ON")
        return conn

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version``."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        current, target = self.schema_version, len(migrations)
        if current > target:
            raise DatabaseTooNew(
                f"This workspace was written by a newer Evidence Desk (schema {current}; this version "
                f"knows {target}). Install the newer version; nothing was changed."
            )
        if current and current < target:
            self._backup(f"pre-migration-v{current}")
        for number in range(current, target):
            with self.write() as conn:
                migrations[number](conn)
                conn.execute(f"PRAGMA user_version={number + 1}")

    def _backup(self, label: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.stem}.{label}.{stamp}.bak")
        private_file(target)
        with self._lock, sqlite3.connect(target) as dest:
            self._conn.backup(dest)
        return target

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the writer connection; rolled back on any exception."""
        with self._lock, damage_is_typed(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """A connection for queries, wrapped in sqlite-utils. Never write through it."""
        if not self.separate_readers:
            with self._lock, damage_is_typed(self.path):
                yield sqlite_utils.Database(self._conn, recursive_triggers=False)
            return
        with damage_is_typed(self.path):
            conn = self._connect(read_only=True)
            try:
                yield sqlite_utils.Database(conn, recursive_triggers=False)
            finally:
                conn.close()

    def fold_wal(self) -> bool:
        """Fold the WAL into the main file and empty it; False if a reader kept some of it.

        After a cryptographic erase this leaves no earlier page image (a wrapped key) in the WAL.
        """
        with self._lock:
            busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy

    def integrity_check(self) -> str:
        """SQLite's own structural check; ``"ok"`` when sound."""
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        """Fold the WAL into the main file and close the writer (idempotent)."""
        with self._lock:
            if self._closed:
                return
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as error:
                if not is_damage(error):
                    raise
                # Closing must not replace the error that found the damage; the WAL stays as it is.
            finally:
                self._conn.close()
                self._closed = True


def copy_database(source: Path, target: Path) -> None:
    """Copy a closed database file and its journal files (used by tests and support tooling)."""
    for suffix in ("", "-wal", "-journal"):
        candidate = Path(str(source) + suffix)
        if candidate.exists():
            shutil.copy2(candidate, Path(str(target) + suffix))
