"""The items and item_sources tables (schema v2): how the queue is stored, sealed.

Clear columns: ids, kind, review state, time added (what the queue sorts and filters on without
decrypting). Everything else is sealed JSON bound to its cell (``FieldCipher``): names and paths
as base64 of their exact bytes, sizes, digests, outcomes, platform metadata, decoding results,
dismissal reasons. Writes take the caller's connection, so each action commits together with its
custody event; reads decrypt in one pass over two queries (no query per item).
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from desktop_app.core.domain.items import Item, ItemKind, ItemSource, ReviewState
from desktop_app.core.domain.media import MediaAnalysis
from desktop_app.core.errors import ItemRecordDamaged
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.item_cache import ItemCache
from desktop_app.core.storage.item_records import (
    DAMAGE,
    KINDS,
    RECORD_FORMAT,
    STATES,
    ItemMeta,
    analysis_from_json,
    analysis_to_json,
    damaged_item,
    meta_from_json,
    meta_to_json,
    source_from_json,
    source_key,
    source_to_json,
)

# The columns of ``row_tags.BOUND["items"]``, in its order, then the tag.
_ITEM_COLUMNS = "item_id, kind, state, added_at, blob_id, meta_ct, analysis_ct, review_ct, row_tag"
_SOURCE_COLUMNS = "source_id, item_id, added_at, source_index, source_ct, row_tag"


@dataclass(frozen=True)
class SealedQueue:
    """Item and source rows as fetched, not yet decrypted."""

    rows: list[tuple[Any, ...]]
    sources: dict[str, list[tuple[Any, ...]]]  # item id -> source rows (``_SOURCE_COLUMNS``)


class ItemStore:
    """Reads and writes item rows; writes run inside the caller's transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    # -- writes --------------------------------------------------------------------------------

    def insert_item(
        self,
        conn: sqlite3.Connection,
        item_id: str,
        kind: ItemKind,
        added_at: datetime,
        meta: ItemMeta,
        blob_id: str | None = None,
    ) -> None:
        """Add an item in state NEW."""
        conn.execute(
            "INSERT INTO items (item_id, kind, state, added_at, blob_id, meta_ct) VALUES (?, ?, ?, ?, ?, ?)",
            (
                item_id,
                str(kind),
                str(ReviewState.NEW),
                added_at.isoformat(),
                blob_id,
                self._fields.seal_json("items", "meta_ct", item_id, meta_to_json(meta)),
            ),
        )
        self._fields.rows.retag(conn, "items", item_id)

    def _source_index(self, source: ItemSource, record: ItemMeta | None) -> bytes:
        return self._fields.blind_index("item-source", source_key(source, record))

    def insert_source(
        self, conn: sqlite3.Connection, item_id: str, source: ItemSource, record: ItemMeta | None = None
    ) -> None:
        """Add a source to an item (``record``: the meta of an item without content, see ``source_key``)."""
        conn.execute(
            "INSERT INTO item_sources (source_id, item_id, added_at, source_index, source_ct) VALUES (?, ?, ?, ?, ?)",
            (
                source.source_id,
                item_id,
                source.added_at.isoformat(),
                self._source_index(source, record),
                self._fields.seal_json("item_sources", "source_ct", source.source_id, source_to_json(source)),
            ),
        )
        self._fields.rows.retag(conn, "item_sources", source.source_id)

    def has_source(self, conn: sqlite3.Connection, item_id: str, source: ItemSource) -> bool:
        """Whether the item already has a source from the same place."""
        row = conn.execute(
            "SELECT 1 FROM item_sources WHERE item_id = ? AND source_index = ?",
            (item_id, self._source_index(source, None)),
        ).fetchone()
        return row is not None

    def record_item_with_source(self, conn: sqlite3.Connection, source: ItemSource, record: ItemMeta) -> str | None:
        """The item without content already recorded from the same place with the same finding, if any."""
        row = conn.execute(
            "SELECT s.item_id FROM item_sources AS s JOIN items AS i ON i.item_id = s.item_id "
            "WHERE s.source_index = ? AND i.blob_id IS NULL",
            (self._source_index(source, record),),
        ).fetchone()
        return str(row[0]) if row else None

    def set_analysis(self, conn: sqlite3.Connection, item_id: str, analysis: MediaAnalysis) -> None:
        """Record what decoding found."""
        self._fields.rows.check_stored(conn, "items", item_id)
        sealed = self._fields.seal_json("items", "analysis_ct", item_id, analysis_to_json(analysis))
        conn.execute("UPDATE items SET analysis_ct = ? WHERE item_id = ?", (sealed, item_id))
        self._fields.rows.retag(conn, "items", item_id)

    def set_state(self, conn: sqlite3.Connection, item_id: str, state: ReviewState, reason: str) -> None:
        """Change the review state; the reason is kept sealed (and cleared when there is none)."""
        self._fields.rows.check_stored(conn, "items", item_id)
        review = (
            self._fields.seal_json("items", "review_ct", item_id, {"v": RECORD_FORMAT, "reason": reason})
            if reason
            else None
        )
        conn.execute("UPDATE items SET state = ?, review_ct = ? WHERE item_id = ?", (str(state), review, item_id))
        self._fields.rows.retag(conn, "items", item_id)

    # -- lookups inside a transaction ----------------------------------------------------------

    @staticmethod
    def item_for_blob(conn: sqlite3.Connection, blob_id: str) -> str | None:
        """The item holding a blob, if any."""
        row = conn.execute("SELECT item_id FROM items WHERE blob_id = ?", (blob_id,)).fetchone()
        return str(row[0]) if row else None

    @staticmethod
    def states(conn: sqlite3.Connection, item_ids: Iterable[str]) -> dict[str, ReviewState]:
        """Current states of the given items (missing ids are absent from the result)."""
        result = {}
        for item_id in item_ids:
            row = conn.execute("SELECT state FROM items WHERE item_id = ?", (item_id,)).fetchone()
            if row is not None:
                state = STATES.get(row[0])
                if state is None:
                    raise ItemRecordDamaged(
                        f"Item {item_id} has a state this version does not know ({str(row[0])[:40]!r}): its record "
                        "is damaged or was altered. Run 'log verify' and restore the workspace from a backup."
                    )
                result[item_id] = state
        return result

    def sources_of(self, conn: sqlite3.Connection, item_id: str) -> list[ItemSource]:
        """An item's sources, oldest first."""
        rows = conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM item_sources WHERE item_id = ? ORDER BY added_at, source_id", (item_id,)
        )
        return [self._source(row) for row in rows]

    @staticmethod
    def blob_of(conn: sqlite3.Connection, item_id: str) -> tuple[bool, str | None]:
        """Whether the item exists, and its blob id."""
        row = conn.execute("SELECT blob_id FROM items WHERE item_id = ?", (item_id,)).fetchone()
        return (row is not None, row[0] if row else None)

    # -- reads ---------------------------------------------------------------------------------

    def _open_json(self, table: str, column: str, row_id: str, sealed: bytes) -> Any:
        # Same as FieldCipher.open_json, but json.loads on text skips its encoding detection
        # (a measurable share of listing 100,000 items).
        return json.loads(self._fields.open(table, column, row_id, sealed).decode("utf-8"))

    def _source(self, row: tuple[Any, ...]) -> ItemSource:
        self._fields.rows.check("item_sources", row[:-1], row[-1])  # the source belongs to this item
        source_id, _, added_at, _, sealed, _ = row
        data = self._open_json("item_sources", "source_ct", source_id, sealed)
        return source_from_json(source_id, datetime.fromisoformat(added_at), data)

    def _item_or_damaged(self, row: tuple[Any, ...], raw_sources: tuple[Any, ...], viewed: bool) -> Item:
        """The item, or a stand-in marked damaged: one unreadable row never hides the rest of the queue."""
        try:
            return self._item(row, tuple(self._source(raw) for raw in raw_sources), viewed)
        except DAMAGE as problem:
            return damaged_item(row, problem, viewed)

    def _item(self, row: tuple[Any, ...], sources: tuple[ItemSource, ...], viewed: bool) -> Item:
        self._fields.rows.check("items", row[:-1], row[-1])  # its blob, kind, state and time are its own
        item_id, kind, state, added_at, blob_id, meta_ct, analysis_ct, review_ct, _ = row
        meta = meta_from_json(self._open_json("items", "meta_ct", item_id, meta_ct))
        analysis = None
        if analysis_ct is not None:
            analysis = analysis_from_json(self._open_json("items", "analysis_ct", item_id, analysis_ct))
        review = self._open_json("items", "review_ct", item_id, review_ct) if review_ct else {}
        return Item(
            item_id=item_id,
            kind=KINDS[kind],
            state=STATES[state],
            added_at=datetime.fromisoformat(added_at),
            outcome=meta.outcome,
            sources=sources,
            blob_id=blob_id,
            size=meta.size,
            digests=meta.digests,
            analysis=analysis,
            outcome_detail=meta.detail,
            link_target=meta.link_target,
            dismiss_reason=review.get("reason", ""),
            viewed=viewed,
        )

    @staticmethod
    def fetch_all(conn: sqlite3.Connection) -> "SealedQueue":
        """Every item and source row, still sealed: two queries, no decryption (quick under a lock)."""
        sources: dict[str, list[tuple[Any, ...]]] = {}
        for row in conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM item_sources ORDER BY added_at, source_id"):
            sources.setdefault(row[1], []).append(row)
        rows = conn.execute(f"SELECT {_ITEM_COLUMNS} FROM items ORDER BY added_at, item_id").fetchall()
        return SealedQueue(rows, sources)

    def open_all(self, sealed: "SealedQueue", viewed: set[str], cache: "ItemCache | None" = None) -> Iterator[Item]:
        """Decrypt fetched rows one item at a time, oldest first; ``cache`` skips unchanged ones."""
        for row in sealed.rows:
            item_id = row[0]
            raw_sources = tuple(sealed.sources.get(item_id, ()))
            is_viewed = item_id in viewed
            item = cache.get(row, raw_sources) if cache is not None else None
            if item is None:
                item = self._item_or_damaged(row, raw_sources, is_viewed)
            elif item.viewed != is_viewed:
                item = replace(item, viewed=is_viewed)
            if cache is not None:
                cache.put(row, raw_sources, item)
            yield item

    def load_all(self, conn: sqlite3.Connection, viewed: set[str]) -> list[Item]:
        """Every item, oldest first."""
        return list(self.open_all(self.fetch_all(conn), viewed))

    def load(self, conn: sqlite3.Connection, item_id: str, viewed: bool) -> Item | None:
        """One item, or None."""
        row = conn.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?", (item_id,)).fetchone()
        if row is None:
            return None
        raw_sources = conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM item_sources WHERE item_id = ? ORDER BY added_at, source_id", (item_id,)
        ).fetchall()
        return self._item_or_damaged(row, tuple(raw_sources), viewed)
