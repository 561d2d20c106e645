"""Lifecycle test data: generated pictures in a report, finished the way the submission code finishes one."""

from datetime import datetime
from pathlib import Path

from desktop_app.core.domain.submission import preservation_until
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.submissions import SubmissionStore
from tests.core.submission.helpers import import_media, new_report


def report_with_items(
    items: ItemService, reports: ReportService, folder: Path, pictures: int = 2, seed: int = 0
) -> tuple[str, list[str]]:
    """A complete report over ``pictures`` generated pictures: (report id, item ids)."""
    item_ids = import_media(items, folder, pictures=pictures, video=False, seed=seed)
    return new_report(reports, item_ids), item_ids


def finish(workspace: Workspace, report_id: str, item_ids: list[str], finished_at: datetime) -> None:
    """Record the preservation a finished submission starts, exactly as the receipt step writes it."""
    with workspace.db.write() as conn:
        for item_id in item_ids:
            SubmissionStore.add_hold(conn, item_id, report_id, finished_at, preservation_until(finished_at))
