"""The workspace's custody log: appending events, verifying, acknowledging tampering, checkpoints.

Verification is read-only and first: ``check_log`` verifies the log against the anchor, the
keyring witness and any exported checkpoints, and (with keys) reconciles the tables with the log in
the same read snapshot. Appending is refused while an unacknowledged tampering alarm stands, and a
checkpoint replaces the anchored one only if it provably extends it (``Anchoring``).
"""

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from desktop_app.core.crypto.signed_note import sign_note
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import AcknowledgementReasonRequired, NothingToAcknowledge
from desktop_app.core.services.anchoring import Anchoring
from desktop_app.core.services.workspace_context import WorkspaceContext, read_meta, write_meta
from desktop_app.core.storage.anchor import Anchor
from desktop_app.core.storage.custody_log import CustodyLog, LoggedEvent, LogKeys, Verification
from desktop_app.core.storage.database import damaged, is_damage
from desktop_app.core.storage.log_replay import LogReplay
from desktop_app.core.storage.logged_digests import LoggedDigests
from desktop_app.core.storage.reconciliation import Reconciliation, reconcile

CHECKPOINT_MAX_AGE = timedelta(days=1)

Note = str | tuple[str, str]


class LogCheck(Protocol):
    """A further check of a verification with keys: fed the log's entries, then asked about the tables."""

    marker: bytes  # only entries whose canonical JSON contains this are fed

    def feed(self, seq: int, plaintext: bytes) -> None:
        """Take one entry's canonical JSON, in log order."""

    def problem(self, conn: sqlite3.Connection) -> str | None:
        """What the tables contradict in the log, or None."""


def verification_record(verification: Verification) -> dict[str, Any]:
    """What the log keeps of a verification."""
    return {
        "ok": verification.ok,
        "entries": verification.entries,
        "problem": verification.problem,
        "first_bad_seq": verification.first_bad_seq,
    }


class WorkspaceCustody:
    """The custody log of one workspace, its verification and its checkpoints."""

    def __init__(self, context: WorkspaceContext, anchoring: Anchoring, verifier_key: str) -> None:
        self._context = context
        self.anchoring = anchoring
        self.verifier_key = verifier_key
        self.reconciliation: Reconciliation | None = None  # of the latest verification with keys
        # Made fresh for each verification with keys (the reviewers' slot list registers one).
        self.checks: list[Callable[[], LogCheck]] = []
        # What the log recorded last for each report and the profile, read on from where it stopped.
        self.logged_digests = LoggedDigests()

    def custody_log(self) -> CustodyLog:
        """The log, with keys if unlocked (otherwise it can only verify structure)."""
        identity, session = self._context.identity, self._context.session
        keys = LogKeys(session.subkeys.log_enc, session.subkeys.log_head) if session is not None else None
        return CustodyLog(identity.log_id, identity.origin, identity.public_key, keys)

    # -- appending -----------------------------------------------------------------------------

    def append(
        self, conn: sqlite3.Connection, kind: EventType, data: dict[str, Any], subject: str | None = None
    ) -> int:
        """Append one event by the unlocked reviewer inside the caller's write transaction."""
        session = self._context.require()
        self.anchoring.refuse_if_tampered()
        return self.custody_log().append(conn, CustodyEvent(kind, session.reviewer, data, subject))

    def record(self, kind: EventType, data: dict[str, Any] | None = None, subject: str | None = None) -> int:
        """Append one event in its own transaction."""
        with self._context.db.write() as conn:
            return self.append(conn, kind, data or {}, subject)

    def events(self) -> list[LoggedEvent]:
        """Every event, decrypted (needs the workspace unlocked)."""
        self._context.require()
        with self._context.db.read() as reader:
            return list(self.custody_log().events(reader.conn))

    # -- verifying -----------------------------------------------------------------------------

    def check_log(self, external_notes: Iterable[Note] = ()) -> Verification:
        """Verify the log against the anchor, the keyring witness and ``external_notes``. Writes nothing."""
        problem, anchored = self.anchoring.notes_for_verification()
        if problem is not None:
            return Verification(0, 0, self._context.session is not None, problem, None)
        with self._context.db.read() as reader:
            # The tables are reconciled with the log in the same read snapshot, once the log verified.
            return self._verify_and_reconcile(reader.conn, [*external_notes, *anchored])

    def _verify_and_reconcile(self, conn: sqlite3.Connection, notes: list[Any]) -> Verification:
        """The log's verification and, when it passed with keys, the reconciliation of the tables with it.

        The reconciliation replays the entries as the verification decrypts them (one pass over the
        log), and runs on the same read snapshot. Read-only.
        """
        log = self.custody_log()
        session = self._context.session
        replay = LogReplay() if session is not None else None
        checks = [make() for make in self.checks] if session is not None else []
        log.on_entry = replay.feed if replay is not None else None
        if replay is not None:
            # The checks read entries the tables do not describe (reviewer slots): the replay hands them over.
            replay.watchers = [(check.marker, check.feed) for check in checks]
        verification = log.verify(conn, notes)
        if replay is None or session is None or not verification.ok:
            return verification
        try:
            self.reconciliation = reconcile(conn, replay, self._context.fields().rows)
        except sqlite3.DatabaseError as error:  # a damaged table page: a failed answer, like the log's own
            if not is_damage(error):
                raise
            return replace(verification, problem=damaged(self._context.db.path, error).message)
        session.rows_bound = self.reconciliation.tags_required
        if not self.reconciliation.ok:
            return replace(verification, problem=self.reconciliation.problem)
        for check in checks:
            problem = check.problem(conn)
            if problem is not None:
                return replace(verification, problem=problem)
        return verification

    def verify_log(self, external_notes: Iterable[Note] = (), record: bool = True) -> Verification:
        """Verify (read-only, first), raise the alarm on failure, and record a success when unlocked."""
        verification = self.check_log(external_notes)
        if not verification.ok:
            self.anchoring.raise_alarm_for(verification)
        elif record:
            self.record_verification(verification)
        return verification

    def record_verification(self, verification: Verification) -> None:
        """Log a passed verification (when unlocked and no tampering stands): proof it was checked."""
        if verification.ok and self._context.session is not None and self.anchoring.alarm is None:
            self.record(EventType.LOG_VERIFIED, verification_record(verification))

    def acknowledge_tampering(self, reason: str) -> str:
        """Record that a person has seen the detected tampering, and start a new anchored history."""
        session = self._context.require()
        if not reason.strip():
            raise AcknowledgementReasonRequired("Say why you acknowledge the tampering; the custody log keeps it.")
        alarm = self.anchoring.alarm
        if alarm is None:
            raise NothingToAcknowledge("No tampering is on record for this workspace; there is nothing to acknowledge.")
        now = self.check_log()
        log = self.custody_log()
        with self._context.db.write() as conn:
            log.append(
                conn,
                CustodyEvent(
                    EventType.TAMPERING_ACKNOWLEDGED,
                    session.reviewer,
                    {
                        "reason": reason.strip(),
                        "detections": [d.to_dict() for d in alarm.detections],
                        "verification_now": verification_record(now),
                        "superseded_anchor": self.anchoring.anchored_note(),
                    },
                ),
            )
            note = log.sign_checkpoint(conn, session.signing_key, session.reviewer)
            write_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        found = [d.problem for d in alarm.detections] + ([now.problem] if now.problem else [])
        self.anchoring.supersede(note, found)
        return note

    # -- checkpoints ---------------------------------------------------------------------------

    def checkpoint(self) -> str:
        """Sign a checkpoint now, store it and publish it to the anchor file.

        Refused while tampering stands, and refused (raising the alarm) if the new checkpoint does
        not extend the anchored one: a signature must never bless a log that lost anchored history.
        """
        session = self._context.require()
        self.anchoring.refuse_if_tampered()
        with self._context.db.write() as conn:
            note = self.custody_log().sign_checkpoint(
                conn, session.signing_key, session.reviewer, self.anchoring.require_extends
            )
            write_meta(conn, "last_checkpoint_at", datetime.now(UTC).isoformat().encode())
        self.anchoring.publish(note)
        return note

    def checkpoint_if_due(self, max_age: timedelta = CHECKPOINT_MAX_AGE) -> str | None:
        """Sign a checkpoint if the newest is older than ``max_age`` and the log has grown since.

        Never while tampering stands: that is the signature detection must not be laundered by.
        """
        if self.anchoring.alarm is not None:
            return None
        with self._context.db.write() as conn:
            log = self.custody_log()
            latest = conn.execute("SELECT max(size) FROM log_checkpoints").fetchone()[0]
            # The newest checkpoint is followed by its own announcement; more than that is growth.
            grown = latest is None or latest + 1 < log.size(conn)
            stamp = read_meta(conn, "last_checkpoint_at")
        age = datetime.now(UTC) - datetime.fromisoformat(stamp.decode()) if stamp else max_age
        return self.checkpoint() if grown and age >= max_age else None

    def sign_statement(self, text: str) -> str:
        """Sign ``text`` as a note with the checkpoint key: how a bundle vouches for its manifest."""
        return sign_note(text, self._context.identity.origin, self._context.require().signing_key)

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note."""
        with self._context.db.read() as reader:
            return self.custody_log().latest_checkpoint(reader.conn)

    def anchor_text(self) -> str:
        """The verifier key and the latest checkpoint: what the anchor holds and exports carry."""
        return Anchor(self.verifier_key, self.latest_checkpoint() or "").to_text()

    def publish_anchor(self) -> None:
        """Publish the newest checkpoint to the anchor file (at creation)."""
        note = self.latest_checkpoint()
        if note is not None:
            self.anchoring.publish(note)

    def log_size(self) -> int:
        """How many entries the log holds."""
        with self._context.db.read() as reader:
            return self.custody_log().size(reader.conn)
