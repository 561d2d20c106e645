"""The recipients address book and the desk's own age key pair, sealed in the workspace database.

Names, roles and notes of recipients (law-enforcement contacts, counsel) are sensitive, so each
row is one AEAD-sealed JSON value under the workspace's field key (a subkey of its master key);
the desk's X25519 secret key is sealed the same way, so it never exists outside the unlocked
workspace unless a reviewer exports it on purpose.
"""

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.storage.fields import FieldCipher

_SCHEMA = """
CREATE TABLE bundle_recipients (
    recipient_id TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE desk_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_secret BLOB NOT NULL,
    created_at TEXT NOT NULL
)
"""


def v6_bundle_recipients(conn: sqlite3.Connection) -> None:
    """Create the address book and the desk key table (inside the migration's transaction)."""
    for statement in _SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)


@dataclass(frozen=True)
class StoredRecipient:
    """One address-book entry."""

    recipient_id: str
    name: str
    role: str
    public_key: str  # age1...
    note: str = ""


class RecipientStore:
    """Reads and writes the sealed rows; the caller owns the transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    def add(self, conn: sqlite3.Connection, name: str, role: str, public_key: str, note: str = "") -> StoredRecipient:
        """Store a new entry."""
        entry = StoredRecipient(secrets.token_hex(8), name, role, public_key, note)
        sealed = self._fields.seal_json(
            "bundle_recipients", "sealed", entry.recipient_id,
            {"name": name, "role": role, "public_key": public_key, "note": note},
        )
        conn.execute(
            "INSERT INTO bundle_recipients (recipient_id, sealed, created_at) VALUES (?, ?, ?)",
            (entry.recipient_id, sealed, datetime.now(UTC).isoformat()),
        )
        return entry

    def remove(self, conn: sqlite3.Connection, recipient_id: str) -> bool:
        """Delete an entry; whether it existed."""
        return conn.execute("DELETE FROM bundle_recipients WHERE recipient_id = ?", (recipient_id,)).rowcount > 0

    def list(self, conn: sqlite3.Connection) -> list[StoredRecipient]:
        """Every entry, oldest first."""
        rows = conn.execute("SELECT recipient_id, sealed FROM bundle_recipients ORDER BY created_at, recipient_id")
        entries = []
        for recipient_id, sealed in rows:
            value = self._fields.open_json("bundle_recipients", "sealed", recipient_id, sealed)
            entries.append(
                StoredRecipient(recipient_id, value["name"], value["role"], value["public_key"], value.get("note", ""))
            )
        return entries

    def desk_secret(self, conn: sqlite3.Connection) -> str | None:
        """The desk's ``AGE-SECRET-KEY-1...``, or None if none was made yet."""
        row = conn.execute("SELECT sealed_secret FROM desk_identity WHERE id = 1").fetchone()
        if row is None:
            return None
        return str(self._fields.open_json("desk_identity", "sealed_secret", "1", row[0]))

    def save_desk_secret(self, conn: sqlite3.Connection, secret_text: str) -> None:
        """Store the desk's secret key (once)."""
        sealed = self._fields.seal_json("desk_identity", "sealed_secret", "1", secret_text)
        conn.execute(
            "INSERT INTO desk_identity (id, sealed_secret, created_at) VALUES (1, ?, ?)",
            (sealed, datetime.now(UTC).isoformat()),
        )
