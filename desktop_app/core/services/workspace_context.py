"""What the parts of a workspace share: its database, its identity, and the keys while unlocked.

``Workspace`` is a facade over three parts that each own one seam: the keys (``workspace_keys``),
the custody log (``workspace_custody``) and the evidence vault (``workspace_vault``). They share
this context rather than each other's internals, so the session (the keys that exist only while
the workspace is unlocked) has one owner and one way to ask for it.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop_app.core.crypto.keys import Subkeys
from desktop_app.core.errors import WorkspaceLocked
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.row_tags import RowTags, row_tag_key


def read_meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    """One ``workspace_meta`` value, or None."""
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (key,)).fetchone()
    return bytes(row[0]) if row else None


def write_meta(conn: sqlite3.Connection, key: str, value: bytes) -> None:
    """Set one ``workspace_meta`` value inside the caller's transaction."""
    conn.execute("INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (key, value))


@dataclass(frozen=True)
class WorkspaceIdentity:
    """What names a workspace and verifies its checkpoints; readable without any key."""

    workspace_id: bytes
    log_id: bytes
    public_key: Ed25519PublicKey

    @property
    def origin(self) -> str:
        """The checkpoint origin line: the workspace's id."""
        return f"evidence-desk/{self.workspace_id.hex()}"


class UnlockedSession:
    """What exists only while the workspace is unlocked."""

    def __init__(
        self, master: bytes, subkeys: Subkeys, signing_key: Ed25519PrivateKey, reviewer: str, slot: str = "passphrase"
    ) -> None:
        self.master = master  # kept to re-create a damaged recovery slot and to add reviewers' slots
        self.pending_passphrase: str | None = None
        self.subkeys = subkeys
        self.signing_key = signing_key
        self.reviewer = reviewer  # the actor of every event appended in this session
        self.slot = slot  # the key slot that opened this session
        self.row_tag_key = row_tag_key(subkeys.fields)
        self.rows_bound: frozenset[str] = frozenset()  # set from the log at unlock: tables whose rows need tags


class WorkspaceContext:
    """The database, paths and identity of one workspace, and its session while unlocked."""

    def __init__(self, paths: AppPaths, db: WorkspaceDatabase, identity: WorkspaceIdentity) -> None:
        self.paths = paths
        self.db = db
        self.identity = identity
        self.session: UnlockedSession | None = None

    def require(self) -> UnlockedSession:
        """The session, or ``WorkspaceLocked``."""
        if self.session is None:
            raise WorkspaceLocked("The workspace is locked. Unlock it with your passphrase.")
        return self.session

    @property
    def blob_dir(self) -> Path:
        """The folder of encrypted blobs."""
        return self.paths.workspace / "blobs"

    def fields(self) -> FieldCipher:
        """The cipher for encrypted columns and blind indexes (needs the workspace unlocked)."""
        session = self.require()
        rows = RowTags(session.row_tag_key, session.rows_bound)
        return FieldCipher(session.subkeys.fields, session.subkeys.blind_index, rows)
