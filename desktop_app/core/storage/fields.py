"""Encrypted columns and blind indexes: how sensitive values live in the workspace database.

Original file names, source metadata and content hashes are evidence about people; the database
file alone must reveal none of them. Each value is sealed with AES-GCM under the ``fields``
subkey, with associated data naming its table, column and row, so a ciphertext copied into
another row or column fails to open. Values are bytes: original file names are kept exactly as
the file system gave them (``os.fsencode``), including names that are not valid UTF-8.

Equality lookups (is this SHA-256 already stored? has this account been reported?) go through a
blind index: an HMAC under the ``blind-index`` subkey, per kind of value, so equal values can
be found without storing them in clear and without letting one kind be matched against another.
"""

import json
from typing import Any

from desktop_app.core.crypto.aead import OpenFailed, mac, open_sealed, seal
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.storage.row_tags import RowTags, row_tag_key


class FieldDamaged(EvidenceDeskError):
    """An encrypted column value failed to open: altered, moved, or from another workspace."""

    code = "field-damaged"


def _ad(table: str, column: str, row_id: str) -> bytes:
    return b"field/v1\x00" + table.encode() + b"\x00" + column.encode() + b"\x00" + row_id.encode()


class FieldCipher:
    """Seals and opens column values bound to (table, column, row id)."""

    def __init__(self, fields_key: bytes, blind_index_key: bytes, rows: RowTags | None = None) -> None:
        self._key = fields_key
        self._index_key = blind_index_key
        # The row tags travel with the cipher, so every store that seals cells also tags rows.
        self.rows = rows if rows is not None else RowTags(row_tag_key(fields_key), required=False)

    def seal(self, table: str, column: str, row_id: str, value: bytes) -> bytes:
        """Encrypt one value for one cell."""
        return seal(self._key, value, _ad(table, column, row_id))

    def open(self, table: str, column: str, row_id: str, sealed: bytes) -> bytes:
        """Decrypt one cell, or raise ``FieldDamaged``."""
        try:
            return open_sealed(self._key, sealed, _ad(table, column, row_id))
        except OpenFailed:
            raise FieldDamaged(
                f"A protected value in {table}.{column} (row {row_id}) was altered. Run 'log verify' and "
                "restore the workspace from a backup if it fails."
            ) from None

    def seal_json(self, table: str, column: str, row_id: str, value: Any) -> bytes:
        """Encrypt a JSON-serialisable value (source metadata and the like)."""
        return self.seal(table, column, row_id, json.dumps(value, sort_keys=True, ensure_ascii=False).encode())

    def open_json(self, table: str, column: str, row_id: str, sealed: bytes) -> Any:
        """Decrypt what ``seal_json`` wrote."""
        return json.loads(self.open(table, column, row_id, sealed))

    def blind_index(self, kind: str, value: bytes) -> bytes:
        """A keyed, deterministic index of ``value`` for equality lookups of one ``kind``."""
        return mac(self._index_key, b"blind-index/v1\x00" + kind.encode() + b"\x00" + value)
