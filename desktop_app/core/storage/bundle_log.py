"""What a bundle needs from the custody log's tables: the Merkle leaves (entry hashes) by position.

Kept apart from ``custody_log`` so bundles read the log without reaching into its writer.
"""

import sqlite3


def leaf_hashes(conn: sqlite3.Connection, size: int) -> list[bytes]:
    """The first ``size`` entry hashes (RFC 6962 leaf hashes), in log order."""
    rows = conn.execute("SELECT entry_hash FROM log_entries WHERE seq <= ? ORDER BY seq", (size,)).fetchall()
    return [bytes(row[0]) for row in rows]
