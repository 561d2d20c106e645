"""What a workspace keeps outside its data folder: the anchor, the keyring witness, the alarm.

The anchor file and the keyring copy hold the newest signed checkpoint, so a restored older data
folder meets a checkpoint its log cannot satisfy. The rule that makes this hold is here: a new
checkpoint replaces the anchored one only if an RFC 6962 consistency proof shows it extends it,
except through an acknowledgement, which keeps the superseded anchor. The tampering alarm lives
beside the anchor (``storage/tamper_alarm.py``) for the same reason the anchor lives there.
"""

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop_app.core.crypto.merkle import consistency_proof, verify_consistency
from desktop_app.core.crypto.signed_note import Checkpoint, CheckpointError, parse_and_verify
from desktop_app.core.errors import CheckpointUnreadable, TamperingDetected
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.storage.anchor import (
    Anchor,
    anchor_path,
    read_anchor,
    read_anchor_file,
    superseded_path,
    write_anchor,
)
from desktop_app.core.storage.custody_log import Verification
from desktop_app.core.storage.tamper_alarm import (
    TamperAlarm,
    acknowledged_path,
    add_acknowledged,
    alarm_path,
    clear_alarm,
    raise_alarm,
    read_acknowledged,
    read_alarm,
)

Note = str | tuple[str, str]  # a checkpoint note, optionally labelled for failure messages


def checkpoint_file_note(path: Path) -> str:
    """The signed checkpoint note in an anchor or exported checkpoint file, to verify the log against.

    Raises:
        FileNotFoundError: there is no such file.
        CheckpointUnreadable: too large, not UTF-8, or not a readable regular file.
    """
    return read_anchor_file(path).note


class Anchoring:
    """The anchor, keyring witness and tampering alarm of one workspace."""

    def __init__(
        self,
        anchors_dir: Path,
        workspace_id_hex: str,
        origin: str,
        public_key: Ed25519PublicKey,
        verifier_key: str,
        secrets: SecretStore | None,
    ) -> None:
        self.anchor_file = anchor_path(anchors_dir, workspace_id_hex)
        self.alarm_file = alarm_path(anchors_dir, workspace_id_hex)
        self._origin = origin
        self._public_key = public_key
        self._verifier_key = verifier_key
        # A second copy of the latest checkpoint, outside the file system: restoring both the data
        # and the config folder from a backup still meets a checkpoint the old log cannot satisfy.
        self._secrets = secrets
        self._witness_name = f"checkpoint/{workspace_id_hex}"
        self.alarm: TamperAlarm | None = read_alarm(self.alarm_file)
        # Findings a person acknowledged: found again (damage an acknowledgement cannot repair, such
        # as rows that disagree with the log), they still fail every verification but no longer block
        # work. Any other finding raises the alarm again.
        self._acknowledged_file = acknowledged_path(self.alarm_file)
        self.acknowledged: frozenset[str] = read_acknowledged(self._acknowledged_file)

    # -- the alarm -----------------------------------------------------------------------------

    def refuse_if_tampered(self) -> None:
        """Raise ``TamperingDetected`` while an unacknowledged alarm stands."""
        if self.alarm is not None:
            raise TamperingDetected(self.alarm.summary(), self.alarm.first.first_bad_seq)

    def raise_alarm(self, problem: str, first_bad_seq: int | None, entries: int) -> TamperAlarm:
        """Record a failed verification outside the data folder (before anything else happens)."""
        self.alarm = raise_alarm(self.alarm_file, problem, first_bad_seq, entries)
        return self.alarm

    def raise_alarm_for(self, verification: Verification) -> None:
        """Record a failed verification, unless it is exactly a finding a person already acknowledged."""
        if verification.problem is not None and verification.problem in self.acknowledged:
            return
        self.raise_alarm(
            verification.problem or "verification failed", verification.first_bad_seq, verification.entries
        )

    # -- reading -------------------------------------------------------------------------------

    def notes_for_verification(self) -> tuple[str | None, list[Note]]:
        """``(problem, notes)``: the anchored and keyring checkpoints, or why the anchor is unusable."""
        try:
            anchor = read_anchor(self.anchor_file)
        except CheckpointUnreadable as exc:
            return f"The anchor file is damaged: {exc.message}", []
        if anchor is not None and anchor.verifier_key != self._verifier_key:
            return (
                "The workspace's signing key differs from the one pinned in its anchor file: the database "
                "was replaced.",
                [],
            )
        if anchor is None:
            # Written when the workspace is created and only ever replaced: a missing anchor is a
            # deleted one (the cheapest way to hide a restored older data folder) or a moved profile.
            return (
                f"The anchor file {self.anchor_file} is missing: it was deleted, or the data folder was "
                "moved without the anchors folder. Put it back, or verify against an exported checkpoint "
                "(--checkpoint) and acknowledge.",
                [],
            )
        notes: list[Note] = [(f"anchored checkpoint in {self.anchor_file}", anchor.note)]
        witness = self._secrets.get(self._witness_name) if self._secrets else None
        if witness:
            notes.append(("checkpoint kept in the system keyring", witness))
        return None, notes

    def anchored_note(self) -> str | None:
        """The anchor file's checkpoint note, if the file is there and readable."""
        try:
            anchor = read_anchor(self.anchor_file)
        except CheckpointUnreadable:
            return None
        return anchor.note if anchor else None

    def anchored_checkpoints(self) -> list[tuple[str, Checkpoint]]:
        """The checkpoints kept outside the database that a new one must extend."""
        found: list[tuple[str, Checkpoint]] = []
        witness = self._secrets.get(self._witness_name) if self._secrets else None
        # A damaged anchor binds nothing (it is replaced by a good one); the keyring copy still binds.
        for label, note in (("anchored checkpoint", self.anchored_note()), ("keyring checkpoint", witness)):
            if not note:
                continue
            try:
                found.append((label, parse_and_verify(note, self._origin, self._public_key)))
            except (CheckpointError, InvalidSignature):
                continue  # not ours: verification reports it
        return found

    # -- writing -------------------------------------------------------------------------------

    def require_extends(self, leaves: list[bytes], new: Checkpoint) -> None:
        """Refuse (raising the alarm) a checkpoint that is not a consistent extension of the anchored ones."""
        for label, old in self.anchored_checkpoints():
            consistent = old.size <= new.size and verify_consistency(
                old.size, new.size, old.root, new.root, consistency_proof(leaves, old.size, new.size)
            )
            if not consistent:
                first_bad = min(old.size, new.size) + 1
                problem = (
                    f"A new checkpoint at size {new.size} would not extend the {label} (size {old.size}, root "
                    f"{old.root.hex()[:16]}…): history it covers is gone or different."
                )
                alarm = self.raise_alarm(problem, first_bad, new.size)
                raise TamperingDetected(alarm.summary(), first_bad)

    def publish(self, note: str) -> None:
        """Write ``note`` to the anchor and the keyring, never over a checkpoint it does not extend.

        ``Workspace.checkpoint`` proved the extension before signing; this catches callers that did not.
        """
        self.refuse_if_tampered()
        new = parse_and_verify(note, self._origin, self._public_key)
        for label, old in self.anchored_checkpoints():
            if old.size > new.size or (old.size == new.size and old.root != new.root):
                raise TamperingDetected(f"Refusing to replace the {label} (size {old.size}) with size {new.size}.")
        self._write(note)

    def supersede(self, note: str, acknowledged: Iterable[str] = ()) -> None:
        """After an acknowledgement: keep the old anchor beside the new one, publish, clear the alarm."""
        self.acknowledged = add_acknowledged(self._acknowledged_file, acknowledged)
        if self.anchor_file.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            os.replace(self.anchor_file, superseded_path(self.anchor_file, stamp))
        self._write(note)
        clear_alarm(self.alarm_file)
        self.alarm = None

    def _write(self, note: str) -> None:
        write_anchor(self.anchor_file, Anchor(self._verifier_key, note))
        if self._secrets is not None:
            self._secrets.set(self._witness_name, note)
