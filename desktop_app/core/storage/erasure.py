"""Erasing an item's readable record: its wrapped blob key, its sources, names and analysis.

What remains of an erased item is its row (so reports and the log never point at nothing) with
its hashes and size, the fact of destruction (``item_destructions``), and the custody log. The
blob file is removed by the caller after the transaction commits; without its wrapped key the
file was already unreadable. ``secure_delete`` (set on every connection) zeroes the freed cells.
"""

import sqlite3

from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.item_records import ItemMeta, meta_from_json, meta_to_json


def erase_item(conn: sqlite3.Connection, fields: FieldCipher, item_id: str, note: str) -> str | None:
    """Erase ``item_id`` inside the caller's transaction; returns the blob id whose file must go."""
    row = conn.execute("SELECT blob_id, meta_ct FROM items WHERE item_id = ?", (item_id,)).fetchone()
    if row is None:
        return None
    blob_id, sealed = row
    fields.rows.check_stored(conn, "items", item_id)  # never turn an outside edit into a valid tag
    meta = meta_from_json(fields.open_json("items", "meta_ct", item_id, sealed))
    kept = ItemMeta(meta.outcome, None, meta.size, meta.digests, note, None)
    conn.execute(
        "UPDATE items SET meta_ct = ?, analysis_ct = NULL, review_ct = NULL WHERE item_id = ?",
        (fields.seal_json("items", "meta_ct", item_id, meta_to_json(kept)), item_id),
    )
    conn.execute("DELETE FROM item_sources WHERE item_id = ?", (item_id,))
    if blob_id is not None:
        # The foreign key sets items.blob_id to NULL.
        conn.execute("DELETE FROM blobs WHERE blob_id = ?", (blob_id,))
    fields.rows.retag(conn, "items", item_id)  # the row tag binds what is left: no blob, no sources
    return str(blob_id) if blob_id is not None else None
