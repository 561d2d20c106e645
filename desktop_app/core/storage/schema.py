"""Forward-only schema migrations. Append new ones; never edit a released one.

Each migration runs in its own write transaction and bumps ``PRAGMA user_version``.
Sensitive values are never stored in the clear: ``*_ct`` columns hold AES-GCM ciphertext bound
to their table, column and row; ``*_index`` columns hold keyed HMACs (blind indexes) so
duplicate lookups need neither plaintext names nor plaintext hashes.
"""

import sqlite3

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


MIGRATIONS = [_v1]
