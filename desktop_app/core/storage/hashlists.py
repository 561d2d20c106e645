"""The hash-list tables: list settings, sealed contents in segments, imports, suppressions, matches.

Every value that says anything about a list's entries or an item's matches is sealed with
``FieldCipher``, bound to its table, column and row. Writes take the caller's connection so each
change commits together with its custody event.
"""

import sqlite3
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.domain.hashlists import Algorithm, HashList, ListCounts, Match, MatchOutcome
from desktop_app.core.hashlists.contents import ListContents, from_segments, to_segments
from desktop_app.core.platform.interpreter import release_gradually
from desktop_app.core.storage.fields import FieldCipher, FieldDamaged
from desktop_app.core.storage.reports import draft_digest
from desktop_app.core.storage.row_tags import all_children_values

ENTRY_INDEX_KIND = "hash-list-entry"
# The custody log's field naming the sealed outcome (``outcome_ct``) a write stored: each seal is
# fresh, so its SHA-256 names one version of the row (docs/row-binding.md).
OUTCOME_DIGEST = "outcome_sha256"
SETTINGS_DIGEST = "settings_sha256"  # likewise for a list's sealed settings (``settings_ct``)
# row_tags.BOUND of the tables read whole, in its order
_LIST_COLUMNS = "list_id, created_at, updated_at, generation, segments, settings_ct"
_SUPPRESSION_COLUMNS = "suppression_id, created_at, item_id, entry_index, detail_ct"


def now() -> str:
    """The current time as stored (ISO 8601 UTC, sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _segment_row(list_id: str, generation: int, number: int, total: int) -> str:
    return f"{list_id}/{generation}/{number}/{total}"


def outcome_to_json(outcome: MatchOutcome) -> dict[str, Any]:
    """A match outcome as stored."""
    return {"matches": [asdict(m) for m in outcome.matches], "notes": list(outcome.notes)}


def outcome_from_json(item_id: str, data: dict[str, Any]) -> MatchOutcome:
    """Inverse of ``outcome_to_json``."""
    matches = tuple(Match(**{**m, "algorithm": Algorithm(m["algorithm"])}) for m in data["matches"])
    return MatchOutcome(item_id, matches, tuple(data["notes"]))


class HashListStore:
    """Reads and writes the hash-list tables with one workspace's field cipher."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields
        self._rows = fields.rows  # every row carries its tag (storage.row_tags): checked on read

    def entry_index(self, entry_key: str) -> bytes:
        """The blind index of an entry (``algorithm:value``)."""
        return self._fields.blind_index(ENTRY_INDEX_KIND, entry_key.encode())

    # -- lists ---------------------------------------------------------------------------------

    def _settings_ct(self, settings: HashList, counts: ListCounts) -> bytes:
        data = {**asdict(settings), "counts": {"active": counts.active, "deleted": counts.deleted}}
        return self._fields.seal_json("hash_lists", "settings_ct", settings.list_id, data)

    def create(self, conn: sqlite3.Connection, settings: HashList) -> str:
        """A new, empty list; the stored settings' digest, for the custody event (``SETTINGS_DIGEST``)."""
        sealed = self._settings_ct(settings, ListCounts())
        conn.execute(
            "INSERT INTO hash_lists (list_id, created_at, updated_at, generation, segments, settings_ct)"
            " VALUES (?, ?, ?, 0, 0, ?)",
            (settings.list_id, settings.created_at, settings.created_at, sealed),
        )
        self._rows.retag(conn, "hash_lists", settings.list_id)  # storage.row_tags
        return draft_digest(sealed)

    def save_settings(self, conn: sqlite3.Connection, settings: HashList, counts: ListCounts) -> str:
        """Replace a list's settings (and the counts shown without decrypting the contents); their digest."""
        sealed = self._settings_ct(settings, counts)
        with self._rows.write(conn, "hash_lists", settings.list_id):
            conn.execute(
                "UPDATE hash_lists SET settings_ct = ?, updated_at = ? WHERE list_id = ?",
                (sealed, now(), settings.list_id),
            )
        return draft_digest(sealed)

    def lists(self, conn: sqlite3.Connection) -> list[tuple[HashList, ListCounts]]:
        """Every list with its stored counts, oldest first."""
        out = []
        children = all_children_values(conn, "hash_lists")
        for row in conn.execute(f"SELECT {_LIST_COLUMNS}, row_tag FROM hash_lists ORDER BY created_at").fetchall():
            list_id, sealed = row[0], row[-2]
            self._rows.check("hash_lists", (*row[:-1], children.get(list_id, b"")), row[-1])
            data = self._fields.open_json("hash_lists", "settings_ct", list_id, sealed)
            counts = data.pop("counts")
            out.append((HashList(**data), ListCounts(dict(counts["active"]), int(counts["deleted"]))))
        return out

    # -- contents ------------------------------------------------------------------------------

    def load_contents(self, conn: sqlite3.Connection, list_id: str) -> tuple[ListContents, int]:
        """A list's contents (decrypted) and its generation."""
        self._rows.check_stored(conn, "hash_lists", list_id)  # its tag covers its segments' tags
        row = conn.execute("SELECT generation, segments FROM hash_lists WHERE list_id = ?", (list_id,)).fetchone()
        generation, total = int(row[0]), int(row[1])
        rows = conn.execute(
            "SELECT segment_no, segment_ct, row_tag FROM hash_list_segments WHERE list_id = ? ORDER BY segment_no",
            (list_id,),
        ).fetchall()
        segments = []
        for n, sealed, tag in rows:
            self._rows.check("hash_list_segments", (list_id, n, sealed), tag)
            where = _segment_row(list_id, generation, int(n), total)
            segments.append(self._fields.open("hash_list_segments", "segment_ct", where, sealed))
        if len(segments) != total:
            # Missing segments would silently shrink the list: refuse, as for any damaged field.
            raise FieldDamaged(
                f"Hash list {list_id} has {len(segments)} of its {total} sealed parts. Run 'log verify' and "
                "import the list again, or restore the workspace from a backup."
            )
        return from_segments(segments), generation

    def save_contents(self, conn: sqlite3.Connection, list_id: str, contents: ListContents, generation: int) -> None:
        """Replace a list's contents with a new generation."""
        segments = to_segments(contents)
        rows = []
        for n, raw in enumerate(segments):
            where = _segment_row(list_id, generation, n, len(segments))
            values = (list_id, n, self._fields.seal("hash_list_segments", "segment_ct", where, raw))
            rows.append((*values, self._rows.tag("hash_list_segments", values)))
        with self._rows.write(conn, "hash_lists", list_id):  # the list's tag covers its segments' tags
            conn.execute("DELETE FROM hash_list_segments WHERE list_id = ?", (list_id,))
            conn.executemany(
                "INSERT INTO hash_list_segments (list_id, segment_no, segment_ct, row_tag) VALUES (?, ?, ?, ?)", rows
            )
            conn.execute(
                "UPDATE hash_lists SET generation = ?, segments = ?, updated_at = ? WHERE list_id = ?",
                (generation, len(segments), now(), list_id),
            )

    def add_import(self, conn: sqlite3.Connection, list_id: str, summary: dict[str, Any]) -> str:
        """Record one import of a list."""
        import_id = uuid.uuid4().hex
        sealed = self._fields.seal_json("hash_list_imports", "summary_ct", import_id, summary)
        values = (import_id, list_id, now(), sealed)
        conn.execute(
            "INSERT INTO hash_list_imports (import_id, list_id, imported_at, summary_ct, row_tag) "
            "VALUES (?, ?, ?, ?, ?)",
            (*values, self._rows.tag("hash_list_imports", values)),
        )
        return import_id

    def imports(self, conn: sqlite3.Connection, list_id: str) -> list[dict[str, Any]]:
        """A list's import history, oldest first."""
        rows = conn.execute(
            "SELECT import_id, imported_at, summary_ct, row_tag FROM hash_list_imports WHERE list_id = ? "
            "ORDER BY imported_at",
            (list_id,),
        ).fetchall()
        for import_id, at, sealed, tag in rows:
            self._rows.check("hash_list_imports", (import_id, list_id, at, sealed), tag)
        return [
            {"imported_at": at, **self._fields.open_json("hash_list_imports", "summary_ct", import_id, sealed)}
            for import_id, at, sealed, _ in rows
        ]

    # -- suppressions --------------------------------------------------------------------------

    def add_suppression(
        self, conn: sqlite3.Connection, entry_key: str, item_id: str | None, detail: dict[str, Any]
    ) -> str:
        """Suppress an entry for one item (not a match) or, with ``item_id`` None, for the whole workspace."""
        suppression_id = uuid.uuid4().hex
        detail = {**detail, "entry": entry_key}
        sealed = self._fields.seal_json("hash_suppressions", "detail_ct", suppression_id, detail)
        values = (suppression_id, now(), item_id, self.entry_index(entry_key), sealed)
        conn.execute(
            "INSERT INTO hash_suppressions (suppression_id, created_at, item_id, entry_index, detail_ct, row_tag)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (*values, self._rows.tag("hash_suppressions", values)),
        )
        return suppression_id

    def suppressions(self, conn: sqlite3.Connection) -> tuple[set[bytes], set[tuple[str, bytes]]]:
        """Workspace-wide suppressed entries, and (item, entry) pairs marked not a match (blind indexes)."""
        everywhere: set[bytes] = set()
        per_item: set[tuple[str, bytes]] = set()
        for row in conn.execute(f"SELECT {_SUPPRESSION_COLUMNS}, row_tag FROM hash_suppressions"):
            self._rows.check("hash_suppressions", row[:-1], row[-1])
            item_id, index = row[2], row[3]
            if item_id is None:
                everywhere.add(bytes(index))
            else:
                per_item.add((item_id, bytes(index)))
        return everywhere, per_item

    def suppression_details(self, conn: sqlite3.Connection) -> list[dict[str, Any]]:
        """Every suppression, decrypted (for the list page and ``lists show``)."""
        rows = conn.execute(
            f"SELECT {_SUPPRESSION_COLUMNS}, row_tag FROM hash_suppressions ORDER BY created_at"
        ).fetchall()
        for row in rows:
            self._rows.check("hash_suppressions", row[:-1], row[-1])
        return [
            {"created_at": at, "item_id": item_id,
             **self._fields.open_json("hash_suppressions", "detail_ct", sid, sealed)}
            for sid, at, item_id, _, sealed, _ in rows
        ]

    # -- matches -------------------------------------------------------------------------------

    def save_outcomes(self, conn: sqlite3.Connection, outcomes: list[MatchOutcome]) -> dict[str, str]:
        """Replace the stored match outcome of each item; item -> the stored outcome's digest (``OUTCOME_DIGEST``)."""
        stamp = now()
        rows = []
        for o in outcomes:  # a whole row replaced: nothing of an edited row survives to be re-tagged
            sealed = self._fields.seal_json("item_matches", "outcome_ct", o.item_id, outcome_to_json(o))
            values = (o.item_id, stamp, sealed)
            rows.append((*values, self._rows.tag("item_matches", values)))
        conn.executemany(
            "INSERT OR REPLACE INTO item_matches (item_id, matched_at, outcome_ct, row_tag) VALUES (?, ?, ?, ?)", rows
        )
        return {item_id: draft_digest(sealed) for item_id, _, sealed, _ in rows}

    def outcomes(self, conn: sqlite3.Connection, item_ids: list[str] | None = None) -> dict[str, MatchOutcome]:
        """Stored outcomes, of the given items or of all."""
        select = "SELECT item_id, matched_at, outcome_ct, row_tag FROM item_matches"
        if item_ids is None:
            rows = conn.execute(select).fetchall()
        else:
            rows = []
            for start in range(0, len(item_ids), 500):
                chunk = item_ids[start : start + 500]
                rows += conn.execute(f"{select} WHERE item_id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        for row in rows:
            self._rows.check("item_matches", row[:-1], row[-1])
        outcomes = {
            item_id: outcome_from_json(item_id, self._fields.open_json("item_matches", "outcome_ct", item_id, sealed))
            for item_id, _, sealed, _ in rows
        }
        release_gradually(rows)  # dropped at once, 100,000 fetched rows held the GIL for ~13 ms
        return outcomes

    def outcome_times(self, conn: sqlite3.Connection) -> dict[str, str]:
        """When each item's stored outcome was last written (it is rewritten only when it changes)."""
        # A comprehension, not ``dict(fetchall())``: that one C call held the GIL for 25 ms at 100,000 items.
        return {item_id: at for item_id, at in conn.execute("SELECT item_id, matched_at FROM item_matches")}
