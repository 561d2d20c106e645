"""Custody-log events: what happened to the workspace, by whom, when.

An event never carries depictions or report bodies: only ids, digests, counts and reasons.
The ``type`` values are stable strings; they are what filters, exports and court-facing
verification output show.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """Every kind of custody event the app writes."""

    WORKSPACE_CREATED = "workspace.created"
    WORKSPACE_UNLOCKED = "workspace.unlocked"
    WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY = "workspace.unlocked-with-recovery-key"
    WORKSPACE_LOCKED = "workspace.locked"
    PASSPHRASE_CHANGED = "key.passphrase-changed"
    RECOVERY_KEY_REPLACED = "key.recovery-key-replaced"
    REVIEWER_ADDED = "key.reviewer-added"  # data: slot, reviewer (the new reviewer's name)
    REVIEWER_REMOVED = "key.reviewer-removed"  # data: slot, reviewer
    REVIEWER_SLOTS_SEALED = "key.reviewer-slots-sealed"  # a workspace from before the list's check value got one
    RECOVERY_SLOT_RECORDED = "key.recovery-slot-recorded"  # the slot's SHA-256, for a workspace whose log had none
    BLOB_STORED = "evidence.stored"
    BLOB_DESTROYED = "evidence.destroyed"
    SWEEP_REPORT = "storage.sweep"
    ROWS_BOUND = "storage.rows-bound"
    LOG_VERIFIED = "log.verified"
    CHECKPOINT_SIGNED = "log.checkpoint-signed"
    TAMPERING_ACKNOWLEDGED = "log.tampering-acknowledged"
    SETTINGS_CHANGED = "settings.changed"
    ITEM_ADDED = "item.added"
    ITEM_SOURCE_ADDED = "item.source-added"
    ITEM_ANALYSED = "item.analysed"
    ITEM_STATE_CHANGED = "item.state-changed"
    ITEM_REVEALED = "item.revealed"
    INTAKE_FINISHED = "intake.finished"
    REPORT_CREATED = "report.created"
    REPORT_CHANGED = "report.changed"
    REPORT_FILE_ADDED = "report.file-added"
    REPORT_FILE_REMOVED = "report.file-removed"
    REPORT_VIEWED_FLAG_OVERRIDDEN = "report.viewed-flag-overridden"
    REPORT_NCMEC_ID_RECORDED = "report.ncmec-id-recorded"
    REPORT_EXPORTED = "report.exported"
    REPORT_DRAFTS_RECORDED = "report.drafts-recorded"  # each report's draft digest, for a workspace whose log had none
    BUNDLE_EXPORTED = "bundle.exported"  # recorded (and checkpointed) before the bundle is written
    BUNDLE_EXPORT_ABANDONED = "bundle.export-abandoned"
    BUNDLE_WRITTEN = "bundle.written"  # the finished file's SHA-256, to give the recipient
    BUNDLE_IMPORTED = "bundle.imported"
    RECIPIENT_ADDED = "bundle.recipient-added"
    RECIPIENT_REMOVED = "bundle.recipient-removed"
    DESK_KEY_CREATED = "bundle.desk-key-created"
    DESK_KEY_EXPORTED = "bundle.desk-key-exported"
    BACKUP_CREATED = "backup.created"  # recorded just before the snapshot, so the backup holds it
    REPORT_STATUS_CHANGED = "report.status-changed"  # data: from, to; the submission flow writes it
    REPORTER_PROFILE_SAVED = "reporter-profile.saved"
    CYBERTIPLINE_CONNECTION_CHECKED = "cybertipline.connection-checked"
    CYBERTIPLINE_SCHEMA_FETCHED = "cybertipline.schema-fetched"
    SUBMISSION_STEP_SENT = "submission.step-sent"  # written before the call
    SUBMISSION_STEP_ANSWERED = "submission.step-answered"  # written after the answer (or its absence)
    SUBMISSION_STATE_CHANGED = "submission.state-changed"
    SUBMISSION_DECISION = "submission.decision"  # the reviewer settled something only they could
    SUBMISSION_RECEIPT_ARCHIVED = "submission.receipt-archived"
    PRESERVATION_STARTED = "preservation.started"
    # Hash lists (issue 12)
    HASH_LIST_CREATED = "hash-list.created"
    HASH_LIST_SETTINGS_CHANGED = "hash-list.settings-changed"
    HASH_LIST_IMPORTED = "hash-list.imported"
    HASH_LIST_ENTRY_SUPPRESSED = "hash-list.entry-suppressed"
    HASH_LIST_EXPORTED = "hash-list.exported"
    ITEMS_MATCHED = "items.matched"  # one match run: how many items, how many matched
    ITEM_MATCHED = "item.matched"  # an item's matches changed: list, entry, algorithm, distance
    ITEM_MATCH_REJECTED = "item.match-rejected"  # the reviewer said: not a match, for this item
    HOLD_PLACED = "hold.placed"
    HOLD_ITEMS_ADDED = "hold.items-added"
    HOLD_RENEWED = "hold.renewed"
    HOLD_RELEASED = "hold.released"
    ITEM_DESTROYED = "item.destroyed"
    FOLLOWUP_RECORDED = "followup.recorded"
    CUSTODY_REPORT_EXPORTED = "custody-report.exported"  # a readable custody record written for people


@dataclass(frozen=True)
class CustodyEvent:
    """One thing that happened. ``subject`` names the object (blob, item, report id) if any."""

    type: EventType
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None
    time: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> bytes:
        """Canonical JSON bytes (sorted keys, no spaces): what the log encrypts."""
        record = {
            "type": str(self.type),
            "actor": self.actor,
            "time": self.time.astimezone(UTC).isoformat(timespec="microseconds"),
            "subject": self.subject,
            "data": self.data,
        }
        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "CustodyEvent":
        """Parse what ``to_json`` wrote. Unknown types from newer versions are kept as strings."""
        record = json.loads(raw)
        try:
            kind: EventType | str = EventType(record["type"])
        except ValueError:
            kind = record["type"]
        return cls(
            type=kind,  # type: ignore[arg-type]
            actor=record["actor"],
            data=record["data"],
            subject=record["subject"],
            time=datetime.fromisoformat(record["time"]),
        )


@dataclass(frozen=True)
class LoggedEvent:
    """An event as read back, with its position in the log."""

    seq: int
    event: CustodyEvent
