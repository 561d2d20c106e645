"""Forward-only schema migrations. Append new ones; never edit a released one.

Each migration runs in its own write transaction and bumps ``PRAGMA user_version``.
Sensitive values are never stored in the clear: ``*_ct`` columns hold AES-GCM ciphertext bound
to their table, column and row; ``*_index`` columns hold keyed HMACs (blind indexes) so
duplicate lookups need neither plaintext names nor plaintext hashes.
"""

import sqlite3

from desktop_app.core.storage.bundle_recipients import v6_bundle_recipients
from desktop_app.core.storage.holds import v9_holds
from desktop_app.core.storage.ncmec_schemas import v4_ncmec_schemas
from desktop_app.core.storage.row_tags import v8_row_tags
from desktop_app.core.storage.row_tags_v10 import v10_more_row_tags
from desktop_app.core.storage.schema_hashlists import v7_hashlists
from desktop_app.core.storage.schema_reports import v3_reports
from desktop_app.core.storage.submissions import v5_submissions

_V1 = """
CREATE TABLE workspace_meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE key_slots (
    kind TEXT PRIMARY KEY,          -- 'passphrase' | 'recovery'
    kdf TEXT NOT NULL,              -- canonical JSON of the KDF parameters ('' for recovery)
    wrapped BLOB NOT NULL           -- AES-GCM(KEK, master key), AD binds kind, workspace id, kdf
) STRICT;

CREATE TABLE blobs (
    blob_id TEXT PRIMARY KEY,       -- random; also the file name under blobs/
    wrapped_key BLOB NOT NULL,      -- AES-GCM(dek-wrap subkey, file key), AD binds blob_id
    sha256_index BLOB NOT NULL,     -- HMAC(blind-index subkey, sha256)
    meta_ct BLOB NOT NULL,          -- sealed JSON: size, sha256, stored_at
    stored_size INTEGER NOT NULL    -- bytes on disk, checked by the start-up sweep
) STRICT;
CREATE INDEX blobs_by_sha256 ON blobs (sha256_index);

CREATE TABLE log_entries (
    seq INTEGER PRIMARY KEY,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    entry_hash BLOB NOT NULL
) STRICT;

CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    head_hash BLOB NOT NULL,
    mac BLOB NOT NULL
) STRICT;

CREATE TABLE log_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL              -- the signed C2SP checkpoint note, verbatim
) STRICT;

-- Guards against our own bugs, not attackers (who can drop triggers): the log is append-only.
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
    BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
    BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";\n"):
        if statement.strip():
            conn.execute(statement)


# v2 (issue 3): the intake queue. Clear columns only for what must sort or filter cheaply and says
# nothing about content or people: ids, kind, review state, time added. Names, sizes, digests,
# outcomes, platform metadata, decoding results and dismissal reasons are sealed JSON (FieldCipher,
# bound to table, column and row). ``blob_id`` is UNIQUE because duplicates are one item with
# several sources; NULL (many allowed) for items with no content (links, devices, unread files),
# and set to NULL when the blob is destroyed so the item's record and history survive the erase.
_V2 = """
CREATE TABLE items (
    item_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,             -- ItemKind
    state TEXT NOT NULL,            -- ReviewState
    added_at TEXT NOT NULL,         -- ISO 8601 UTC, sorts as text
    blob_id TEXT UNIQUE REFERENCES blobs (blob_id) ON DELETE SET NULL,
    meta_ct BLOB NOT NULL,          -- sealed JSON: names (bytes as base64), size, digests, outcome, link target
    analysis_ct BLOB,               -- sealed JSON: MediaAnalysis, NULL until decoded
    review_ct BLOB                  -- sealed JSON: dismissal reason, NULL when there is none
) STRICT;
CREATE INDEX items_by_added_at ON items (added_at, item_id);
CREATE INDEX items_by_state ON items (state);

CREATE TABLE item_sources (
    source_id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (item_id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    source_index BLOB NOT NULL,     -- blind index of the whole source: the same place is not added twice
    source_ct BLOB NOT NULL         -- sealed JSON: path (bytes as base64), platform metadata, extra
) STRICT;
CREATE INDEX item_sources_by_item ON item_sources (item_id, added_at);
CREATE INDEX item_sources_by_index ON item_sources (source_index);
"""


def _run(script: str, conn: sqlite3.Connection) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    _run(_V2, conn)


# v3 (issue 4): report drafts and the reporter profile; v4: NCMEC's XSDs; v5 (issue 9): submissions
# and preservation holds; v6 (issue 10): bundle recipients; v7 (issue 12): hash lists; v8 (issue 15):
# row tags binding the links between rows; v9 (issue 11): holds, destructions, follow-ups; v10 (issue
# 15): row tags for the submission, lifecycle and hash-list tables. Each is kept beside the storage
# code that owns it.
MIGRATIONS = [
    _v1,
    _v2,
    v3_reports,
    v4_ncmec_schemas,
    v5_submissions,
    v6_bundle_recipients,
    v7_hashlists,
    v8_row_tags,
    v9_holds,
    v10_more_row_tags,
]
