"""The workspace: one reviewer's encrypted world, and every action on it.

Opening takes the instance lock, opens (and if needed migrates) the database and looks at the blob
folder, changing nothing; no key is needed for that. Unlocking derives the master key and verifies
the custody log against the anchor, and the tables against the log, *before anything is written*:
what it found is what is reported. A failed verification raises a persistent tampering alarm (kept
outside the data folder) and from then on nothing is written, signed or published until a person
acknowledges it, which is itself logged; only a passed verification lets it tidy the blob folder
(quarantine, never deletion) and tag rows from before row tags. A checkpoint replaces the anchored
one only if it provably extends it (an RFC 6962 consistency proof). Every action that changes the
workspace writes its custody event in the same transaction as the change.

``Workspace`` is the facade callers use; the work is done by its parts, one per seam: the keys
(``workspace_keys``), the custody log (``workspace_custody``) and the vault (``workspace_vault``),
which share a ``WorkspaceContext``.
"""

import sqlite3
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.keys import RecoveryKey
from desktop_app.core.crypto.signed_note import verifier_key_string
from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import WorkspaceMissing
from desktop_app.core.platform.instance_lock import InstanceLock
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.anchoring import Anchoring
from desktop_app.core.services.workspace_context import (
    UnlockedSession,
    WorkspaceContext,
    WorkspaceIdentity,
    read_meta,
)
from desktop_app.core.services.workspace_custody import (
    CHECKPOINT_MAX_AGE,
    Note,
    WorkspaceCustody,
    verification_record,
)
from desktop_app.core.services.workspace_files import DATABASE_NAME as DATABASE_NAME  # callers import it from here
from desktop_app.core.services.workspace_files import (
    clear_for_creation,
    database_path,
    is_complete,
    refuse_orphaned_anchor,
)
from desktop_app.core.services.workspace_keys import WorkspaceKeys, initialise
from desktop_app.core.services.workspace_reviewers import WorkspaceReviewers
from desktop_app.core.services.workspace_vault import WorkspaceVault
from desktop_app.core.storage.custody_log import CustodyLog, LoggedEvent, Verification
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.reviewer_slots import FIRST_SLOT
from desktop_app.core.storage.schema import MIGRATIONS
from desktop_app.core.storage.tamper_alarm import TamperAlarm
from desktop_app.core.storage.vault import EvidenceVault, StoredBlob, VaultVerification


class Workspace:
    """An open workspace. Create with ``create()`` or ``open()``; always ``close()``."""

    def __init__(
        self, paths: AppPaths, lock: InstanceLock, db: WorkspaceDatabase, secrets: SecretStore | None = None
    ) -> None:
        self.paths = paths
        self._lock = lock
        self._quiet_from: int | None = None  # the log's size when a reading session unlocked (``unlock``)
        with db.read() as reader:
            workspace_id, log_id, public = (read_meta(reader.conn, k) for k in ("workspace_id", "log_id", "public_key"))
        if workspace_id is None or log_id is None or public is None:
            raise WorkspaceMissing("The workspace was never finished being created. Create it again.")
        identity = WorkspaceIdentity(workspace_id, log_id, Ed25519PublicKey.from_public_bytes(public))
        self.workspace_id, self.log_id, self.public_key = workspace_id, log_id, identity.public_key
        self.origin = identity.origin
        self._context = WorkspaceContext(paths, db, identity)
        # Read before anything else: an unacknowledged alarm blocks every write from here on.
        self.anchoring = Anchoring(
            paths.anchors, workspace_id.hex(), self.origin, self.public_key, self.verifier_key(), secrets
        )
        self.custody = WorkspaceCustody(self._context, self.anchoring, self.verifier_key())
        self.keys = WorkspaceKeys(self._context, self.custody)
        self.reviewers = WorkspaceReviewers(self._context, self.custody)
        self.storage = WorkspaceVault(self._context, self.custody)

    @property
    def db(self) -> WorkspaceDatabase:
        """The workspace database (every part reads and writes through this one)."""
        return self._context.db

    @db.setter
    def db(self, db: WorkspaceDatabase) -> None:
        self._context.db = db

    # -- opening, creating, closing ------------------------------------------------------------

    @staticmethod
    def exists(paths: AppPaths) -> bool:
        """Whether a workspace database is in ``paths`` (looked at without opening it)."""
        return database_path(paths).exists()

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
            if not is_complete(database_path(paths)):
                raise WorkspaceMissing("Creating this workspace was interrupted before it finished. Create it again.")
            return cls(paths, lock, WorkspaceDatabase(database_path(paths), MIGRATIONS), secrets)
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
        refuse_orphaned_anchor(paths)
        paths.make_private()
        lock = InstanceLock(paths.workspace / "instance.lock")
        try:
            db = WorkspaceDatabase(clear_for_creation(paths), MIGRATIONS)
            recovery, master = initialise(db, passphrase, reviewer, params or kdf.calibrate())
            workspace = cls(paths, lock, db, secrets)
        except BaseException:
            lock.release()
            raise
        workspace.custody.publish_anchor()  # first: unlocking verifies against it, and a missing anchor fails
        workspace._unlock_with_master(master, FIRST_SLOT, [])
        return workspace, recovery

    def close(self, reason: str = "") -> None:
        """Lock (sealing a checkpoint if the log grew), close the database, release the instance.

        ``reason`` says why the app stopped when it was not the reviewer's Quit (``SIGTERM``, ...).
        """
        if self._context.session is not None:
            self.lock(reason)
        self.db.close()
        self._lock.release()

    # -- unlocking and locking -----------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        """Whether the keys are loaded."""
        return self._context.session is not None

    def _state(self) -> UnlockedSession:
        return self._context.require()

    @property
    def reviewer(self) -> str:
        """The unlocked reviewer: the actor of every event in this session."""
        return self._context.require().reviewer

    def reviewer_for(self, passphrase: str, name: str | None = None) -> str:
        """The reviewer whose slot ``passphrase`` opens (``name``'s, if given); nothing changes.

        For a second person confirming an act. Raises ``WrongPassphrase`` when no slot opens.
        """
        master, slot = self.reviewers.open(passphrase, name)
        return self.reviewers.name_of(master, slot)

    def unlock(
        self,
        passphrase: str,
        external_notes: Iterable[Note] = (),
        quiet: bool = False,
        reviewer: str | None = None,
    ) -> Verification:
        """Unlock with a reviewer's passphrase. Returns the verification made before anything was written.

        The slot the passphrase opens names the reviewer (``reviewer`` narrows it to that name).

        ``external_notes`` are further checkpoints (exported files) to verify against. If the
        verification fails, the workspace is unlocked for reading but nothing is written.
        ``quiet``: a session that only reads (a CLI command that lists or shows). Its unlock is not
        recorded and its lock records nothing either, unless the session changed something: then a
        checkpoint seals what it wrote. Every change is logged as always; reading is not an action on
        the evidence worth an entry and a checkpoint each time.
        """
        master, slot = self.reviewers.open(passphrase, reviewer)
        if not quiet:
            return self._unlock_with_master(master, slot, [(EventType.WORKSPACE_UNLOCKED, {})], external_notes)
        verification = self._unlock_with_master(master, slot, [], external_notes, checkpoint=False)
        self._quiet_from = self.custody.log_size()
        return verification

    def unlock_with_recovery_key(
        self, recovery_text: str, new_passphrase: str, reviewer: str | None = None
    ) -> Verification:
        """Unlock with the recovery key and set ``reviewer``'s (else the first reviewer's) new passphrase.

        The passphrase is set at once, or right after acknowledging while tampering stands.
        """
        kdf.normalise_passphrase(new_passphrase)
        master = self.keys.master_from_recovery_key(recovery_text)
        slot = self.reviewers.slot_for(master, reviewer)
        verification = self._unlock_with_master(master, slot, [(EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY, {})])
        if self.anchoring.alarm is None:
            self.reviewers.rewrap(master, slot, new_passphrase)
        else:
            # Nothing is written while tampering stands: the new passphrase is set (and logged)
            # right after the acknowledgement, in this session; locking first forgets it.
            self._state().pending_passphrase = new_passphrase
        return verification

    def _unlock_with_master(
        self,
        master: bytes,
        slot: str,
        events: list[tuple[EventType, dict[str, Any]]],
        external_notes: Iterable[Note] = (),
        checkpoint: bool = True,
    ) -> Verification:
        self._context.session = self.keys.open_session(master, slot, self.reviewers.name_of(master, slot))
        # Read-only and first: nothing below may run if the log does not verify, because the first
        # append would re-seal a damaged head and the first checkpoint would bless a damaged log.
        verification = self.check_log(external_notes)
        if not verification.ok:
            self.anchoring.raise_alarm_for(verification)
        if self.anchoring.alarm is not None:
            return verification
        with self.db.write() as conn:
            for kind, data in events:
                self.custody.append(conn, kind, data)
            if verification.ok:
                self.storage.settle(conn)
                self.reviewers.seal_if_unsealed(conn)
            if events:
                self.custody.append(conn, EventType.LOG_VERIFIED, verification_record(verification))
            self.keys.recovery_slot_problem = self.keys.check_recovery_slot(conn, master)
        if checkpoint:
            self.checkpoint_if_due()
        return verification

    def lock(self, reason: str = "") -> None:
        """Record the lock (with ``reason`` if given), seal a checkpoint if the log grew, drop the keys.

        While tampering stands unacknowledged the keys are dropped and nothing is written.
        """
        if self._context.session is None:
            return
        quiet_from, self._quiet_from = self._quiet_from, None
        try:
            if self.anchoring.alarm is not None:
                return
            if quiet_from is None:
                self.record(EventType.WORKSPACE_LOCKED, {"reason": reason} if reason else {})
                self.checkpoint_if_due(max_age=timedelta(0))
            elif self.custody.log_size() > quiet_from:  # a reading session: a checkpoint only over what it wrote
                self.checkpoint_if_due(max_age=timedelta(0))
        finally:
            self._context.session = None
            self.custody.logged_digests.forget()  # what was decrypted from the log goes with the keys

    # -- keys (``WorkspaceKeys``) ----------------------------------------------------------------

    @property
    def recovery_slot_problem(self) -> str | None:
        """Why the recovery slot would not work, found at the latest unlock; None if it is sound."""
        return self.keys.recovery_slot_problem

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the master key under a new passphrase; nothing else is re-encrypted."""
        self.reviewers.change_passphrase(current, new)

    def replace_recovery_key(self) -> RecoveryKey:
        """Make a new recovery key (the old one stops working); returned once, never stored, logged."""
        return self.keys.replace_recovery_key()

    # -- the log (``WorkspaceCustody``) ----------------------------------------------------------

    def custody_log(self) -> CustodyLog:
        """The log, with keys if unlocked (otherwise it can only verify structure)."""
        return self.custody.custody_log()

    def append_event(
        self, conn: sqlite3.Connection, kind: EventType, data: dict[str, Any], subject: str | None = None
    ) -> int:
        """Append one event inside the caller's write transaction (for services' own actions)."""
        return self.custody.append(conn, kind, data, subject)

    def record(self, kind: EventType, data: dict[str, Any] | None = None, subject: str | None = None) -> int:
        """Append one event in its own transaction."""
        return self.custody.record(kind, data, subject)

    def events(self) -> list[LoggedEvent]:
        """Every event, decrypted (needs the workspace unlocked)."""
        return self.custody.events()

    def verifier_key(self) -> str:
        """The one-line public key that verifies this workspace's checkpoints."""
        return verifier_key_string(self.origin, self.public_key)

    @property
    def tampering(self) -> TamperAlarm | None:
        """The unacknowledged tampering alarm, or None."""
        return self.anchoring.alarm

    def check_log(self, external_notes: Iterable[Note] = ()) -> Verification:
        """Verify the log against the anchor, the keyring witness and ``external_notes``. Writes nothing.

        The single place verification happens: unlocking, ``log verify`` and the app's Verify all
        come here, and a failed answer raises the alarm in the callers.
        """
        return self.custody.check_log(external_notes)

    def verify_log(self, external_notes: Iterable[Note] = (), record: bool = True) -> Verification:
        """Verify (read-only, first), raise the alarm on failure, and record a success when unlocked."""
        return self.custody.verify_log(external_notes, record)

    def acknowledge_tampering(self, reason: str) -> str:
        """Record that a person has seen the detected tampering, and start a new anchored history.

        The acknowledgement event carries every detection, what verification finds now, and the
        anchored checkpoint being superseded; the old anchor is kept beside the new one. Returns
        the new checkpoint note. If the log itself is damaged (not merely contradicted), the next
        verification fails again: acknowledging records the finding, it does not repair history.
        A passphrase chosen at a recovery-key unlock while the alarm stood is set now.
        """
        note = self.custody.acknowledge_tampering(reason)
        self.reviewers.apply_pending_passphrase()
        return note

    def checkpoint(self) -> str:
        """Sign a checkpoint now, store it and publish it to the anchor file (see ``WorkspaceCustody``)."""
        return self.custody.checkpoint()

    def checkpoint_if_due(self, max_age: timedelta = CHECKPOINT_MAX_AGE) -> str | None:
        """Sign a checkpoint if the newest is older than ``max_age`` and the log has grown since."""
        return self.custody.checkpoint_if_due(max_age)

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note."""
        return self.custody.latest_checkpoint()

    # -- the vault (``WorkspaceVault``) ----------------------------------------------------------

    def vault(self) -> EvidenceVault:
        """The evidence vault (needs the workspace unlocked)."""
        return self.storage.vault()

    def fields(self) -> FieldCipher:
        """The cipher for encrypted columns and blind indexes (needs the workspace unlocked)."""
        return self._context.fields()

    @property
    def blob_dir(self) -> Path:
        """The folder of encrypted blobs."""
        return self._context.blob_dir

    def store_blob(
        self, chunks: Iterable[bytes], total: int | None = None, cancel: CancelToken | None = None
    ) -> ProgressGenerator[StoredBlob]:
        """Store content in the vault with its custody event in the same transaction."""
        return (yield from self.storage.store_blob(chunks, total, cancel))

    def destroy_blob(self, blob_id: str, reason: str) -> None:
        """Cryptographically erase a blob, log why, and seal a checkpoint."""
        self.storage.destroy_blob(blob_id, reason)

    def verify_vault(self, cancel: CancelToken | None = None) -> ProgressGenerator[VaultVerification]:
        """Authenticate every blob against its recorded digest and size (read-only; yields progress)."""
        return (yield from self.storage.verify_vault(cancel))
