"""The workspace's keys: creating the key hierarchy, the recovery slot, and opening a session.

The master key is stored only wrapped, in key slots (``docs/vault-format.md``): under each
reviewer's passphrase (``workspace_reviewers``) and under the recovery key. Opening a slot yields the master key; the
session derives every subkey from it and opens the sealed signing key. The recovery slot cannot be
opened without the recovery key, so its integrity is checked by a MAC under a key only the master
key yields: a damaged or replaced slot is noticed at unlock, before the day it is needed.
"""

import os
import sqlite3
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_app import __version__
from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.aead import OpenFailed, open_sealed, seal
from desktop_app.core.crypto.keys import (
    RecoveryKey,
    Subkeys,
    new_master_key,
    wrap_with_passphrase,
)
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import LogIntegrityError, WorkspaceMissing
from desktop_app.core.services.workspace_context import UnlockedSession, WorkspaceContext, read_meta, write_meta
from desktop_app.core.services.workspace_custody import WorkspaceCustody
from desktop_app.core.storage import reviewer_slots
from desktop_app.core.storage.custody_log import CustodyLog, LogKeys
from desktop_app.core.storage.database import WorkspaceDatabase, sqlite_version
from desktop_app.core.storage.recovery_slot import check_slot, slot_digest, slot_mac

# Said in the creation entry: the reviewers' slot list has its check value from the start, so a
# check value that goes missing later is tampering, not a workspace from before the check.
SLOT_LIST_SEALED = {"reviewer_slots_sealed": True}


def initialise(
    db: WorkspaceDatabase, passphrase: str, reviewer: str, params: kdf.KdfParams
) -> tuple[RecoveryKey, bytes]:
    """Create the key hierarchy, the key slots and the log's first entry and checkpoint, in one transaction.

    Returns the recovery key (shown once, never stored) and the master key.
    """
    workspace_id, log_id, master = os.urandom(16), os.urandom(16), new_master_key()
    subkeys = Subkeys.derive(master, workspace_id)
    signing_key = Ed25519PrivateKey.generate()
    recovery = RecoveryKey.generate()
    recovery_slot = recovery.wrap(master, workspace_id)
    origin = f"evidence-desk/{workspace_id.hex()}"
    log = CustodyLog(log_id, origin, signing_key.public_key(), LogKeys(subkeys.log_enc, subkeys.log_head))
    with db.write() as conn:
        for key, value in {
            "workspace_id": workspace_id,
            "log_id": log_id,
            "public_key": signing_key.public_key().public_bytes_raw(),
            "signing_key": seal(subkeys.signing_wrap, signing_key.private_bytes_raw(), b"signing-key-v1"),
            "reviewer": seal(subkeys.fields, reviewer.encode(), b"workspace_meta.reviewer"),
            "created_at": datetime.now(UTC).isoformat().encode(),
            "recovery_slot_mac": slot_mac(master, workspace_id, recovery_slot),
        }.items():
            write_meta(conn, key, value)
        conn.execute(
            "INSERT INTO key_slots (kind, kdf, wrapped) VALUES ('passphrase', ?, ?), ('recovery', '', ?)",
            (params.to_json(), wrap_with_passphrase(master, passphrase, params, workspace_id), recovery_slot),
        )
        reviewer_slots.seal_list(conn, reviewer_slots.list_key(master, workspace_id))
        log.initialise(conn)
        log.append(
            conn,
            CustodyEvent(
                EventType.WORKSPACE_CREATED,
                reviewer,
                {
                    "app_version": __version__,
                    "kdf": {"m": params.memory_kib, "t": params.iterations, "p": params.lanes},
                    "sqlite": ".".join(map(str, sqlite_version())),
                    "journal_mode": db.journal_mode,
                    "recovery_slot_sha256": slot_digest(recovery_slot),  # storage.recovery_slot
                    **SLOT_LIST_SEALED,
                },
            ),
        )
        log.sign_checkpoint(conn, signing_key, reviewer)
        write_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
    return recovery, master


class WorkspaceKeys:
    """The key slots of one workspace and the sessions they open."""

    def __init__(self, context: WorkspaceContext, custody: WorkspaceCustody) -> None:
        self._context = context
        self._custody = custody
        self.recovery_slot_problem: str | None = None

    @property
    def _workspace_id(self) -> bytes:
        return self._context.identity.workspace_id

    def _slot(self, kind: str) -> tuple[str, bytes]:
        with self._context.db.read() as reader:
            rows = list(reader.query("SELECT kdf, wrapped FROM key_slots WHERE kind = ?", [kind]))
        if not rows:
            raise WorkspaceMissing(f"The workspace has no {kind} key slot; restore it from a backup.")
        return str(rows[0]["kdf"]), bytes(rows[0]["wrapped"])

    # -- opening -------------------------------------------------------------------------------

    def master_from_recovery_key(self, recovery_text: str) -> bytes:
        """Open the recovery slot or raise ``WrongRecoveryKey``."""
        return RecoveryKey.parse(recovery_text).unwrap(self._slot("recovery")[1], self._workspace_id)

    def open_session(self, master: bytes, slot: str, reviewer: str) -> UnlockedSession:
        """Derive the subkeys and open the signing key: the session of ``reviewer``, opened by ``slot``."""
        subkeys = Subkeys.derive(master, self._workspace_id)
        with self._context.db.read() as reader:
            sealed = read_meta(reader.conn, "signing_key")
        try:
            if sealed is None:
                raise OpenFailed("no signing key")
            private = open_sealed(subkeys.signing_wrap, sealed, b"signing-key-v1")
        except OpenFailed:
            raise LogIntegrityError("The workspace's signing key record is damaged; restore from a backup.") from None
        signing_key = Ed25519PrivateKey.from_private_bytes(private)
        if signing_key.public_key().public_bytes_raw() != self._context.identity.public_key.public_bytes_raw():
            raise LogIntegrityError("The workspace's signing key does not match its public key.")
        return UnlockedSession(master, subkeys, signing_key, reviewer, slot)

    # -- the recovery slot ---------------------------------------------------------------------

    def check_recovery_slot(self, conn: sqlite3.Connection, master: bytes) -> str | None:
        """Why the recovery slot would not work on the day it is needed, or None if it is sound."""
        row = conn.execute("SELECT wrapped FROM key_slots WHERE kind = 'recovery'").fetchone()
        reconciliation = self._custody.reconciliation
        logged = reconciliation.recovery_slot_sha256 if reconciliation is not None else None
        wrapped = bytes(row[0]) if row else None
        found = check_slot(wrapped, read_meta(conn, "recovery_slot_mac"), logged, master, self._workspace_id)
        if found.store_mac is not None:
            write_meta(conn, "recovery_slot_mac", found.store_mac)
        if found.record_digest is not None:
            self._custody.append(conn, EventType.RECOVERY_SLOT_RECORDED, {"recovery_slot_sha256": found.record_digest})
        return found.problem

    def replace_recovery_key(self) -> RecoveryKey:
        """Make a new recovery key (the old one stops working); returned once, never stored, logged."""
        session = self._context.require()
        recovery = RecoveryKey.generate()
        wrapped = recovery.wrap(session.master, self._workspace_id)
        with self._context.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO key_slots (kind, kdf, wrapped) VALUES ('recovery', '', ?)", (wrapped,))
            write_meta(conn, "recovery_slot_mac", slot_mac(session.master, self._workspace_id, wrapped))
            data = {"previous_slot_problem": self.recovery_slot_problem, "recovery_slot_sha256": slot_digest(wrapped)}
            self._custody.append(conn, EventType.RECOVERY_KEY_REPLACED, data)
        self.recovery_slot_problem = None
        self._custody.checkpoint()
        return recovery
