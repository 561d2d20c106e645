"""Closing a finished submission: NCMEC's receipt into the vault, the preservation clock, the items.

All in the one transaction that stores the receipt blob (``EvidenceVault.store``'s ``on_commit``):
the submission becomes finished, the receipt is logged with NCMEC's report id and file ids, each
item gets its 2258A(h) preservation hold (start = the finish, end = a year later; the lifecycle
work builds on it) and moves to *reported*, and a production report's number is recorded on the
report so later reports about the same account are offered it. A crash before the commit leaves
the answer in the record (``pending_receipt``) or the finish in flight, and a resume completes it.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.domain.submission import Environment, SubmissionState, preservation_until
from desktop_app.core.domain.submission_record import SubmissionRecord
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.report_figures import report_figures
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.reports import DRAFT_DIGEST, ReportStore
from desktop_app.core.storage.submissions import HOLD_BASIS, SUBMISSION_DIGEST, SubmissionStore
from desktop_app.core.storage.vault import StoredBlob


def archive_receipt(
    workspace: Workspace,
    record: SubmissionRecord,
    body: bytes,
    kind: str,
    listed_file_ids: list[str],
    moment: datetime,
    event: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """Seal ``body`` (NCMEC's answer to finish) and mark ``record`` finished, with everything that follows.

    ``kind`` is ``reportDoneResponse``, or ``already-finished`` when only a 5102 answer came back;
    ``listed_file_ids`` are the ids the receipt lists (none for the latter: ours are used).
    ``event`` adds the submission's common fields to a custody event's data.
    """
    ours = [f.file_id for f in record.files if f.file_id]
    file_ids = listed_file_ids or ours
    store = SubmissionStore(workspace.fields())
    items = ItemStore(workspace.fields())
    append = workspace.append_event

    def on_commit(conn: Any, blob: StoredBlob) -> None:
        stored = {"sha256": blob.sha256, "size": blob.size, "new": blob.created}
        append(conn, EventType.BLOB_STORED, stored, blob.blob_id)
        record.state = SubmissionState.FINISHED
        record.finished_at = record.finished_at or moment
        record.preserve_until = preservation_until(record.finished_at)
        record.receipt_blob_id, record.receipt_kind = blob.blob_id, kind
        record.finished_file_ids = file_ids
        record.in_flight, record.pending_receipt = None, None
        record.message = f"Finished: NCMEC report {record.ncmec_report_id} is filed."
        record.advice = None
        if listed_file_ids and sorted(listed_file_ids) != sorted(ours):
            record.message += f" NCMEC lists {len(listed_file_ids)} files where {len(ours)} were uploaded."
        receipt = {
            SUBMISSION_DIGEST: store.save(conn, record, moment),
            "ncmec_report_id": record.ncmec_report_id,
            "file_ids": file_ids,
            "receipt_sha256": hashlib.sha256(body).hexdigest(),
            "receipt_kind": kind,
            "preserve_until": record.preserve_until.isoformat(),
            **report_figures(_draft(workspace, conn, record.report_id)),
        }
        append(conn, EventType.SUBMISSION_RECEIPT_ARCHIVED, event(receipt), record.report_id)
        for f in record.files:
            store.add_hold(conn, f.item_id, record.report_id, record.finished_at, record.preserve_until)
            hold = {"basis": HOLD_BASIS, "report": record.report_id, "until": record.preserve_until.isoformat()}
            append(conn, EventType.PRESERVATION_STARTED, hold, f.item_id)
        states = items.states(conn, [f.item_id for f in record.files])
        for item_id, state in states.items():
            if state is not ReviewState.REPORTED:
                items.set_state(conn, item_id, ReviewState.REPORTED, "")
                append(conn, EventType.ITEM_STATE_CHANGED, {"from": str(state), "to": "reported"}, item_id)
        if record.environment is Environment.PRODUCTION:
            _record_report_number(workspace, conn, record)

    run_to_completion(workspace.vault().store([body], len(body), None, on_commit))


def _draft(workspace: Workspace, conn: Any, report_id: str) -> ReportDraft | None:
    stored = ReportStore(workspace.fields()).load(conn, report_id)
    return stored.draft if stored is not None else None


def _record_report_number(workspace: Workspace, conn: Any, record: SubmissionRecord) -> None:
    """Production only: later reports about the same account are offered this number to cite.

    Test and practice numbers are another number space; NCMEC's analysts could not look them up.
    """
    reports = ReportStore(workspace.fields())
    number = record.ncmec_report_id
    stored = reports.load(conn, record.report_id)
    if stored is None or number is None or stored.ncmec_report_id == number:
        return
    holder = reports.ncmec_report_ids(conn).get(number)
    if holder is not None and holder != record.report_id:
        return  # recorded by hand for another report: left for the reviewer to sort out
    data: dict[str, Any] = {"ncmec_report_id": number, "source": "api"}
    if stored.ncmec_report_id is not None:
        data["previous"] = stored.ncmec_report_id
    stored.ncmec_report_id = number
    data[DRAFT_DIGEST] = reports.update(conn, stored)
    workspace.append_event(conn, EventType.REPORT_NCMEC_ID_RECORDED, data, record.report_id)
