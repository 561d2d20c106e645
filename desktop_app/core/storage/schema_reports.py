"""Schema v3 (issue 4): report drafts, the accounts they name, and the reporter profile.

Appended to ``schema.MIGRATIONS`` as ``v3_reports``. The same rules as the queue's tables: clear
columns only for ids and times (what lists sort on; they say nothing about people or content),
everything else sealed JSON bound to its cell (``FieldCipher``). Which accounts a report names is
kept as blind indexes (HMACs), so "earlier reports about this account" is one indexed lookup
without a plaintext account id in the file.
"""

import sqlite3

_V3 = """
CREATE TABLE reports (
    report_id TEXT PRIMARY KEY,     -- random, 32 hex digits
    created_at TEXT NOT NULL,       -- ISO 8601 UTC, sorts as text
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,           -- 'draft'; submission states come with the submission flow
    draft_ct BLOB NOT NULL          -- sealed JSON: the draft, viewed-flag overrides, NCMEC's report id
) STRICT;
CREATE INDEX reports_by_updated_at ON reports (updated_at, report_id);

CREATE TABLE report_accounts (
    report_id TEXT NOT NULL REFERENCES reports (report_id) ON DELETE CASCADE,
    account_index BLOB NOT NULL,    -- blind index of one reported account (account ID or screen name)
    PRIMARY KEY (report_id, account_index)
) STRICT;
CREATE INDEX report_accounts_by_index ON report_accounts (account_index);

CREATE TABLE reporter_profile (
    profile_id INTEGER PRIMARY KEY CHECK (profile_id = 1),
    updated_at TEXT NOT NULL,
    profile_ct BLOB NOT NULL        -- sealed JSON: the <reporter> element the reports start from
) STRICT;
"""


def v3_reports(conn: sqlite3.Connection) -> None:
    """Create the report tables (runs inside the migration's write transaction)."""
    for statement in _V3.split(";\n"):
        if statement.strip():
            conn.execute(statement)
