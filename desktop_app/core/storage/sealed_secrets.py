"""Small secrets sealed inside the workspace, for systems without an OS keyring.

Each value is a ``workspace_meta`` row ``sealed-secret:<name>`` whose value is sealed by the
workspace's field cipher (AES-GCM under a key derived from the master key, bound to the row's
name), so it opens only while the workspace is unlocked and cannot be moved to another row. Used
for NCMEC credentials when the OS has no keyring (``CredentialStore`` says which store it uses).
"""

import sqlite3

from desktop_app.core.storage.fields import FieldCipher

_PREFIX = "sealed-secret:"
_TABLE, _COLUMN = "workspace_meta", "value"


def read_secret(conn: sqlite3.Connection, fields: FieldCipher, name: str) -> str | None:
    """The value stored under ``name``, or None."""
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (_PREFIX + name,)).fetchone()
    if row is None:
        return None
    return fields.open(_TABLE, _COLUMN, _PREFIX + name, bytes(row[0])).decode("utf-8")


def write_secret(conn: sqlite3.Connection, fields: FieldCipher, name: str, value: str) -> None:
    """Store ``value`` under ``name`` (replacing any), inside the caller's write transaction."""
    sealed = fields.seal(_TABLE, _COLUMN, _PREFIX + name, value.encode("utf-8"))
    conn.execute("INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (_PREFIX + name, sealed))


def delete_secret(conn: sqlite3.Connection, name: str) -> None:
    """Forget ``name`` (no error if absent)."""
    conn.execute("DELETE FROM workspace_meta WHERE key = ?", (_PREFIX + name,))
