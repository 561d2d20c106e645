"""The workspace: one reviewer's encrypted world, and every action on it.

Opening takes the instance lock, opens (and if needed migrates) the database and sweeps crash
leftovers; no key is needed for that. Unlocking derives the master key, verifies the custody log
against the anchor, and logs the outcome. Every action that changes the workspace writes its
custody event in the same transaction as the change.
"""

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop_app import __version__
from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.aead import OpenFailed, open_sealed, seal
from desktop_app.core.crypto.keys import (
    RecoveryKey,
    Subkeys,
    new_master_key,
    unwrap_with_passphrase,
    wrap_with_passphrase,
)
from desktop_app.core.crypto.signed_note import verifier_key_string
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import (
    KdfParametersRejected,
    LogIntegrityError,
    WorkspaceExists,
    WorkspaceLocked,
    WorkspaceMissing,
)
from desktop_app.core.platform.instance_lock import InstanceLock
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.storage import vault as vault_module
from desktop_app.core.storage.anchor import Anchor, anchor_path, read_anchor, write_anchor
from desktop_app.core.storage.custody_log import CustodyLog, LoggedEvent, LogKeys, Verification
from desktop_app.core.storage.database import WorkspaceDatabase, damage_is_typed, sqlite_version
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.schema import MIGRATIONS
from desktop_app.core.storage.vault import EvidenceVault, StoredBlob, SweepReport, VaultKeys

DATABASE_NAME = "workspace.db"
CHECKPOINT_MAX_AGE = timedelta(days=1)


def _meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (key,)).fetchone()
    return bytes(row[0]) if row else None


def _set_meta(conn: sqlite3.Connection, key: str, value: bytes) -> None:
    conn.execute("INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (key, value))


class _Unlocked:
    """What exists only while the workspace is unlocked."""

    def __init__(self, subkeys: Subkeys, signing_key: Ed25519PrivateKey, reviewer: str) -> None:
        self.subkeys = subkeys
        self.signing_key = signing_key
        self.reviewer = reviewer


class Workspace:
    """An open workspace. Create with ``create()`` or ``open()``; always ``close()``."""

    def __init__(
        self, paths: AppPaths, lock: InstanceLock, db: WorkspaceDatabase, secrets: SecretStore | None = None
    ) -> None:
        self.paths = paths
        self.db = db
        # A second copy of the latest checkpoint, outside the file system: restoring both the data
        # and the config folder from a backup still meets a checkpoint the old log cannot satisfy.
        self._secrets = secrets
        self._lock = lock
        self._unlocked: _Unlocked | None = None
        self._quiet_from: int | None = None  # the log's size when a reading session unlocked (``unlock``)
        with db.read() as reader:
            workspace_id, log_id, public = (_meta(reader.conn, k) for k in ("workspace_id", "log_id", "public_key"))
        if workspace_id is None or log_id is None or public is None:
            raise WorkspaceMissing("The workspace was never finished being created. Create it again.")
        self.workspace_id = workspace_id
        self.log_id = log_id
        self.public_key = Ed25519PublicKey.from_public_bytes(public)
        self.origin = f"evidence-desk/{workspace_id.hex()}"
        self.sweep_report: SweepReport = vault_module.sweep(self.blob_dir, db)

    # -- opening, creating, closing ------------------------------------------------------------

    @staticmethod
    def _is_complete(database: Path) -> bool | None:
        """True for a finished workspace, False for an interrupted creation, None if there is no file.

        Opened read-write on purpose: after a crash in rollback-journal mode only a writable
        connection can roll the hot journal back; a read-only one would fail and make a real
        workspace look absent.
        """
        if not database.exists():
            return None
        with closing(sqlite3.connect(database)) as conn, damage_is_typed(database):
            try:
                return _meta(conn, "workspace_id") is not None
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return False
                raise

    @staticmethod
    def exists(paths: AppPaths) -> bool:
        """Whether a workspace database is in ``paths`` (looked at without opening it)."""
        return (paths.workspace / DATABASE_NAME).exists()

    @classmethod
    def open(cls, paths: AppPaths, secrets: SecretStore | None = None) -> "Workspace":
        """Open the existing workspace, locked."""
        if not cls.exists(paths):
            raise WorkspaceMissing(
                f"There is no workspace in {paths.workspace}. Create one with 'evidence-desk init' or the app."
            )
        paths.make_private()
        # The instance lock comes first: only then is this process the database's sole user.
        lock = InstanceLock(paths.workspace / "instance.lock")
        try:
            if not cls._is_complete(paths.workspace / DATABASE_NAME):
                raise WorkspaceMissing("Creating this workspace was interrupted before it finished. Create it again.")
            return cls(paths, lock, WorkspaceDatabase(paths.workspace / DATABASE_NAME, MIGRATIONS), secrets)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def create(
        cls,
        paths: AppPaths,
        passphrase: str,
        reviewer: str,
        params: kdf.KdfParams | None = None,
        secrets: SecretStore | None = None,
    ) -> tuple["Workspace", RecoveryKey]:
        """Create a workspace, unlocked. The recovery key is returned once and never stored."""
        kdf.normalise_passphrase(passphrase)  # refuse an empty passphrase before any work
        orphans = sorted(paths.anchors.glob("*.anchor")) if paths.anchors.exists() else []
        if orphans and not cls.exists(paths):
            raise WorkspaceExists(
                f"An anchor for workspace {orphans[0].stem} exists but its data is gone from "
                f"{paths.workspace}. Restore the workspace from a backup; only remove {orphans[0]} if you "
                "deliberately retired that workspace."
            )
        paths.make_private()
        lock = InstanceLock(paths.workspace / "instance.lock")
        try:
            database_path = paths.workspace / DATABASE_NAME
            complete = cls._is_complete(database_path)
            if complete:
                raise WorkspaceExists(f"A workspace already exists in {paths.workspace}; unlock it instead.")
            if complete is False:
                # An interrupted creation: its one transaction never committed, so it holds nothing.
                for leftover in (database_path, Path(f"{database_path}-wal"), Path(f"{database_path}-shm")):
                    leftover.unlink(missing_ok=True)
            db = WorkspaceDatabase(database_path, MIGRATIONS)
            recovery, master = cls._initialise(db, passphrase, reviewer, params or kdf.calibrate())
            workspace = cls(paths, lock, db, secrets)
        except BaseException:
            lock.release()
            raise
        workspace._unlock_with_master(master, [])
        workspace._publish_anchor()
        return workspace, recovery

    @staticmethod
    def _initialise(
        db: WorkspaceDatabase, passphrase: str, reviewer: str, params: kdf.KdfParams
    ) -> tuple[RecoveryKey, bytes]:
        workspace_id, log_id, master = os.urandom(16), os.urandom(16), new_master_key()
        subkeys = Subkeys.derive(master, workspace_id)
        signing_key = Ed25519PrivateKey.generate()
        recovery = RecoveryKey.generate()
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
            }.items():
                _set_meta(conn, key, value)
            conn.execute(
                "INSERT INTO key_slots (kind, kdf, wrapped) VALUES ('passphrase', ?, ?), ('recovery', '', ?)",
                (
                    params.to_json(),
                    wrap_with_passphrase(master, passphrase, params, workspace_id),
                    recovery.wrap(master, workspace_id),
                ),
            )
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
                    },
                ),
            )
            log.sign_checkpoint(conn, signing_key, reviewer)
            _set_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        return recovery, master

    def close(self, reason: str = "") -> None:
        """Lock (sealing a checkpoint if the log grew), close the database, release the instance.

        ``reason`` says why the app stopped when it was not the reviewer's Quit (``SIGTERM``, ...).
        """
        if self._unlocked is not None:
            self.lock(reason)
        self.db.close()
        self._lock.release()

    # -- keys ----------------------------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        """Whether the keys are loaded."""
        return self._unlocked is not None

    def _state(self) -> _Unlocked:
        if self._unlocked is None:
            raise WorkspaceLocked("The workspace is locked. Unlock it with your passphrase.")
        return self._unlocked

    def _slot(self, kind: str) -> tuple[str, bytes]:
        with self.db.read() as reader:
            rows = list(reader.query("SELECT kdf, wrapped FROM key_slots WHERE kind = ?", [kind]))
        if not rows:
            raise WorkspaceMissing(f"The workspace has no {kind} key slot; restore it from a backup.")
        return str(rows[0]["kdf"]), bytes(rows[0]["wrapped"])

    def _master_from_passphrase(self, passphrase: str) -> bytes:
        kdf.normalise_passphrase(passphrase)
        params_json, wrapped = self._slot("passphrase")
        params = kdf.KdfParams.from_json(params_json)  # caps checked before the KDF runs
        return unwrap_with_passphrase(wrapped, passphrase, params, self.workspace_id)

    def unlock(self, passphrase: str, quiet: bool = False) -> Verification:
        """Unlock with the passphrase; verifies the log and records both. Returns the verification.

        ``quiet``: a session that only reads (a CLI command that lists or shows). Its unlock is not
        recorded and its lock records nothing either, unless the session changed something: then a
        checkpoint seals what it wrote. Every change is logged as always; reading is not an action on
        the evidence worth an entry and a checkpoint each time.
        """
        master = self._master_from_passphrase(passphrase)
        if not quiet:
            return self._unlock_with_master(master, [(EventType.WORKSPACE_UNLOCKED, {})])
        verification = self._unlock_with_master(master, [], checkpoint=False)
        with self.db.read() as reader:
            self._quiet_from = self.custody_log().size(reader.conn)
        return verification

    def unlock_with_recovery_key(self, recovery_text: str, new_passphrase: str) -> Verification:
        """Unlock with the recovery key and set a new passphrase at once."""
        kdf.normalise_passphrase(new_passphrase)
        master = RecoveryKey.parse(recovery_text).unwrap(self._slot("recovery")[1], self.workspace_id)
        verification = self._unlock_with_master(master, [(EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY, {})])
        self._rewrap_passphrase(master, new_passphrase)
        return verification

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the master key under a new passphrase; nothing else is re-encrypted."""
        self._state()
        kdf.normalise_passphrase(new)
        self._rewrap_passphrase(self._master_from_passphrase(current), new)

    def _rewrap_passphrase(self, master: bytes, new_passphrase: str) -> None:
        try:
            old = kdf.KdfParams.from_json(self._slot("passphrase")[0])
            params = kdf.KdfParams.fresh(old.memory_kib, old.iterations, old.lanes)
        except KdfParametersRejected:  # damaged or tampered settings: the recovery key's way out
            params = kdf.calibrate()
        wrapped = wrap_with_passphrase(master, new_passphrase, params, self.workspace_id)
        with self.db.write() as conn:
            conn.execute(
                "UPDATE key_slots SET kdf = ?, wrapped = ? WHERE kind = 'passphrase'",
                (params.to_json(), wrapped),
            )
            self._append(conn, EventType.PASSPHRASE_CHANGED, {})
        self.checkpoint()

    def _unlock_with_master(
        self, master: bytes, events: list[tuple[EventType, dict[str, Any]]], checkpoint: bool = True
    ) -> Verification:
        subkeys = Subkeys.derive(master, self.workspace_id)
        with self.db.read() as reader:
            meta = {row["key"]: bytes(row["value"]) for row in reader.query("SELECT * FROM workspace_meta")}
        try:
            private = open_sealed(subkeys.signing_wrap, meta["signing_key"], b"signing-key-v1")
            reviewer = open_sealed(subkeys.fields, meta["reviewer"], b"workspace_meta.reviewer").decode()
        except (OpenFailed, KeyError):
            raise LogIntegrityError("The workspace's signing key record is damaged; restore from a backup.") from None
        signing_key = Ed25519PrivateKey.from_private_bytes(private)
        if signing_key.public_key().public_bytes_raw() != self.public_key.public_bytes_raw():
            raise LogIntegrityError("The workspace's signing key does not match its public key.")
        self._unlocked = _Unlocked(subkeys, signing_key, reviewer)
        verification = self.verify_log(record=False)
        with self.db.write() as conn:
            for kind, data in events:
                self._append(conn, kind, data)
            if not self.sweep_report.clean:
                self._append(
                    conn,
                    EventType.SWEEP_REPORT,
                    {
                        "removed_temp_files": self.sweep_report.removed_temp_files,
                        "removed_unreferenced_blobs": self.sweep_report.removed_unreferenced_blobs,
                        "missing_blobs": self.sweep_report.missing_blobs,
                        "damaged_blobs": self.sweep_report.damaged_blobs,
                    },
                )
            if events:
                self._append(conn, EventType.LOG_VERIFIED, self._verification_record(verification))
        if checkpoint:
            self.checkpoint_if_due()
        return verification

    def lock(self, reason: str = "") -> None:
        """Record the lock (with ``reason`` if given), seal a checkpoint if the log grew, drop the keys."""
        if self._unlocked is None:
            return
        quiet_from, self._quiet_from = self._quiet_from, None
        if quiet_from is None:
            self.record(EventType.WORKSPACE_LOCKED, {"reason": reason} if reason else {})
            self.checkpoint_if_due(max_age=timedelta(0))
        else:  # a reading session (``unlock(quiet=True)``): a checkpoint only over what it wrote
            with self.db.read() as reader:
                grew = self.custody_log().size(reader.conn) > quiet_from
            if grew:
                self.checkpoint_if_due(max_age=timedelta(0))
        self._unlocked = None

    # -- the log -------------------------------------------------------------------------------

    def custody_log(self) -> CustodyLog:
        """The log, with keys if unlocked (otherwise it can only verify structure)."""
        keys = None
        if self._unlocked is not None:
            keys = LogKeys(self._unlocked.subkeys.log_enc, self._unlocked.subkeys.log_head)
        return CustodyLog(self.log_id, self.origin, self.public_key, keys)

    def _append(
        self, conn: sqlite3.Connection, kind: EventType, data: dict[str, Any], subject: str | None = None
    ) -> int:
        return self.custody_log().append(conn, CustodyEvent(kind, self._state().reviewer, data, subject))

    def append_event(
        self, conn: sqlite3.Connection, kind: EventType, data: dict[str, Any], subject: str | None = None
    ) -> int:
        """Append one event inside the caller's write transaction (for services' own actions)."""
        return self._append(conn, kind, data, subject)

    def record(self, kind: EventType, data: dict[str, Any] | None = None, subject: str | None = None) -> int:
        """Append one event in its own transaction."""
        with self.db.write() as conn:
            return self._append(conn, kind, data or {}, subject)

    def events(self) -> list[LoggedEvent]:
        """Every event, decrypted (needs the workspace unlocked)."""
        self._state()
        with self.db.read() as reader:
            return list(self.custody_log().events(reader.conn))

    @property
    def anchor_file(self) -> Path:
        """Where this workspace's anchor lives."""
        return anchor_path(self.paths.anchors, self.workspace_id.hex())

    def verifier_key(self) -> str:
        """The one-line public key that verifies this workspace's checkpoints."""
        return verifier_key_string(self.origin, self.public_key)

    def verify_log(self, external_notes: Iterable[str] = (), record: bool = True) -> Verification:
        """Verify the log against the anchor and ``external_notes``; recorded when unlocked."""
        notes = list(external_notes)
        anchor = read_anchor(self.anchor_file)
        with self.db.read() as reader:
            if anchor is not None and anchor.verifier_key != self.verifier_key():
                verification = Verification(
                    0,
                    0,
                    self.is_unlocked,
                    (
                        "The workspace's signing key differs from the one pinned in its anchor file: the "
                        "database was replaced."
                    ),
                    None,
                )
            else:
                if anchor is not None:
                    notes.append(anchor.note)
                witness = self._secrets.get(self._witness_name) if self._secrets else None
                if witness:
                    notes.append(witness)
                verification = self.custody_log().verify(reader.conn, notes)
        if record and self.is_unlocked:
            self.record(EventType.LOG_VERIFIED, self._verification_record(verification))
        return verification

    @staticmethod
    def _verification_record(verification: Verification) -> dict[str, Any]:
        return {
            "ok": verification.ok,
            "entries": verification.entries,
            "problem": verification.problem,
            "first_bad_seq": verification.first_bad_seq,
        }

    def checkpoint(self) -> str:
        """Sign a checkpoint now, store it and publish it to the anchor file."""
        state = self._state()
        with self.db.write() as conn:
            note = self.custody_log().sign_checkpoint(conn, state.signing_key, state.reviewer)
            _set_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        self._publish_anchor()
        return note

    def checkpoint_if_due(self, max_age: timedelta = CHECKPOINT_MAX_AGE) -> str | None:
        """Sign a checkpoint if the newest is older than ``max_age`` and the log has grown since."""
        with self.db.write() as conn:
            log = self.custody_log()
            latest = conn.execute("SELECT max(size) FROM log_checkpoints").fetchone()[0]
            # The newest checkpoint is followed by its own announcement; more than that is growth.
            grown = latest is None or latest + 1 < log.size(conn)
            stamp = _meta(conn, "last_checkpoint_at")
        age = datetime.now(UTC) - datetime.fromisoformat(stamp.decode()) if stamp else max_age
        return self.checkpoint() if grown and age >= max_age else None

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note."""
        with self.db.read() as reader:
            return self.custody_log().latest_checkpoint(reader.conn)

    def anchor_text(self) -> str:
        """The verifier key and the latest checkpoint: what the anchor holds and exports carry."""
        return Anchor(self.verifier_key(), self.latest_checkpoint() or "").to_text()

    @property
    def _witness_name(self) -> str:
        return f"checkpoint/{self.workspace_id.hex()}"

    def _publish_anchor(self) -> None:
        note = self.latest_checkpoint()
        if note is not None:
            write_anchor(self.anchor_file, Anchor(self.verifier_key(), note))
            if self._secrets is not None:
                self._secrets.set(self._witness_name, note)

    # -- the vault -----------------------------------------------------------------------------

    def vault(self) -> EvidenceVault:
        """The evidence vault (needs the workspace unlocked)."""
        keys = self._state().subkeys
        return EvidenceVault(self.blob_dir, self.db, VaultKeys(keys.dek_wrap, self.fields()))

    def fields(self) -> FieldCipher:
        """The cipher for encrypted columns and blind indexes (needs the workspace unlocked)."""
        keys = self._state().subkeys
        return FieldCipher(keys.fields, keys.blind_index)

    @property
    def blob_dir(self) -> Path:
        """The folder of encrypted blobs."""
        return self.paths.workspace / "blobs"

    def store_blob(
        self, chunks: Iterable[bytes], total: int | None = None, cancel: CancelToken | None = None
    ) -> ProgressGenerator[StoredBlob]:
        """Store content in the vault with its custody event in the same transaction."""

        def log_stored(conn: sqlite3.Connection, blob: StoredBlob) -> None:
            self._append(
                conn,
                EventType.BLOB_STORED,
                {"sha256": blob.sha256, "size": blob.size, "new": blob.created},
                blob.blob_id,
            )

        return (yield from self.vault().store(chunks, total, cancel, log_stored))

    def destroy_blob(self, blob_id: str, reason: str) -> None:
        """Cryptographically erase a blob, log why, and seal a checkpoint."""
        self.vault().destroy(
            blob_id, lambda conn: self._append(conn, EventType.BLOB_DESTROYED, {"reason": reason}, blob_id)
        )
        self.checkpoint()
