"""The hold tables: preservation holds, the items each covers, and the record of destroyed items.

Clear columns carry only what the retention view sorts and filters on and what says nothing about
people: ids, the source, dates, and the item roles. Who asked, under which reference and why, and
the renewal history are sealed JSON bound to their row (``FieldCipher``). Writes take the
caller's connection so every change commits with its custody event.

``derived_from`` is unique: an automatic hold is derived once from what started it (a finished
submission or an NCMEC number recorded by hand), however often the derivation runs.
"""

import sqlite3
from datetime import datetime
from typing import Any

from desktop_app.core.domain.holds import Hold, HoldDetails, HoldSource, ItemRole, Renewal
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.followups import FOLLOWUPS_SCHEMA
from desktop_app.core.storage.row_tags import children_value

_SCHEMA = """
CREATE TABLE holds (
    hold_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,           -- HoldSource
    report_id TEXT,                 -- the report whose items it holds, if any
    started_at TEXT NOT NULL,       -- ISO 8601 UTC
    ends_at TEXT,                   -- NULL: until released
    released_at TEXT,               -- NULL while not released
    derived_from TEXT UNIQUE,       -- automatic holds only: 'finished:<report>' or 'filed-by-hand:<report>'
    details_ct BLOB NOT NULL        -- sealed JSON: purpose, requester, reference, note, renewals, release reason
) STRICT;
CREATE INDEX holds_by_report ON holds (report_id);

CREATE TABLE hold_items (
    hold_id TEXT NOT NULL REFERENCES holds (hold_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    role TEXT NOT NULL,             -- ItemRole
    PRIMARY KEY (hold_id, item_id)
) STRICT;
CREATE INDEX hold_items_by_item ON hold_items (item_id);

CREATE TABLE item_destructions (
    item_id TEXT PRIMARY KEY,
    destroyed_at TEXT NOT NULL,     -- ISO 8601 UTC
    record_ct BLOB NOT NULL         -- sealed JSON: reason, request, the hashes that identified it
) STRICT;
"""


def v9_holds(conn: sqlite3.Connection) -> None:
    """Create the hold and follow-up tables (runs inside the migration's write transaction)."""
    for statement in (_SCHEMA + FOLLOWUPS_SCHEMA).split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _details_json(details: HoldDetails) -> dict[str, Any]:
    return {
        "purpose": details.purpose,
        "requester": details.requester,
        "reference": details.reference,
        "note": details.note,
        "release_reason": details.release_reason,
        "renewals": [
            {
                "at": r.at.isoformat(),
                "previous_end": _iso(r.previous_end),
                "new_end": _iso(r.new_end),
                "reference": r.reference,
            }
            for r in details.renewals
        ],
    }


def _details_from(data: dict[str, Any]) -> HoldDetails:
    renewals = tuple(
        Renewal(datetime.fromisoformat(r["at"]), _time(r["previous_end"]), _time(r["new_end"]), r["reference"])
        for r in data.get("renewals", [])
    )
    return HoldDetails(
        purpose=str(data.get("purpose", "")),
        requester=str(data.get("requester", "")),
        reference=str(data.get("reference", "")),
        note=str(data.get("note", "")),
        renewals=renewals,
        release_reason=str(data.get("release_reason", "")),
    )


class HoldStore:
    """Reads and writes holds; writes run inside the caller's transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    def _seal(self, hold: Hold) -> bytes:
        return self._fields.seal_json("holds", "details_ct", hold.hold_id, _details_json(hold.details))

    def insert(self, conn: sqlite3.Connection, hold: Hold) -> None:
        """Store a new hold with its items."""
        conn.execute(
            "INSERT INTO holds (hold_id, source, report_id, started_at, ends_at, released_at, derived_from, "
            "details_ct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hold.hold_id,
                str(hold.source),
                hold.report_id,
                hold.started_at.isoformat(),
                _iso(hold.ends_at),
                _iso(hold.released_at),
                hold.derived_from,
                self._seal(hold),
            ),
        )
        self._insert_items(conn, hold.hold_id, hold.items)
        self._fields.rows.retag(conn, "holds", hold.hold_id)  # binds the row and its items (storage.row_tags)

    def update(self, conn: sqlite3.Connection, hold: Hold) -> None:
        """Store a hold's new end, release and details (its items are only ever added to)."""
        with self._fields.rows.write(conn, "holds", hold.hold_id):
            conn.execute(
                "UPDATE holds SET ends_at = ?, released_at = ?, details_ct = ? WHERE hold_id = ?",
                (_iso(hold.ends_at), _iso(hold.released_at), self._seal(hold), hold.hold_id),
            )

    def add_items(self, conn: sqlite3.Connection, hold_id: str, items: dict[str, ItemRole]) -> list[str]:
        """Add items to a hold; the ids that were new."""
        with self._fields.rows.write(conn, "holds", hold_id):
            return self._insert_items(conn, hold_id, items)

    @staticmethod
    def _insert_items(conn: sqlite3.Connection, hold_id: str, items: dict[str, ItemRole]) -> list[str]:
        added = []
        for item_id, role in items.items():
            cursor = conn.execute(
                "INSERT OR IGNORE INTO hold_items (hold_id, item_id, role) VALUES (?, ?, ?)",
                (hold_id, item_id, str(role)),
            )
            if cursor.rowcount:
                added.append(item_id)
        return added

    def load(self, conn: sqlite3.Connection, hold_id: str) -> Hold | None:
        """One hold, or None."""
        holds = self._select(conn, "WHERE hold_id = ?", (hold_id,))
        return holds[0] if holds else None

    def load_all(self, conn: sqlite3.Connection) -> list[Hold]:
        """Every hold, oldest first."""
        return self._select(conn, "", ())

    def for_items(self, conn: sqlite3.Connection, item_ids: list[str]) -> list[Hold]:
        """Every hold covering one of ``item_ids``."""
        marks = ",".join("?" for _ in item_ids)
        where = f"WHERE hold_id IN (SELECT hold_id FROM hold_items WHERE item_id IN ({marks}))"
        return self._select(conn, where, tuple(item_ids)) if item_ids else []

    @staticmethod
    def derived(conn: sqlite3.Connection) -> set[str]:
        """What automatic holds were already derived from."""
        rows = conn.execute("SELECT derived_from FROM holds WHERE derived_from IS NOT NULL").fetchall()
        return {str(r[0]) for r in rows}

    @staticmethod
    def finished_preservations(conn: sqlite3.Connection) -> dict[str, tuple[datetime, datetime, list[str], str]]:
        """What finished submissions started (``preservation_holds``, written by the submission code).

        Per report: the earliest start, the latest end, the items, and the submission's environment.
        """
        rows = conn.execute(
            "SELECT p.report_id, min(p.started_at), max(p.until), group_concat(p.item_id, ' '), "
            "coalesce(s.environment, '') FROM preservation_holds p "
            "LEFT JOIN submissions s ON s.report_id = p.report_id GROUP BY p.report_id"
        ).fetchall()
        return {
            str(r): (datetime.fromisoformat(s), datetime.fromisoformat(u), sorted(set(str(i).split())), str(e))
            for r, s, u, i, e in rows
        }

    @staticmethod
    def existing_items(conn: sqlite3.Connection, item_ids: list[str]) -> set[str]:
        """Which of ``item_ids`` are items of this workspace."""
        marks = ",".join("?" for _ in item_ids)
        rows = conn.execute(f"SELECT item_id FROM items WHERE item_id IN ({marks})", item_ids) if item_ids else []
        return {str(r[0]) for r in rows}

    @staticmethod
    def ids_starting_with(conn: sqlite3.Connection, prefix: str) -> list[str]:
        """Hold ids that start with ``prefix`` (what the CLI accepts as a short id)."""
        rows = conn.execute("SELECT hold_id FROM holds WHERE substr(hold_id, 1, ?) = ?", (len(prefix), prefix))
        return [str(r[0]) for r in rows]

    def _select(self, conn: sqlite3.Connection, where: str, args: tuple[str, ...]) -> list[Hold]:
        rows = conn.execute(
            "SELECT hold_id, source, report_id, started_at, ends_at, released_at, derived_from, details_ct, "
            f"row_tag FROM holds {where} ORDER BY started_at, hold_id",
            args,
        ).fetchall()
        holds = []
        for row in rows:
            hold_id, source, report_id, started, ends, released, derived, sealed, tag = row
            self._fields.rows.check("holds", (*row[:-1], children_value(conn, "holds", hold_id)), tag)
            items = {
                str(i): ItemRole(r)
                for i, r in conn.execute(
                    "SELECT item_id, role FROM hold_items WHERE hold_id = ? ORDER BY item_id", (hold_id,)
                )
            }
            details = _details_from(self._fields.open_json("holds", "details_ct", hold_id, sealed))
            holds.append(
                Hold(
                    str(hold_id),
                    HoldSource(source),
                    report_id,
                    datetime.fromisoformat(started),
                    _time(ends),
                    items,
                    details,
                    _time(released),
                    derived,
                )
            )
        return holds

    # -- destruction records -----------------------------------------------------------------------

    def record_destruction(
        self, conn: sqlite3.Connection, item_id: str, destroyed_at: datetime, record: dict[str, Any]
    ) -> None:
        """Keep the fact of an item's destruction: when, why, and the hashes that identified it."""
        sealed = self._fields.seal_json("item_destructions", "record_ct", item_id, record)
        values = (item_id, destroyed_at.isoformat(), sealed)
        conn.execute(
            "INSERT INTO item_destructions (item_id, destroyed_at, record_ct, row_tag) VALUES (?, ?, ?, ?)",
            (*values, self._fields.rows.tag("item_destructions", values)),
        )

    def destructions(self, conn: sqlite3.Connection) -> dict[str, tuple[datetime, dict[str, Any]]]:
        """Every destroyed item: when, and the sealed record."""
        rows = conn.execute("SELECT item_id, destroyed_at, record_ct, row_tag FROM item_destructions").fetchall()
        for row in rows:
            self._fields.rows.check("item_destructions", row[:-1], row[-1])
        return {
            str(i): (datetime.fromisoformat(t), self._fields.open_json("item_destructions", "record_ct", i, ct))
            for i, t, ct, _ in rows
        }
