"""The custody log's entry hashes as stored, for proofs an outsider checks without the keys.

A custody report proves each event it lists is in the signed checkpoint with an RFC 6962
inclusion proof, and a proof is built from every leaf hash of the tree (``log_entries.entry_hash``
in sequence order). Reading them needs no key: they are the public half of the log.
"""

import sqlite3


def entry_hashes(conn: sqlite3.Connection, size: int) -> list[bytes]:
    """The first ``size`` entry hashes, in sequence order (fewer if the log is shorter)."""
    rows = conn.execute("SELECT entry_hash FROM log_entries WHERE seq <= ? ORDER BY seq", (size,))
    return [bytes(row[0]) for row in rows]
