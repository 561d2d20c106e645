"""Schema v7 (issue 12): hash lists, their imports, their sealed contents, suppressions, item matches.

The seventh entry of ``schema.MIGRATIONS`` (``v7_hashlists``). Lists are
shared under agreement, so nothing about an entry is in clear: a list's contents are sealed in
segments of up to a million entries, each bound to the list, the list's generation (bumped by
every import) and the segment's place among all of them, so segments cannot be dropped, reordered
or mixed with an older import's. Suppressions name their entry by a blind index (HMAC) so they
apply across lists and survive list updates without a plaintext hash in the file.
"""

import sqlite3

_SCHEMA = """
CREATE TABLE hash_lists (
    list_id TEXT PRIMARY KEY,       -- random, 32 hex digits
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    generation INTEGER NOT NULL,    -- bumped by every import; bound into each segment's AD
    segments INTEGER NOT NULL,      -- how many segments the current generation has
    settings_ct BLOB NOT NULL       -- sealed JSON: name, source, licence note, PDQ threshold, enabled, counts
) STRICT;

CREATE TABLE hash_list_imports (
    import_id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES hash_lists (list_id) ON DELETE CASCADE,
    imported_at TEXT NOT NULL,
    summary_ct BLOB NOT NULL        -- sealed JSON: file name, format, counts, bad rows
) STRICT;
CREATE INDEX hash_list_imports_by_list ON hash_list_imports (list_id, imported_at);

CREATE TABLE hash_list_segments (
    list_id TEXT NOT NULL REFERENCES hash_lists (list_id) ON DELETE CASCADE,
    segment_no INTEGER NOT NULL,
    segment_ct BLOB NOT NULL,       -- sealed packed entries (see core/hashlists/contents.py)
    PRIMARY KEY (list_id, segment_no)
) STRICT;

CREATE TABLE hash_suppressions (
    suppression_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    item_id TEXT,                   -- NULL: the entry is suppressed for the whole workspace
    entry_index BLOB NOT NULL,      -- blind index of 'algorithm:value'
    detail_ct BLOB NOT NULL         -- sealed JSON: the entry, the list it was seen in, the reason
) STRICT;
CREATE INDEX hash_suppressions_by_entry ON hash_suppressions (entry_index);

CREATE TABLE item_matches (
    item_id TEXT PRIMARY KEY,       -- no foreign key: the items table is migrated separately
    matched_at TEXT NOT NULL,
    outcome_ct BLOB NOT NULL        -- sealed JSON: every match (list, entry, algorithm, distance) and notes
) STRICT;
"""


def v7_hashlists(conn: sqlite3.Connection) -> None:
    """Create the hash-list tables (runs inside the migration's write transaction)."""
    for statement in _SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
