"""Schema v4: the XSDs fetched from NCMEC's ``/xsd``, one row per distinct version.

The schema is not secret, but what it says decides whether a report is sent, so it is sealed like
every other column (``FieldCipher``): a cached XSD edited on disk fails to open instead of quietly
loosening validation. Clear columns hold only what the list sorts on. The newest fetch is the one
in force; older versions stay, so a report's validation can always be traced to the bytes used.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.storage.fields import FieldCipher

_V4 = """
CREATE TABLE ncmec_schemas (
    sha256 TEXT PRIMARY KEY,        -- of the XSD bytes as NCMEC sent them
    fetched_at TEXT NOT NULL,       -- ISO 8601 UTC of the latest fetch that returned these bytes
    endpoint TEXT NOT NULL,         -- the CyberTipline address it came from
    xsd_ct BLOB NOT NULL            -- sealed: the XSD bytes
) STRICT;
CREATE INDEX ncmec_schemas_by_fetched_at ON ncmec_schemas (fetched_at);
"""


def v4_ncmec_schemas(conn: sqlite3.Connection) -> None:
    """Create the schema cache (runs inside the migration's write transaction)."""
    for statement in _V4.split(";\n"):
        if statement.strip():
            conn.execute(statement)


@dataclass(frozen=True)
class StoredSchema:
    """One cached XSD."""

    sha256: str
    fetched_at: datetime
    endpoint: str
    data: bytes


class SchemaStore:
    """Reads and writes the cache on the caller's connection (writes commit with their log entry)."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    def put(self, conn: sqlite3.Connection, schema: StoredSchema) -> bool:
        """Store ``schema``, or move an identical one's fetch time forward; True if the bytes are new."""
        known = conn.execute("SELECT 1 FROM ncmec_schemas WHERE sha256 = ?", (schema.sha256,)).fetchone()
        if known is not None:
            self._fields.rows.check_stored(conn, "ncmec_schemas", schema.sha256)
            conn.execute(
                "UPDATE ncmec_schemas SET fetched_at = ?, endpoint = ? WHERE sha256 = ?",
                (schema.fetched_at.isoformat(), schema.endpoint, schema.sha256),
            )
            self._fields.rows.retag(conn, "ncmec_schemas", schema.sha256)
            return False
        sealed = self._fields.seal("ncmec_schemas", "xsd_ct", schema.sha256, schema.data)
        conn.execute(
            "INSERT INTO ncmec_schemas (sha256, fetched_at, endpoint, xsd_ct) VALUES (?, ?, ?, ?)",
            (schema.sha256, schema.fetched_at.isoformat(), schema.endpoint, sealed),
        )
        self._fields.rows.retag(conn, "ncmec_schemas", schema.sha256)
        return True

    def latest(self, conn: sqlite3.Connection) -> StoredSchema | None:
        """The most recently fetched XSD, or None if none was ever fetched."""
        row = conn.execute(
            "SELECT sha256, fetched_at, endpoint, xsd_ct, row_tag FROM ncmec_schemas ORDER BY fetched_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        self._fields.rows.check("ncmec_schemas", row[:-1], row[-1])  # the one in force is one we fetched
        sha256, fetched_at, endpoint, sealed, _ = row
        data = self._fields.open("ncmec_schemas", "xsd_ct", sha256, sealed)
        return StoredSchema(sha256, datetime.fromisoformat(fetched_at), endpoint, data)
