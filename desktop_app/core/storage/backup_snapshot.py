"""A consistent copy of the workspace database while the app keeps working: SQLite's online backup.

The copy is taken in memory from a reader connection in one step (all pages at once), so it is a
single transaction's view: every blob it references was already renamed into place when its row
committed, and blobs committed later are simply not part of this backup.
"""

import sqlite3
from contextlib import closing


def snapshot(source: sqlite3.Connection) -> tuple[bytes, list[str]]:
    """The whole database as one consistent image (a database file's bytes) and the blobs it references."""
    with closing(sqlite3.connect(":memory:")) as copy:
        source.backup(copy)
        ids = [str(row[0]) for row in copy.execute("SELECT blob_id FROM blobs ORDER BY blob_id")]
        return copy.serialize(), ids
