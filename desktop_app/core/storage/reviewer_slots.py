r"""Reviewers' key slots: one passphrase slot per named reviewer, and the check value over the list.

Every reviewer of a workspace has a row in ``key_slots`` wrapping the same master key under their
own passphrase (``docs/vault-format.md``, "Reviewers' slots"). The first reviewer's slot is the
``passphrase`` row every workspace has had; a reviewer added later gets ``reviewer/<32 hex>``
(random). A reviewer's name is sealed in ``workspace_meta`` under the ``fields`` subkey: the first
reviewer's as ``reviewer`` (as before), the others' as ``reviewer-name/<kind>``, bound to the slot.

Nobody without the master key can make a slot that opens, but anyone with the files can delete a
slot, put back an old one (a removed reviewer's), or swap names. So the whole list is bound by
``reviewer_slots_mac`` = HMAC-SHA-256 under ``HKDF(master, workspace_id, "evidence-desk/v1/
reviewer-slot-list")`` over ``b"reviewer-slots/v1\0"`` and, per slot in ``kind`` order, each of
kind, kdf, wrapped and the sealed name as a 4-byte big-endian length and the bytes. A list put
back whole with its old check value is caught by the custody log, which records every slot added
and removed (``services.workspace_reviewers``).
"""

import sqlite3
import struct
from dataclasses import dataclass

from desktop_app.core.crypto.aead import hkdf, mac

FIRST_SLOT = "passphrase"  # the first reviewer's slot: the passphrase slot of every workspace
SLOT_PREFIX = "reviewer/"
LIST_MAC_KEY = "reviewer_slots_mac"
_LIST_INFO = b"evidence-desk/v1/reviewer-slot-list"
_LIST_DOMAIN = b"reviewer-slots/v1\x00"
_LENGTH = struct.Struct(">I").pack


@dataclass(frozen=True)
class SlotRow:
    """One reviewer's key slot as stored: ``kind`` names it, ``kdf`` and ``wrapped`` open it."""

    kind: str
    kdf: str
    wrapped: bytes


def name_location(kind: str) -> tuple[str, bytes]:
    """Where a slot's reviewer name is sealed: the ``workspace_meta`` key and the associated data."""
    if kind == FIRST_SLOT:
        return "reviewer", b"workspace_meta.reviewer"
    return f"reviewer-name/{kind}", b"workspace_meta.reviewer-name\x00" + kind.encode()


def slot_rows(conn: sqlite3.Connection) -> list[SlotRow]:
    """Every reviewer's slot (not the recovery slot), the first reviewer's first."""
    rows = conn.execute("SELECT kind, kdf, wrapped FROM key_slots WHERE kind != 'recovery'").fetchall()
    slots = [SlotRow(str(kind), str(kdf), bytes(wrapped)) for kind, kdf, wrapped in rows]
    return sorted(slots, key=lambda slot: (slot.kind != FIRST_SLOT, slot.kind))


def sealed_name(conn: sqlite3.Connection, kind: str) -> bytes | None:
    """The sealed reviewer name of slot ``kind``, or None."""
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (name_location(kind)[0],)).fetchone()
    return bytes(row[0]) if row else None


def put_slot(conn: sqlite3.Connection, slot: SlotRow, name: bytes) -> None:
    """Write a slot and its sealed name (inside the caller's transaction)."""
    conn.execute(
        "INSERT OR REPLACE INTO key_slots (kind, kdf, wrapped) VALUES (?, ?, ?)", (slot.kind, slot.kdf, slot.wrapped)
    )
    conn.execute(
        "INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (name_location(slot.kind)[0], name)
    )


def delete_slot(conn: sqlite3.Connection, kind: str) -> None:
    """Remove a slot and its name (inside the caller's transaction)."""
    conn.execute("DELETE FROM key_slots WHERE kind = ?", (kind,))
    conn.execute("DELETE FROM workspace_meta WHERE key = ?", (name_location(kind)[0],))


def list_key(master: bytes, workspace_id: bytes) -> bytes:
    """The key of the list's check value; only the master key yields it."""
    return hkdf(master, workspace_id, _LIST_INFO)


def list_mac(key: bytes, conn: sqlite3.Connection) -> bytes:
    """The check value of the reviewers' slots as they are now."""
    parts = [_LIST_DOMAIN]
    for slot in sorted(slot_rows(conn), key=lambda s: s.kind):
        name = sealed_name(conn, slot.kind) or b""
        for value in (slot.kind.encode(), slot.kdf.encode(), slot.wrapped, name):
            parts += [_LENGTH(len(value)), value]
    return mac(key, b"".join(parts))


def stored_list_mac(conn: sqlite3.Connection) -> bytes | None:
    """The check value the workspace last wrote, or None (a workspace from before reviewers' slots)."""
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (LIST_MAC_KEY,)).fetchone()
    return bytes(row[0]) if row else None


def seal_list(conn: sqlite3.Connection, key: bytes) -> None:
    """Store the check value of the list as it is now (after every change the app makes)."""
    conn.execute(
        "INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (LIST_MAC_KEY, list_mac(key, conn))
    )
