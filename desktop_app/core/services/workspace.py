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
"""

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop_app import __version__
from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.aead import OpenFailed, hkdf, mac, open_sealed, seal
from desktop_app.core.crypto.keys import (
    RecoveryKey,
    Subkeys,
    new_master_key,
    unwrap_with_passphrase,
    wrap_with_passphrase,
)
from desktop_app.core.crypto.signed_note import sign_note, verifier_key_string
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import (
    AcknowledgementReasonRequired,
    KdfParametersRejected,
    LogIntegrityError,
    NothingToAcknowledge,
    WorkspaceExists,
    WorkspaceLocked,
    WorkspaceMissing,
    WrongPassphrase,
)
from desktop_app.core.platform.instance_lock import InstanceLock
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.anchoring import Anchoring
from desktop_app.core.storage import vault as vault_module
from desktop_app.core.storage.anchor import Anchor
from desktop_app.core.storage.custody_log import CustodyLog, LoggedEvent, LogKeys, Verification
from desktop_app.core.storage.database import (
    WorkspaceDatabase,
    damage_is_typed,
    damaged,
    is_damage,
    sqlite_version,
)
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.reconciliation import LogReplay, Reconciliation, reconcile
from desktop_app.core.storage.row_tags import RowTags, row_tag_key
from desktop_app.core.storage.schema import MIGRATIONS
from desktop_app.core.storage.tamper_alarm import TamperAlarm
from desktop_app.core.storage.vault import EvidenceVault, StoredBlob, SweepReport, VaultKeys, VaultVerification

DATABASE_NAME = "workspace.db"
CHECKPOINT_MAX_AGE = timedelta(days=1)
_RECOVERY_CHECK_INFO = b"evidence-desk/v1/recovery-slot-check"


def _recovery_slot_mac(master: bytes, workspace_id: bytes, wrapped: bytes) -> bytes:
    # The slot cannot be opened without the recovery key, so its integrity is checked by a MAC
    # under a key only the master key yields: a damaged or replaced slot is noticed at unlock.
    return mac(hkdf(master, workspace_id, _RECOVERY_CHECK_INFO), b"recovery-slot/v1\x00" + wrapped)


def _meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM workspace_meta WHERE key = ?", (key,)).fetchone()
    return bytes(row[0]) if row else None


def _set_meta(conn: sqlite3.Connection, key: str, value: bytes) -> None:
    conn.execute("INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)", (key, value))


class _Unlocked:
    """What exists only while the workspace is unlocked."""

    def __init__(self, master: bytes, subkeys: Subkeys, signing_key: Ed25519PrivateKey, reviewer: str) -> None:
        self.master = master  # kept only to re-create a damaged recovery slot
        self.pending_passphrase: str | None = None
        self.subkeys = subkeys
        self.signing_key = signing_key
        self.reviewer = reviewer
        self.row_tag_key = row_tag_key(subkeys.fields)
        self.rows_bound = False  # set from the log at unlock: whether every row must carry its tag


class Workspace:
    """An open workspace. Create with ``create()`` or ``open()``; always ``close()``."""

    def __init__(
        self, paths: AppPaths, lock: InstanceLock, db: WorkspaceDatabase, secrets: SecretStore | None = None
    ) -> None:
        self.paths = paths
        self.db = db
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
        # Read before anything else: an unacknowledged alarm blocks every write from here on.
        self.anchoring = Anchoring(
            paths.anchors, workspace_id.hex(), self.origin, self.public_key, self.verifier_key(), secrets
        )
        self.recovery_slot_problem: str | None = None
        # Only looked at now; tidied once verification has passed (nothing irreversible before).
        self.sweep_report: SweepReport = vault_module.scan(self.blob_dir, db)
        self.reconciliation: Reconciliation | None = None  # of the latest verification with keys

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
        workspace._publish_anchor()  # first: unlocking verifies against it, and a missing anchor fails
        workspace._unlock_with_master(master, [])
        return workspace, recovery

    @staticmethod
    def _initialise(
        db: WorkspaceDatabase, passphrase: str, reviewer: str, params: kdf.KdfParams
    ) -> tuple[RecoveryKey, bytes]:
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
                "recovery_slot_mac": _recovery_slot_mac(master, workspace_id, recovery_slot),
            }.items():
                _set_meta(conn, key, value)
            conn.execute(
                "INSERT INTO key_slots (kind, kdf, wrapped) VALUES ('passphrase', ?, ?), ('recovery', '', ?)",
                (
                    params.to_json(),
                    wrap_with_passphrase(master, passphrase, params, workspace_id),
                    recovery_slot,
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

    def passphrase_matches(self, passphrase: str) -> bool:
        """Whether ``passphrase`` opens the passphrase slot (a second person confirming an act); nothing changes."""
        try:
            self._master_from_passphrase(passphrase)
        except WrongPassphrase:
            return False
        return True

    def unlock(
        self, passphrase: str, external_notes: Iterable[str | tuple[str, str]] = (), quiet: bool = False
    ) -> Verification:
        """Unlock with the passphrase. Returns the verification made before anything was written.

        ``external_notes`` are further checkpoints (exported files) to verify against. If the
        verification fails, the workspace is unlocked for reading but nothing is written.
        ``quiet``: a session that only reads (a CLI command that lists or shows). Its unlock is not
        recorded and its lock records nothing either, unless the session changed something: then a
        checkpoint seals what it wrote. Every change is logged as always; reading is not an action on
        the evidence worth an entry and a checkpoint each time.
        """
        master = self._master_from_passphrase(passphrase)
        if not quiet:
            return self._unlock_with_master(master, [(EventType.WORKSPACE_UNLOCKED, {})], external_notes)
        verification = self._unlock_with_master(master, [], external_notes, checkpoint=False)
        with self.db.read() as reader:
            self._quiet_from = self.custody_log().size(reader.conn)
        return verification

    def unlock_with_recovery_key(self, recovery_text: str, new_passphrase: str) -> Verification:
        """Unlock with the recovery key and set a new passphrase at once (not while tampering stands)."""
        kdf.normalise_passphrase(new_passphrase)
        master = RecoveryKey.parse(recovery_text).unwrap(self._slot("recovery")[1], self.workspace_id)
        verification = self._unlock_with_master(master, [(EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY, {})])
        if self._alarm is None:
            self._rewrap_passphrase(master, new_passphrase)
        else:
            # Nothing is written while tampering stands: the new passphrase is set (and logged)
            # right after the acknowledgement, in this session; locking first forgets it.
            self._state().pending_passphrase = new_passphrase
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
        self,
        master: bytes,
        events: list[tuple[EventType, dict[str, Any]]],
        external_notes: Iterable[str | tuple[str, str]] = (),
        checkpoint: bool = True,
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
        self._unlocked = _Unlocked(master, subkeys, signing_key, reviewer)
        # Read-only and first: nothing below may run if the log does not verify, because the first
        # append would re-seal a damaged head and the first checkpoint would bless a damaged log.
        verification = self.check_log(external_notes)
        if not verification.ok:
            self.anchoring.raise_alarm_for(verification)
        if self._alarm is not None:
            return verification
        with self.db.write() as conn:
            for kind, data in events:
                self._append(conn, kind, data)
            if verification.ok:
                self._settle_storage(conn)
            if events:
                self._append(conn, EventType.LOG_VERIFIED, self._verification_record(verification))
            self.recovery_slot_problem = self._check_recovery_slot(conn, master)
        if checkpoint:
            self.checkpoint_if_due()
        return verification

    def lock(self, reason: str = "") -> None:
        """Record the lock (with ``reason`` if given), seal a checkpoint if the log grew, drop the keys.

        While tampering stands unacknowledged the keys are dropped and nothing is written.
        """
        if self._unlocked is None:
            return
        quiet_from, self._quiet_from = self._quiet_from, None
        try:
            if self._alarm is not None:
                return
            if quiet_from is None:
                self.record(EventType.WORKSPACE_LOCKED, {"reason": reason} if reason else {})
                self.checkpoint_if_due(max_age=timedelta(0))
            else:  # a reading session (``unlock(quiet=True)``): a checkpoint only over what it wrote
                with self.db.read() as reader:
                    grew = self.custody_log().size(reader.conn) > quiet_from
                if grew:
                    self.checkpoint_if_due(max_age=timedelta(0))
        finally:
            self._unlocked = None

    # -- the recovery slot ---------------------------------------------------------------------

    def _check_recovery_slot(self, conn: sqlite3.Connection, master: bytes) -> str | None:
        """Why the recovery slot would not work on the day it is needed, or None if it is sound."""
        row = conn.execute("SELECT wrapped FROM key_slots WHERE kind = 'recovery'").fetchone()
        if row is None:
            return "The recovery key slot is missing: the recovery key no longer opens this workspace."
        expected = _recovery_slot_mac(master, self.workspace_id, bytes(row[0]))
        stored = _meta(conn, "recovery_slot_mac")
        if stored is None:
            # Workspaces made before the check existed: the slot is taken as it is now, once.
            _set_meta(conn, "recovery_slot_mac", expected)
            return None
        if stored != expected:
            return "The recovery key slot is damaged: the recovery key would not open this workspace."
        return None

    def replace_recovery_key(self) -> RecoveryKey:
        """Make a new recovery key (the old one stops working); returned once, never stored, logged."""
        state = self._state()
        recovery = RecoveryKey.generate()
        wrapped = recovery.wrap(state.master, self.workspace_id)
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO key_slots (kind, kdf, wrapped) VALUES ('recovery', '', ?)", (wrapped,))
            _set_meta(conn, "recovery_slot_mac", _recovery_slot_mac(state.master, self.workspace_id, wrapped))
            self._append(conn, EventType.RECOVERY_KEY_REPLACED, {"previous_slot_problem": self.recovery_slot_problem})
        self.recovery_slot_problem = None
        self.checkpoint()
        return recovery

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
        state = self._state()
        self._refuse_if_tampered()
        return self.custody_log().append(conn, CustodyEvent(kind, state.reviewer, data, subject))

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
        return self.anchoring.anchor_file

    def verifier_key(self) -> str:
        """The one-line public key that verifies this workspace's checkpoints."""
        return verifier_key_string(self.origin, self.public_key)

    @property
    def alarm_file(self) -> Path:
        """Where this workspace's tampering state lives (beside the anchor, outside the data folder)."""
        return self.anchoring.alarm_file

    @property
    def tampering(self) -> TamperAlarm | None:
        """The unacknowledged tampering alarm, or None."""
        return self.anchoring.alarm

    @property
    def _alarm(self) -> TamperAlarm | None:
        return self.anchoring.alarm

    def _refuse_if_tampered(self) -> None:
        self.anchoring.refuse_if_tampered()

    def check_log(self, external_notes: Iterable[str | tuple[str, str]] = ()) -> Verification:
        """Verify the log against the anchor, the keyring witness and ``external_notes``. Writes nothing.

        The single place verification happens: unlocking, ``log verify`` and the app's Verify all
        come here, and a failed answer raises the alarm in the callers.
        """
        problem, anchored = self.anchoring.notes_for_verification()
        if problem is not None:
            return Verification(0, 0, self.is_unlocked, problem, None)
        with self.db.read() as reader:
            # The tables are reconciled with the log in the same read snapshot, once the log verified.
            return self._verify_and_reconcile(reader.conn, [*external_notes, *anchored])

    def verify_log(self, external_notes: Iterable[str | tuple[str, str]] = (), record: bool = True) -> Verification:
        """Verify (read-only, first), raise the alarm on failure, and record a success when unlocked."""
        verification = self.check_log(external_notes)
        if not verification.ok:
            self.anchoring.raise_alarm_for(verification)
        elif record:
            self.record_verification(verification)
        return verification

    def record_verification(self, verification: Verification) -> None:
        """Log a passed verification (when unlocked and no tampering stands): proof it was checked."""
        if verification.ok and self.is_unlocked and self._alarm is None:
            self.record(EventType.LOG_VERIFIED, self._verification_record(verification))

    def acknowledge_tampering(self, reason: str) -> str:
        """Record that a person has seen the detected tampering, and start a new anchored history.

        The acknowledgement event carries every detection, what verification finds now, and the
        anchored checkpoint being superseded; the old anchor is kept beside the new one. Returns
        the new checkpoint note. If the log itself is damaged (not merely contradicted), the next
        verification fails again: acknowledging records the finding, it does not repair history.
        """
        state = self._state()
        if not reason.strip():
            raise AcknowledgementReasonRequired("Say why you acknowledge the tampering; the custody log keeps it.")
        alarm = self._alarm
        if alarm is None:
            raise NothingToAcknowledge("No tampering is on record for this workspace; there is nothing to acknowledge.")
        now = self.check_log()
        log = self.custody_log()
        with self.db.write() as conn:
            log.append(
                conn,
                CustodyEvent(
                    EventType.TAMPERING_ACKNOWLEDGED,
                    state.reviewer,
                    {
                        "reason": reason.strip(),
                        "detections": [d.to_dict() for d in alarm.detections],
                        "verification_now": self._verification_record(now),
                        "superseded_anchor": self.anchoring.anchored_note(),
                    },
                ),
            )
            note = log.sign_checkpoint(conn, state.signing_key, state.reviewer)
            _set_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        found = [d.problem for d in alarm.detections] + ([now.problem] if now.problem else [])
        self.anchoring.supersede(note, found)
        if state.pending_passphrase is not None:
            pending, state.pending_passphrase = state.pending_passphrase, None
            self._rewrap_passphrase(state.master, pending)
        return note

    @staticmethod
    def _verification_record(verification: Verification) -> dict[str, Any]:
        return {
            "ok": verification.ok,
            "entries": verification.entries,
            "problem": verification.problem,
            "first_bad_seq": verification.first_bad_seq,
        }

    def checkpoint(self) -> str:
        """Sign a checkpoint now, store it and publish it to the anchor file.

        Refused while tampering stands, and refused (raising the alarm) if the new checkpoint does
        not extend the anchored one: a signature must never bless a log that lost anchored history.
        """
        state = self._state()
        self._refuse_if_tampered()
        with self.db.write() as conn:
            note = self.custody_log().sign_checkpoint(
                conn, state.signing_key, state.reviewer, self.anchoring.require_extends
            )
            _set_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        self.anchoring.publish(note)
        return note

    def checkpoint_if_due(self, max_age: timedelta = CHECKPOINT_MAX_AGE) -> str | None:
        """Sign a checkpoint if the newest is older than ``max_age`` and the log has grown since.

        Never while tampering stands: that is the signature detection must not be laundered by.
        """
        if self._alarm is not None:
            return None
        with self.db.write() as conn:
            log = self.custody_log()
            latest = conn.execute("SELECT max(size) FROM log_checkpoints").fetchone()[0]
            # The newest checkpoint is followed by its own announcement; more than that is growth.
            grown = latest is None or latest + 1 < log.size(conn)
            stamp = _meta(conn, "last_checkpoint_at")
        age = datetime.now(UTC) - datetime.fromisoformat(stamp.decode()) if stamp else max_age
        return self.checkpoint() if grown and age >= max_age else None

    def sign_statement(self, text: str) -> str:
        """Sign ``text`` as a note with the checkpoint key: how a bundle vouches for its manifest."""
        return sign_note(text, self.origin, self._state().signing_key)

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note."""
        with self.db.read() as reader:
            return self.custody_log().latest_checkpoint(reader.conn)

    def anchor_text(self) -> str:
        """The verifier key and the latest checkpoint: what the anchor holds and exports carry."""
        return Anchor(self.verifier_key(), self.latest_checkpoint() or "").to_text()

    def _publish_anchor(self) -> None:
        note = self.latest_checkpoint()
        if note is not None:
            self.anchoring.publish(note)

    # -- the vault -----------------------------------------------------------------------------

    def vault(self) -> EvidenceVault:
        """The evidence vault (needs the workspace unlocked)."""
        keys = self._state().subkeys
        return EvidenceVault(self.blob_dir, self.db, VaultKeys(keys.dek_wrap, self.fields()))

    def fields(self) -> FieldCipher:
        """The cipher for encrypted columns and blind indexes (needs the workspace unlocked)."""
        state = self._state()
        rows = RowTags(state.row_tag_key, state.rows_bound)
        return FieldCipher(state.subkeys.fields, state.subkeys.blind_index, rows)

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

    def verify_vault(self, cancel: CancelToken | None = None) -> ProgressGenerator[VaultVerification]:
        """Authenticate every blob against its recorded digest and size (read-only; yields progress)."""
        return (yield from self.vault().verify_all(cancel))

    # -- binding rows to the log (issue 15) ----------------------------------------------------

    def _verify_and_reconcile(self, conn: sqlite3.Connection, notes: list[Any]) -> Verification:
        """The log's verification and, when it passed with keys, the reconciliation of the tables with it.

        The reconciliation replays the entries as the verification decrypts them (one pass over the
        log), and runs on the same read snapshot. Read-only.
        """
        log = self.custody_log()
        replay = LogReplay() if self.is_unlocked else None
        log.on_entry = replay.feed if replay is not None else None
        verification = log.verify(conn, notes)
        if replay is None or not verification.ok:
            return verification
        try:
            self.reconciliation = reconcile(conn, replay, self.fields().rows)
        except sqlite3.DatabaseError as error:  # a damaged table page: a failed answer, like the log's own
            if not is_damage(error):
                raise
            return replace(verification, problem=damaged(self.db.path, error).message)
        self._state().rows_bound = self.reconciliation.tags_required
        if self.reconciliation.ok:
            return verification
        return replace(verification, problem=self.reconciliation.problem)

    def _settle_storage(self, conn: sqlite3.Connection) -> None:
        """After a passed verification: tidy the blob folder, tag rows from before row tags; log both."""
        self.sweep_report = vault_module.tidy(self.blob_dir, self.sweep_report)
        if not self.sweep_report.clean:
            self._append(
                conn,
                EventType.SWEEP_REPORT,
                {
                    "removed_temp_files": self.sweep_report.removed_temp_files,
                    "quarantined_blobs": self.sweep_report.unreferenced_blobs,
                    "restored_blobs": self.sweep_report.restored_blobs,
                    "missing_blobs": self.sweep_report.missing_blobs,
                    "damaged_blobs": self.sweep_report.damaged_blobs,
                },
            )
        state = self._state()
        if not state.rows_bound:
            counts = RowTags(state.row_tag_key, False).tag_all_untagged(conn)
            self._append(conn, EventType.ROWS_BOUND, counts)
            state.rows_bound = True
