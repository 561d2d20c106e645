"""Lifecycle test data: generated pictures in a report, finished the way the submission code finishes one."""

from datetime import datetime
from pathlib import Path

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.submission import preservation_until
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.submissions import HOLD_BASIS, SubmissionStore
from tests.core.submission.helpers import import_media, new_report


def report_with_items(
    items: ItemService, reports: ReportService, folder: Path, pictures: int = 2, seed: int = 0
) -> tuple[str, list[str]]:
    """A complete report over ``pictures`` generated pictures: (report id, item ids)."""
    item_ids = import_media(items, folder, pictures=pictures, video=False, seed=seed)
    return new_report(reports, item_ids), item_ids


def finish(workspace: Workspace, report_id: str, item_ids: list[str], finished_at: datetime) -> None:
    """Record the preservation a finished submission starts, exactly as the receipt step writes it."""
    store = SubmissionStore(workspace.fields())
    with workspace.db.write() as conn:
        for item_id in item_ids:
            until = preservation_until(finished_at)
            store.add_hold(conn, item_id, report_id, finished_at, until)
            hold = {"basis": HOLD_BASIS, "report": report_id, "until": until.isoformat()}
            workspace.append_event(conn, EventType.PRESERVATION_STARTED, hold, item_id)
