"""The reviewers of a workspace: a key slot each, opened by their own passphrase, and who acted.

Every reviewer's slot wraps the same master key (``storage.reviewer_slots``). Unlocking tries the
slots in turn (one Argon2id each: a wrong passphrase costs as many as there are reviewers) and the
slot that opens names the reviewer, who is the actor of every event in that session; ``--reviewer``
narrows it to one name. Adding and removing a reviewer are custody events by the unlocked reviewer,
written in the same transaction as the slot, which also reseals the list's check value.

What is checked at every verification with keys (``SlotListCheck``): the slots are exactly those
the custody log says were added and not removed (so a slot put back from an old copy is found even
with its old check value), and the check value matches the list (so a slot deleted, or a name
swapped, is found). Removing a reviewer stops their passphrase opening the workspace; it does not
re-key the workspace: someone who kept a copy of the files from before still holds the master key.
"""

import sqlite3
import unicodedata
import uuid

from desktop_app.core.crypto import kdf
from desktop_app.core.crypto.aead import OpenFailed, open_sealed, seal
from desktop_app.core.crypto.keys import Subkeys, unwrap_with_passphrase, wrap_with_passphrase
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.domain.reviewers import Reviewer
from desktop_app.core.errors import (
    EvidenceDeskError,
    KdfParametersRejected,
    LogIntegrityError,
    WorkspaceMissing,
    WrongPassphrase,
)
from desktop_app.core.services.workspace_context import WorkspaceContext
from desktop_app.core.services.workspace_custody import WorkspaceCustody
from desktop_app.core.storage import reviewer_slots as slots
from desktop_app.core.storage.reviewer_slots import FIRST_SLOT, SlotRow

MAX_NAME_CHARS = 200


class ReviewerRefused(EvidenceDeskError):
    """A change to the reviewers that would leave the workspace without a way in, or ambiguous."""

    code = "reviewer-refused"


def _same_name(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).strip().casefold() == unicodedata.normalize("NFC", b).strip().casefold()


class SlotListCheck:
    """Fed every log entry by the verification; then compares the slots with what the log recorded."""

    marker = b"reviewer"  # in the reviewer events' types and in the creation entry's "reviewer_slots_sealed"

    def __init__(self, list_key: bytes) -> None:
        self._key = list_key
        self.expected = {FIRST_SLOT}  # every workspace starts with its first reviewer's slot
        self.sealed = False  # whether the log says the list has a check value (then it must have one)

    def feed(self, seq: int, plaintext: bytes) -> None:
        """Take one entry's canonical JSON (one that contains ``marker``); only reviewer events count."""
        event = CustodyEvent.from_json(plaintext)
        slot = str(event.data.get("slot", ""))
        if event.type == EventType.REVIEWER_ADDED:
            self.expected.add(slot)
        elif event.type == EventType.REVIEWER_REMOVED:
            self.expected.discard(slot)
        elif event.type == EventType.WORKSPACE_CREATED:
            self.sealed = self.sealed or event.data.get("reviewer_slots_sealed") is True
            return
        elif event.type != EventType.REVIEWER_SLOTS_SEALED:
            return
        self.sealed = True

    def problem(self, conn: sqlite3.Connection) -> str | None:
        """Why the reviewers' slots cannot be trusted, or None."""
        actual = {slot.kind for slot in slots.slot_rows(conn)}
        unknown, missing = sorted(actual - self.expected), sorted(self.expected - actual)
        if unknown or missing:
            said = []
            if unknown:
                listed = ", ".join(unknown)
                said.append(f"{plural(len(unknown), 'key slot')} the custody log never recorded adding ({listed})")
            if missing:
                said.append(f"{plural(len(missing), 'recorded key slot')} missing ({', '.join(missing)})")
            return "The reviewers' key slots were changed outside Evidence Desk: " + "; ".join(said) + "."
        stored = slots.stored_list_mac(conn)
        if stored is None:
            if not self.sealed:
                return None  # a workspace from before reviewers' slots: sealed (and logged) at this unlock
            return "The reviewers' key slot list lost its check value: it was edited outside Evidence Desk."
        if stored != slots.list_mac(self._key, conn):
            return "The reviewers' key slots (a passphrase slot or a name) were changed outside Evidence Desk."
        return None


class WorkspaceReviewers:
    """The reviewers' key slots of one workspace."""

    def __init__(self, context: WorkspaceContext, custody: WorkspaceCustody) -> None:
        self._context = context
        self._custody = custody
        custody.checks.append(self._new_check)

    @property
    def _workspace_id(self) -> bytes:
        return self._context.identity.workspace_id

    def _new_check(self) -> SlotListCheck:
        return SlotListCheck(slots.list_key(self._context.require().master, self._workspace_id))

    def _rows(self) -> list[SlotRow]:
        with self._context.db.read() as reader:
            return slots.slot_rows(reader.conn)

    # -- opening -------------------------------------------------------------------------------

    def open(self, passphrase: str, reviewer: str | None = None) -> tuple[bytes, str]:
        """The master key and the slot that ``passphrase`` opens (``reviewer``'s, if named).

        Each slot's KDF settings are checked before its KDF runs; a slot with rejected settings is
        passed over, and its rejection raised only if no slot opened.
        """
        kdf.normalise_passphrase(passphrase)
        rows = self._rows()
        if not rows:
            raise WorkspaceMissing("The workspace has no reviewer's key slot; unlock with the recovery key.")
        rejected: KdfParametersRejected | None = None
        for row in rows:
            try:
                params = kdf.KdfParams.from_json(row.kdf)
                master = unwrap_with_passphrase(row.wrapped, passphrase, params, self._workspace_id, row.kind)
            except KdfParametersRejected as error:
                rejected = rejected or error
                continue
            except WrongPassphrase:
                continue
            if reviewer is None or _same_name(self.name_of(master, row.kind), reviewer):
                return master, row.kind
        if rejected is not None:
            raise rejected
        if reviewer is not None:
            raise WrongPassphrase(
                f"That is not {reviewer}'s passphrase, or there is no reviewer of that name. Check the name "
                "(evidence-desk workspace reviewers list), the keyboard layout and Caps Lock."
            )
        raise WrongPassphrase(
            "Wrong passphrase, or the workspace's key slot is damaged. Check the keyboard layout and "
            "Caps Lock; if it still fails, unlock with your recovery key."
        )

    def name_of(self, master: bytes, kind: str) -> str:
        """The reviewer's name sealed for slot ``kind``."""
        fields_key = Subkeys.derive(master, self._workspace_id).fields
        with self._context.db.read() as reader:
            sealed = slots.sealed_name(reader.conn, kind)
        try:
            if sealed is None:
                raise OpenFailed("no name")
            return open_sealed(fields_key, sealed, slots.name_location(kind)[1]).decode()
        except OpenFailed:
            raise LogIntegrityError(
                "A reviewer's name record is missing or damaged: it was changed outside Evidence Desk. "
                "Unlock with the recovery key, or restore from a backup."
            ) from None

    def slot_for(self, master: bytes, reviewer: str | None) -> str:
        """The slot of ``reviewer`` (by name), or the first reviewer's when None: for a recovery-key unlock."""
        rows = self._rows()
        if reviewer is None:
            if not rows:
                raise WorkspaceMissing("The workspace has no reviewer's key slot left to set a passphrase on.")
            return rows[0].kind
        for row in rows:
            if _same_name(self.name_of(master, row.kind), reviewer):
                return row.kind
        raise ReviewerRefused(f"There is no reviewer named {reviewer} in this workspace.")

    # -- listing and changing ------------------------------------------------------------------

    def list(self) -> list[Reviewer]:
        """Every reviewer, by name (needs the workspace unlocked)."""
        session = self._context.require()
        found = [
            Reviewer(self._listed_name(session.master, r.kind), r.kind, r.kind == session.slot) for r in self._rows()
        ]
        return sorted(found, key=lambda r: r.name.casefold())

    def _listed_name(self, master: bytes, kind: str) -> str:
        # A slot whose name was damaged or removed behind the app's back is still listed (and can be
        # removed by this placeholder), so one bad record does not hide the others.
        try:
            return self.name_of(master, kind)
        except LogIntegrityError:
            return f"(unreadable name, slot {kind})"

    def add(self, name: str, passphrase: str) -> Reviewer:
        """Add a reviewer with their own passphrase: a new slot, logged by the unlocked reviewer."""
        session = self._context.require()
        name = unicodedata.normalize("NFC", name).strip()
        if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
            raise ReviewerRefused(
                f"Give the reviewer's name as the custody log should show it (1 to {MAX_NAME_CHARS} characters)."
            )
        existing = next((r.name for r in self.list() if _same_name(r.name, name)), None)
        if existing is not None:
            raise ReviewerRefused(
                f"There is already a reviewer named {existing}; the custody log must tell reviewers apart."
            )
        kdf.normalise_passphrase(passphrase)
        kind = slots.SLOT_PREFIX + uuid.uuid4().hex
        params = self._fresh_params()
        row = SlotRow(
            kind, params.to_json(), wrap_with_passphrase(session.master, passphrase, params, self._workspace_id, kind)
        )
        sealed = seal(session.subkeys.fields, name.encode(), slots.name_location(kind)[1])
        with self._context.db.write() as conn:
            slots.put_slot(conn, row, sealed)
            slots.seal_list(conn, slots.list_key(session.master, self._workspace_id))
            self._custody.append(conn, EventType.REVIEWER_ADDED, {"slot": kind, "reviewer": name})
        self._custody.checkpoint()
        return Reviewer(name, kind)

    def remove(self, name: str) -> None:
        """Remove a reviewer's slot (never the last one, nor the unlocked reviewer's own), logged."""
        session = self._context.require()
        reviewers = self.list()
        target = next((r for r in reviewers if _same_name(r.name, name)), None)
        if target is None:
            raise ReviewerRefused(f"There is no reviewer named {name} in this workspace.")
        if len(reviewers) == 1:
            raise ReviewerRefused(f"{target.name} is the only reviewer; add another before removing them.")
        if target.slot == session.slot:
            raise ReviewerRefused("You cannot remove yourself; another reviewer can.")
        with self._context.db.write() as conn:
            slots.delete_slot(conn, target.slot)
            slots.seal_list(conn, slots.list_key(session.master, self._workspace_id))
            self._custody.append(conn, EventType.REVIEWER_REMOVED, {"slot": target.slot, "reviewer": target.name})
        self._custody.checkpoint()

    def seal_if_unsealed(self, conn: sqlite3.Connection) -> None:
        """After a passed verification: give a workspace from before reviewers' slots its check value."""
        if slots.stored_list_mac(conn) is None:
            slots.seal_list(conn, slots.list_key(self._context.require().master, self._workspace_id))
            # From now on the log says the list has a check value, so removing it is tampering.
            self._custody.append(conn, EventType.REVIEWER_SLOTS_SEALED, {})

    # -- passphrases ---------------------------------------------------------------------------

    def _fresh_params(self) -> kdf.KdfParams:
        """The cost of the first reviewer's slot with a fresh salt; calibrated if that is unreadable."""
        rows = self._rows()
        try:
            old = kdf.KdfParams.from_json(rows[0].kdf) if rows else kdf.calibrate()
            return kdf.KdfParams.fresh(old.memory_kib, old.iterations, old.lanes)
        except KdfParametersRejected:  # damaged or tampered settings: the recovery key's way out
            return kdf.calibrate()

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the master key under the unlocked reviewer's new passphrase; nothing else is re-encrypted."""
        session = self._context.require()
        kdf.normalise_passphrase(new)
        kdf.normalise_passphrase(current)
        row = next((r for r in self._rows() if r.kind == session.slot), None)
        if row is None:
            raise WorkspaceMissing("Your key slot is gone from the workspace; another reviewer can add you again.")
        params = kdf.KdfParams.from_json(row.kdf)
        master = unwrap_with_passphrase(row.wrapped, current, params, self._workspace_id, row.kind)
        self.rewrap(master, session.slot, new)

    def rewrap(self, master: bytes, kind: str, new_passphrase: str) -> None:
        """Seal the master key in slot ``kind`` under ``new_passphrase``, log it, seal a checkpoint."""
        params = self._fresh_params()
        wrapped = wrap_with_passphrase(master, new_passphrase, params, self._workspace_id, kind)
        with self._context.db.write() as conn:
            conn.execute("UPDATE key_slots SET kdf = ?, wrapped = ? WHERE kind = ?", (params.to_json(), wrapped, kind))
            slots.seal_list(conn, slots.list_key(master, self._workspace_id))
            self._custody.append(conn, EventType.PASSPHRASE_CHANGED, {})
        self._custody.checkpoint()

    def apply_pending_passphrase(self) -> None:
        """Set the passphrase chosen at a recovery-key unlock that tampering held back (after acknowledging)."""
        session = self._context.require()
        if session.pending_passphrase is not None:
            pending, session.pending_passphrase = session.pending_passphrase, None
            self.rewrap(session.master, session.slot, pending)
