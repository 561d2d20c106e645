"""Custody events in words: "Revealed bridge-1.jpg in full", "Report 4aaed480 exported for counsel".

``describe`` turns one event into a sentence a reviewer, counsel or a court can read, naming
items by their file names (``names`` maps item and blob ids to names; an id it does not know is
shown short). Pure: the log view, the per-item history and the custody report all use it, and the
raw event stays one click away wherever a sentence is shown.
"""

from collections.abc import Callable, Mapping
from typing import Any

from desktop_app.core.domain.events import CustodyEvent, EventType


def short(identifier: str | None) -> str:
    """The first 8 characters of an id (what people compare by eye)."""
    return (identifier or "")[:8]


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 file', '3 files', '2 entries' (``many`` for irregular plurals)."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


STATE_WORDS = {
    "new": "New",
    "in-review": "In review",
    "to-report": "To report",
    "reported": "Reported",
    "dismissed": "Dismissed",
}


class _Namer:
    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def item(self, item_id: Any) -> str:
        key = str(item_id or "")
        return self.names.get(key) or f"item {short(key)}"

    def report(self, report_id: Any) -> str:
        return f"report {short(str(report_id or ''))}"


def _state(data: Mapping[str, Any]) -> str:
    before, after = STATE_WORDS.get(str(data.get("from")), data.get("from")), STATE_WORDS.get(str(data.get("to")))
    return f"from {before} to {after or data.get('to')}"


def _stored(e: CustodyEvent, n: _Namer) -> str:
    size = e.data.get("size")
    what = n.names.get(e.subject or "")
    target = f"the content of {what}" if what else f"content {short(e.subject)}"
    return f"Stored {target} in the vault" + (f" ({plural(int(size), 'byte')})" if isinstance(size, int) else "")


def _fingerprinted(data: Mapping[str, Any]) -> str:
    """``report.drafts-recorded``: the reports, profile, submissions, matches and lists whose digests it records."""
    what = [plural(len(data["draft_sha256"]), "saved report")] if data.get("draft_sha256") else []
    what += ["the reporter profile"] if data.get("profile_sha256") else []
    what += [plural(len(data["submission_sha256"]), "submission")] if data.get("submission_sha256") else []
    outcomes = data.get("outcome_sha256")
    what += [plural(len(outcomes), "item's matches", "items' matches")] if outcomes else []
    what += [plural(len(data["settings_sha256"]), "hash list")] if data.get("settings_sha256") else []
    return f"Recorded the fingerprint of {' and '.join(what)}"


_SENTENCES: dict[str, Callable[[CustodyEvent, _Namer], str]] = {
    EventType.WORKSPACE_CREATED: lambda e, n: "Created the workspace",
    EventType.WORKSPACE_UNLOCKED: lambda e, n: "Unlocked the workspace",
    EventType.WORKSPACE_UNLOCKED_WITH_RECOVERY_KEY: lambda e, n: "Unlocked the workspace with the recovery key",
    EventType.WORKSPACE_LOCKED: lambda e, n: "Locked the workspace",
    EventType.PASSPHRASE_CHANGED: lambda e, n: "Changed the passphrase",
    EventType.RECOVERY_KEY_REPLACED: lambda e, n: "Replaced the recovery key",
    EventType.REVIEWER_ADDED: lambda e, n: f"Added reviewer {e.data.get('reviewer', '?')}",
    EventType.REVIEWER_REMOVED: lambda e, n: f"Removed reviewer {e.data.get('reviewer', '?')}",
    EventType.REVIEWER_SLOTS_SEALED: lambda e, n: "Sealed the reviewers' key slot list",
    EventType.RECOVERY_SLOT_RECORDED: lambda e, n: "Recorded the recovery key slot's fingerprint",
    EventType.BLOB_STORED: _stored,
    EventType.BLOB_DESTROYED: lambda e, n: (
        f"Destroyed content {short(e.subject)} ({e.data.get('reason', 'no reason')})"
    ),
    EventType.SWEEP_REPORT: lambda e, n: "Checked the vault for stray or missing files",
    EventType.LOG_VERIFIED: lambda e, n: (
        "Verified the custody log"
        + (": intact" if e.data.get("ok", True) else f": problem found ({e.data.get('problem', '')})")
    ),
    EventType.CHECKPOINT_SIGNED: lambda e, n: (
        f"Signed a checkpoint of the first {plural(int(e.data.get('size', 0)), 'entry', 'entries')}"
    ),
    EventType.SETTINGS_CHANGED: lambda e, n: "Changed the settings",
    EventType.ITEM_ADDED: lambda e, n: f"Added {n.item(e.subject)} to the queue",
    EventType.ITEM_SOURCE_ADDED: lambda e, n: f"Recorded another source of {n.item(e.subject)}",
    EventType.ITEM_ANALYSED: lambda e, n: f"Hashed and decoded {n.item(e.subject)}",
    EventType.ITEM_STATE_CHANGED: lambda e, n: (
        f"Moved {n.item(e.subject)} {_state(e.data)}"
        + (f" because: {e.data['reason']}" if e.data.get("reason") else "")
    ),
    EventType.ITEM_REVEALED: lambda e, n: (
        f"Revealed {n.item(e.subject)} " + ("in full" if e.data.get("mode", "full") == "full" else "(metadata only)")
    ),
    EventType.INTAKE_FINISHED: lambda e, n: "Finished an import",
    EventType.REPORT_CREATED: lambda e, n: (
        f"Created {n.report(e.subject)} with {plural(int(e.data.get('files', 0)), 'file')}"
    ),
    EventType.REPORT_CHANGED: lambda e, n: f"Edited {n.report(e.subject)}",
    EventType.REPORT_FILE_ADDED: lambda e, n: f"Added {n.item(e.data.get('item'))} to {n.report(e.subject)}",
    EventType.REPORT_FILE_REMOVED: lambda e, n: f"Removed {n.item(e.data.get('item'))} from {n.report(e.subject)}",
    EventType.REPORT_VIEWED_FLAG_OVERRIDDEN: lambda e, n: (
        f"Stated in {n.report(e.subject)} whether "
        f"{n.item(e.data.get('item'))} was viewed, against the log, because: {e.data.get('reason', '')}"
    ),
    EventType.REPORT_NCMEC_ID_RECORDED: lambda e, n: (
        f"Recorded NCMEC report {e.data.get('ncmec_report_id')} for {n.report(e.subject)}"
    ),
    EventType.REPORT_EXPORTED: lambda e, n: f"Exported {n.report(e.subject)} as CyberTipline XML",
    EventType.REPORT_DRAFTS_RECORDED: lambda e, n: _fingerprinted(e.data),
    EventType.REPORTER_PROFILE_SAVED: lambda e, n: "Saved the reporter profile",
    EventType.CYBERTIPLINE_CONNECTION_CHECKED: lambda e, n: "Checked the connection to NCMEC",
    EventType.CYBERTIPLINE_SCHEMA_FETCHED: lambda e, n: "Fetched NCMEC's report schema",
    EventType.SUBMISSION_STEP_SENT: lambda e, n: f"Sent a step of {n.report(e.subject)} to NCMEC",
    EventType.SUBMISSION_STEP_ANSWERED: lambda e, n: f"NCMEC answered a step of {n.report(e.subject)}",
    EventType.SUBMISSION_STATE_CHANGED: lambda e, n: (
        f"Submission of {n.report(e.subject)} is now {e.data.get('to', e.data.get('state', 'changed'))}"
    ),
    EventType.SUBMISSION_DECISION: lambda e, n: f"Decided on the submission of {n.report(e.subject)}",
    EventType.SUBMISSION_RECEIPT_ARCHIVED: lambda e, n: (
        f"Kept NCMEC's receipt for {n.report(e.subject)} (NCMEC report {e.data.get('ncmec_report_id')})"
    ),
    EventType.PRESERVATION_STARTED: lambda e, n: (
        f"Started preserving {n.item(e.subject)} until {str(e.data.get('until', ''))[:10]}"
    ),
    EventType.CUSTODY_REPORT_EXPORTED: lambda e, n: (
        f"Exported a custody report ({e.data.get('scope', 'items')}, {plural(int(e.data.get('events', 0)), 'event')})"
    ),
}


def describe(event: CustodyEvent, names: Mapping[str, str]) -> str:
    """One event as a sentence (an event type this version does not know: its type and subject)."""
    sentence = _SENTENCES.get(str(event.type))
    if sentence is None:
        return f"{event.type} {short(event.subject)}".strip()
    try:
        return sentence(event, _Namer(names))
    except (TypeError, ValueError):  # a field of an unexpected shape (an edited entry): say what it is
        return f"{event.type} {short(event.subject)}".strip()
