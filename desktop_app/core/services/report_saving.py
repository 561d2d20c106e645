"""What saving a report draft checks and logs, apart from the storing itself (``ReportService.save``).

A save is refused while the report is with NCMEC (``LOCKED_STATUSES``), and a viewed flag that
departs from the custody log needs a reason (``check_viewed``); the events it writes name the
files added and removed and the overrides, never report content.
"""

from collections.abc import Callable
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import ViewedOverrideReasonRequired
from desktop_app.core.services.report_building import file_viewed, sync_viewed
from desktop_app.core.storage.reports import ReportRecord

# Submission states in which the report's content is with NCMEC (``reports.status`` follows the
# submission): the sent version is what the custody log and the receipt describe.
LOCKED_STATUSES = {
    "submitting": "being sent to NCMEC",
    "open": "open at NCMEC",
    "needs-decision": "with NCMEC, waiting for your decision",
    "finished": "finished at NCMEC",
}
MAX_LOGGED_PATHS = 100  # a removed person shifts many paths; the log keeps the first ones and the count


def check_viewed(stored: ReportRecord, updated: ReportRecord, viewed_item_ids: Callable[[], set[str]]) -> list[int]:
    """Refuse a claimed view the log does not record; bring flags nobody overrode in line with it.

    Reveals are never undone, so a flag that says "not viewed" where the log says "viewed" is a
    copy older than a reveal: it is brought in line. A flag that says "viewed" where the log
    records no reveal is a claim the log does not back: it needs an override with a reason.
    """
    for override in updated.overrides.values():
        if not override.reason.strip():
            raise ViewedOverrideReasonRequired("A changed viewed flag needs the reason it departs from the log.")
    before = {entry.item_id: file_viewed(entry) for entry in stored.draft.files if entry.item_id}
    touched = [
        entry for entry in updated.draft.files if entry.item_id and before.get(entry.item_id) != file_viewed(entry)
    ]
    if not touched and stored.overrides == updated.overrides:
        return []
    viewed = viewed_item_ids()  # reads the log: only when a flag changed
    for entry in touched:
        if entry.item_id not in updated.overrides and file_viewed(entry) and entry.item_id not in viewed:
            raise ViewedOverrideReasonRequired(
                "The custody log has no record of this file being revealed; the report may say it was viewed "
                "only with a reason (it is recorded in the custody log)."
            )
    return sync_viewed(updated, viewed)


def override_events(stored: ReportRecord, updated: ReportRecord) -> list[dict[str, Any]]:
    """The ``report.viewed-flag-overridden`` data for each override set, changed or cleared."""
    events: list[dict[str, Any]] = []
    for item_id in sorted(stored.overrides.keys() | updated.overrides.keys()):
        old, new = stored.overrides.get(item_id), updated.overrides.get(item_id)
        if old == new:
            continue
        if new is None:
            events.append({"item": item_id, "cleared": True})
        else:
            events.append({"item": item_id, "viewed": new.viewed, "reason": new.reason})
    return events


def file_events(stored: ReportRecord, updated: ReportRecord) -> list[tuple[EventType, dict[str, Any]]]:
    """The ``report.file-removed`` and ``report.file-added`` events of a save (files without an item too)."""
    events: list[tuple[EventType, dict[str, Any]]] = []
    before = [entry.item_id for entry in stored.draft.files]
    after = [entry.item_id for entry in updated.draft.files]
    for item_id in [i for i in before if i not in after] + [None] * max(0, before.count(None) - after.count(None)):
        events.append((EventType.REPORT_FILE_REMOVED, {"item": item_id}))
    for item_id in [i for i in after if i not in before] + [None] * max(0, after.count(None) - before.count(None)):
        events.append((EventType.REPORT_FILE_ADDED, {"item": item_id}))
    return events
