"""Schema v10 (issue 15): row tags for the submission, lifecycle and hash-list tables.

Schema v8 bound the queue, the vault's records and the reports. These tables hold facts the custody
record must prove as well: where a report stands with NCMEC (``submissions``), what must be kept and
until when (``preservation_holds``, ``holds`` with ``hold_items``, ``item_destructions``), what
happened after a report (``followups``), and which lists an item matched (``hash_lists`` and their
segments, imports, suppressions, ``item_matches``). Like v8, the migration only adds the empty
column (it runs before any key is available); the rows get their tags at the first unlock whose
verification passed, logged as ``storage.rows-bound`` naming these tables (``row_tags``).
"""

import sqlite3

V10_TABLES = (
    "submissions",
    "preservation_holds",
    "holds",
    "item_destructions",
    "followups",
    "hash_list_segments",
    "hash_lists",
    "hash_list_imports",
    "hash_suppressions",
    "item_matches",
)


def v10_more_row_tags(conn: sqlite3.Connection) -> None:
    """Schema v10: a ``row_tag`` column on each table of ``V10_TABLES`` (filled at the next verified unlock)."""
    for table in V10_TABLES:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN row_tag BLOB")
