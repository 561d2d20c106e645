r"""Row tags (schema v8): what binds a row's clear columns to each other and to its sealed cells.

Sealed cells are bound to their table, column and row id (``FieldCipher``), but the links between
rows and the columns that sort and filter are clear: which blob an item holds, which item a source
belongs to, an item's kind, state and time, a report's status. Without a key an attacker could
swap two items' blob ids or move a source to another item and every cell would still open. So each
row of the tables below carries ``row_tag`` = HMAC-SHA-256 under a key only an unlocked workspace
has, over the table name and every other column of the row in a fixed order. Changing, clearing or
swapping any cell (a link, a state, a sealed value) breaks the tag.

A tag proves a row was written by the workspace; it cannot prove the row is the *latest* one the
workspace wrote (an old copy of a row carries a valid old tag). That is what the reconciliation
with the custody log is for (``storage.reconciliation``).

Encoding (what an outsider re-implements to check a tag): ``b"row-tag/v1\x00" || table || 0x00``,
then per column, in the order of ``BOUND`` (the primary key first; for a table in ``CHILDREN``, one
more value: its children's values, sorted and concatenated, as bytes): one type byte (``N`` NULL,
``I`` integer as 8 bytes big-endian two's complement, ``T`` UTF-8 text, ``B`` bytes) and, for ``T``
and ``B``, a 4-byte big-endian length and the bytes. The key is HKDF-SHA-256 of the ``fields``
subkey with an empty salt and info ``evidence-desk/v1/row-tag``.

Workspaces created before schema v8 get their tags at the first unlock whose verification passed
(logged as ``storage.rows-bound``); from that point on, in the log's order, an untagged row is as
bad as a wrongly tagged one.
"""

import hashlib
import hmac
import sqlite3
import struct
from collections.abc import Callable, Sequence
from typing import Any

from desktop_app.core.crypto.aead import hkdf
from desktop_app.core.errors import EvidenceDeskError

_DOMAIN = b"row-tag/v1\x00"
_LENGTH = struct.Struct(">I").pack

# table -> columns bound by its tag, primary key first. Append-only: a new column gets a new
# tag version, never a silent change of this list.
BOUND: dict[str, tuple[str, ...]] = {
    "blobs": ("blob_id", "wrapped_key", "sha256_index", "meta_ct", "stored_size"),
    "items": ("item_id", "kind", "state", "added_at", "blob_id", "meta_ct", "analysis_ct", "review_ct"),
    "item_sources": ("source_id", "item_id", "added_at", "source_index", "source_ct"),
    "reports": ("report_id", "created_at", "updated_at", "status", "draft_ct"),
    "reporter_profile": ("profile_id", "updated_at", "profile_ct"),
    "ncmec_schemas": ("sha256", "fetched_at", "endpoint", "xsd_ct"),
    # Schema v10 (storage.row_tags_v10): the submission, lifecycle and hash-list tables. Segments come
    # before their list: a list's tag covers its segments' tags, so they are tagged first.
    "submissions": ("report_id", "state", "environment", "updated_at", "record_ct", "draft_ct"),
    "preservation_holds": ("item_id", "report_id", "basis", "started_at", "until"),
    "holds": ("hold_id", "source", "report_id", "started_at", "ends_at", "released_at", "derived_from", "details_ct"),
    "item_destructions": ("item_id", "destroyed_at", "record_ct"),
    "followups": ("followup_id", "report_id", "kind", "occurred_at", "record_ct"),
    "hash_list_segments": ("list_id", "segment_no", "segment_ct"),
    "hash_lists": ("list_id", "created_at", "updated_at", "generation", "segments", "settings_ct"),
    "hash_list_imports": ("import_id", "list_id", "imported_at", "summary_ct"),
    "hash_suppressions": ("suppression_id", "created_at", "item_id", "entry_index", "detail_ct"),
    "item_matches": ("item_id", "matched_at", "outcome_ct"),
}

# Tables whose primary key is more than their first column (a prefix of ``BOUND[table]``).
KEYS: dict[str, tuple[str, ...]] = {
    "preservation_holds": ("item_id", "report_id", "basis"),
    "hash_list_segments": ("list_id", "segment_no"),
}

# Rows of another table that belong to a row, bound into its tag as one last value: the sorted
# concatenation of their (fixed-size) values. A report's accounts are its own: deleting, adding or
# moving one breaks the report's tag. table -> (child table, its link column, its value column).
# From schema v10 a child may have several columns (``CHILDREN`` value columns joined by ", "):
# each child is then encoded like a row's values (``enc`` of each column, in order), and the
# encodings are sorted bytewise and concatenated. A hold's items (and their roles) are the hold's;
# a hash list's segments are bound through their own tags, so an older segment breaks the list's.
CHILDREN: dict[str, tuple[str, str, str]] = {
    "reports": ("report_accounts", "report_id", "account_index"),
    "holds": ("hold_items", "hold_id", "item_id, role"),
    "hash_lists": ("hash_list_segments", "list_id", "segment_no, row_tag"),
}


def key_columns(table: str) -> tuple[str, ...]:
    """The columns that name one row of ``table``."""
    return KEYS.get(table, BOUND[table][:1])


def _child_bytes(row: Sequence[Any]) -> bytes:
    return bytes(row[0]) if len(row) == 1 else b"".join(_encode_values(row))


def children_value(conn: sqlite3.Connection, table: str, row_id: Any) -> bytes:
    """The value a row's children add to its tag."""
    child, link, value = CHILDREN[table]
    rows = conn.execute(f"SELECT {value} FROM {child} WHERE {link} = ?", (row_id,)).fetchall()
    return b"".join(sorted(_child_bytes(r) for r in rows))


def all_children_values(conn: sqlite3.Connection, table: str) -> dict[Any, bytes]:
    """``children_value`` of every row that has children, in one query."""
    child, link, value = CHILDREN[table]
    grouped: dict[Any, list[bytes]] = {}
    for row in conn.execute(f"SELECT {link}, {value} FROM {child}"):
        grouped.setdefault(row[0], []).append(_child_bytes(row[1:]))
    return {row_id: b"".join(sorted(items)) for row_id, items in grouped.items()}


class RowTampered(EvidenceDeskError):
    """A row's tag does not match its cells: the row was edited, moved or swapped outside the app."""

    code = "row-tampered"


V8_TABLES = ("blobs", "items", "item_sources", "reports", "reporter_profile", "ncmec_schemas")


def v8_row_tags(conn: sqlite3.Connection) -> None:
    """Schema v8: a ``row_tag`` column on the first bound tables (filled at the next unlock: no keys here)."""
    for table in V8_TABLES:  # a released migration: its list never grows (v10 has its own)
        conn.execute(f"ALTER TABLE {table} ADD COLUMN row_tag BLOB")


def row_tag_key(fields_key: bytes) -> bytes:
    """The tag key, derived from the ``fields`` subkey."""
    return hkdf(fields_key, b"", b"evidence-desk/v1/row-tag")


def _encode(table: str, values: Sequence[Any]) -> bytes:
    return b"".join([_DOMAIN, table.encode(), b"\x00", *_encode_values(values)])


# Type byte and length of the commonest cell sizes, made once (ids, times and sealed cells repeat
# a few lengths; the encoding runs for every cell of every row a verification reads).
_TEXT_HEADS = {n: b"T" + _LENGTH(n) for n in range(1024)}
_BYTES_HEADS = {n: b"B" + _LENGTH(n) for n in range(1024)}


def _text(value: str) -> bytes:
    raw = value.encode("utf-8", "surrogatepass")
    n = len(raw)
    return (_TEXT_HEADS.get(n) or b"T" + _LENGTH(n)) + raw


def _bytes(value: bytes) -> bytes:
    n = len(value)
    return (_BYTES_HEADS.get(n) or b"B" + _LENGTH(n)) + value


def _other(value: Any) -> bytes:
    if value is None:
        return b"N"
    if value.__class__ is int:
        return b"I" + value.to_bytes(8, "big", signed=True)
    return _bytes(bytes(value))


# One encoder per exact type, found by a dict lookup: verification encodes every cell of every
# bound row, and this measured ~30% faster than a chain of type tests.
_ENCODERS: dict[type, Callable[[Any], bytes]] = {str: _text, bytes: _bytes}


def _encode_values(values: Sequence[Any]) -> list[bytes]:
    encoders = _ENCODERS
    return [encoders.get(value.__class__, _other)(value) for value in values]


class RowTags:
    """Computes and checks row tags.

    ``required``: whether an untagged row counts as tampered, for every table (a bool) or for the
    tables named (those whose binding the log records).
    """

    def __init__(self, key: bytes, required: bool | frozenset[str]) -> None:
        self._key = key
        self.required = required
        # HMAC-SHA-256 (RFC 2104) with its two keyed states computed once: verification tags every
        # row, and a one-shot HMAC call sets the key up again each time (measured 2.4x slower here).
        padded = key.ljust(64, b"\x00")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def requiring(self, required: bool | frozenset[str]) -> "RowTags":
        """The same key with another ``required``."""
        return RowTags(self._key, required)

    def due(self, table: str) -> bool:
        """Whether rows of ``table`` must carry a tag."""
        return self.required if isinstance(self.required, bool) else table in self.required

    def tag(self, table: str, values: Sequence[Any]) -> bytes:
        """The tag of one row, ``values`` in the order of ``BOUND[table]``."""
        inner = self._inner.copy()
        inner.update(_encode(table, values))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def matches(self, table: str, values: Sequence[Any], tag: bytes | None) -> bool:
        """Whether ``tag`` is right for the row (an untagged row passes only while not ``required``)."""
        if tag is None:
            return not self.due(table)
        return hmac.compare_digest(self.tag(table, values), tag)

    def matcher(self, table: str) -> Callable[[Sequence[Any], bytes | None], bool]:
        """``matches`` for one table with everything bound once (verification calls it per row)."""
        required, equal, encode, outer = self.due(table), hmac.compare_digest, _encode_values, self._outer
        inner = self._inner.copy()
        inner.update(_DOMAIN + table.encode() + b"\x00")  # the prefix every row of the table shares
        join = b"".join

        def matches(values: Sequence[Any], tag: bytes | None) -> bool:
            if tag is None:
                return not required
            row_inner = inner.copy()
            row_inner.update(join(encode(values)))
            row_outer = outer.copy()
            row_outer.update(row_inner.digest())
            return equal(row_outer.digest(), tag)

        return matches

    def check(self, table: str, values: Sequence[Any], tag: bytes | None) -> None:
        """Raise ``RowTampered`` unless ``matches``."""
        if not self.matches(table, values, tag):
            raise RowTampered(
                f"A row of {table} ({values[0]}) was changed outside Evidence Desk: its links or values no "
                "longer match what the workspace wrote. Run 'log verify' and restore from a backup."
            )

    def check_stored(self, conn: sqlite3.Connection, table: str, row_id: Any) -> None:
        """Check the stored row's tag before rewriting part of it: a write never launders an edit.

        ``row_id``: the key's value, or a tuple of them for a table in ``KEYS``.
        """
        row = self._stored(conn, table, row_id, ", row_tag")
        if row is not None:
            self.check(table, self._with_children(conn, table, row[:-1]), row[-1])

    def retag(self, conn: sqlite3.Connection, table: str, row_id: Any) -> None:
        """Recompute one row's tag from what is stored now (call after every write to the row)."""
        row = self._stored(conn, table, row_id, "")
        if row is not None:
            keys = _key_values(row_id)
            tag = self.tag(table, self._with_children(conn, table, row))
            conn.execute(f"UPDATE {table} SET row_tag = ? WHERE {_where(table)}", (tag, *keys))

    def write(self, conn: sqlite3.Connection, table: str, row_id: Any) -> "_Rewrite":
        """``with rows.write(conn, table, key):`` check the stored tag, let the body write, retag."""
        return _Rewrite(self, conn, table, row_id)

    @staticmethod
    def _stored(conn: sqlite3.Connection, table: str, row_id: Any, extra: str) -> tuple[Any, ...] | None:
        row = conn.execute(
            f"SELECT {', '.join(BOUND[table])}{extra} FROM {table} WHERE {_where(table)}", _key_values(row_id)
        ).fetchone()
        return tuple(row) if row is not None else None

    @staticmethod
    def _with_children(conn: sqlite3.Connection, table: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return values + (children_value(conn, table, values[0]),) if table in CHILDREN else values

    def untagged(self, conn: sqlite3.Connection) -> dict[str, int]:
        """How many rows of each bound table have no tag yet."""
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table} WHERE row_tag IS NULL").fetchone()[0])
            for table in present_tables(conn)
        }

    def tag_all_untagged(self, conn: sqlite3.Connection, only: frozenset[str] | None = None) -> dict[str, int]:
        """Tag every untagged row of the present tables (or of ``only``).

        The one-time binding of a workspace from before their tags (schema v8, v10).
        """
        counts: dict[str, int] = {}
        for table in present_tables(conn):
            if only is not None and table not in only:
                continue
            columns = BOUND[table]
            rows = conn.execute(f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE row_tag IS NULL").fetchall()
            children = all_children_values(conn, table) if table in CHILDREN else {}
            values = [(r[0], tuple(r[1:]) + ((children.get(r[1], b""),) if table in CHILDREN else ())) for r in rows]
            conn.executemany(
                f"UPDATE {table} SET row_tag = ? WHERE rowid = ?", [(self.tag(table, v), rowid) for rowid, v in values]
            )
            counts[table] = len(rows)
        return counts


class _Rewrite:
    def __init__(self, rows: RowTags, conn: sqlite3.Connection, table: str, row_id: Any) -> None:
        self._args = (conn, table, row_id)
        self._rows = rows

    def __enter__(self) -> None:
        self._rows.check_stored(*self._args)

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self._rows.retag(*self._args)


def _key_values(row_id: Any) -> tuple[Any, ...]:
    return row_id if isinstance(row_id, tuple) else (row_id,)


def _where(table: str) -> str:
    return " AND ".join(f"{column} = ?" for column in key_columns(table))


def bind_new_tables(conn: sqlite3.Connection, key: bytes, bound: frozenset[str]) -> dict[str, int] | None:
    """Tag the rows of every present table whose binding the log does not record yet.

    Returns the counts to log as ``storage.rows-bound`` (None when every table is bound). Run only
    after a passed verification.
    """
    pending = frozenset(present_tables(conn)) - bound
    return RowTags(key, False).tag_all_untagged(conn, pending) if pending else None


def present_tables(conn: sqlite3.Connection) -> list[str]:
    """The bound tables this database has with their tag column (v8's from schema v8 on, all from v10)."""
    return [table for table in BOUND if any(row[1] == "row_tag" for row in conn.execute(f"PRAGMA table_info({table})"))]
