"""An outsider's rollback of a row, for the tests that hold rows to the version the custody log saved last.

Each of them attacks the same way: with write access to the database file and no keys, copy a
row's columns (its row tag stays valid), let the app change the row, put the copy back, then see
what ``log verify`` and the code that acts on the row say (docs/row-binding.md).
"""

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from typing import Any


def copy_row(workspace: Any, table: str, columns: Sequence[str], key_column: str, key: object) -> tuple | None:
    """The row's ``columns`` as they are now (None: no such row)."""
    with workspace.db.read() as reader:
        query = f"SELECT {', '.join(columns)} FROM {table} WHERE {key_column} = ?"
        return reader.conn.execute(query, (key,)).fetchone()


def put_back(workspace: Any, table: str, columns: Sequence[str], key_column: str, key: object, row: tuple) -> None:
    """Write ``row`` (from ``copy_row``) over the row's columns, on a connection of the outsider's own."""
    with closing(sqlite3.connect(workspace.db.path, isolation_level=None)) as conn:
        sets = ", ".join(f"{column} = ?" for column in columns)
        conn.execute(f"UPDATE {table} SET {sets} WHERE {key_column} = ?", (*row, key))


def discrepancy_codes(workspace: Any) -> list[str]:
    """``log verify``'s reconciliation findings by code (none: the verification passed)."""
    verification = workspace.verify_log(record=False)
    reconciliation = workspace.custody.reconciliation
    assert reconciliation is not None
    assert verification.ok == (reconciliation.count == 0)
    return [d.code for d in reconciliation.discrepancies]
