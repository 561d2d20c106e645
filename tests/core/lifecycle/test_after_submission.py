"""The automatic hold from a real finish: the practice server on loopback, the receipt's finish time."""

import threading

import pytest

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.practice import PracticeServer
from desktop_app.core.domain.holds import HoldSource, ItemRole
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.lifecycle import build_lifecycle
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from desktop_app.core.storage.submissions import SubmissionStore
from tests.core.lifecycle.helpers import report_with_items
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    assert not [t for t in threading.enumerate() if t not in before and t.is_alive()]


def test_a_finished_submission_holds_its_items_for_a_year_from_the_finish(workspace, items, reports, tmp_path):
    report_id, item_ids = report_with_items(items, reports, tmp_path / "m")
    with PracticeServer() as server:
        practice = PracticeEndpoint.attached(server.url, credentials_of(server))
        submissions = SubmissionService(
            workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=FAST
        )
        status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.FINISHED, status.advice
    with workspace.db.read() as reader:
        record = SubmissionStore(workspace.fields()).load(reader.conn, report_id)
    assert record is not None and record.finished_at is not None
    lifecycle = build_lifecycle(workspace)

    reminders = lifecycle.at_unlock()

    [hold] = lifecycle.holds.holds()
    assert hold.source is HoldSource.REPORT_FINISHED and hold.report_id == report_id
    assert hold.items == dict.fromkeys(item_ids, ItemRole.REPORTED)
    assert hold.derived_from == f"finished:{report_id}" and "practice" in hold.details.note
    assert hold.started_at == record.finished_at and hold.ends_at == record.preserve_until
    assert reminders == []
    assert workspace.verify_log().ok
    # What the transparency figures count is in the receipt's custody event, from the draft as filed.
    [receipt] = [e.event for e in workspace.events() if e.event.type == "submission.receipt-archived"]
    draft = reports.load(report_id).draft
    assert receipt.data["incident_type"] == draft.report.get("incidentSummary").text("incidentType")
    assert receipt.data["hashes"] == 3 * len(item_ids)
    assert isinstance(receipt.data["referral_ready"], bool)
