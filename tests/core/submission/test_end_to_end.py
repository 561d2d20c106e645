"""End to end over loopback: the practice server, a real workspace, the vault and the custody log."""

import pytest

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.cybertipline.findings import Severity
from desktop_app.core.cybertipline.practice import Fault
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.errors import ReportHasErrors, SubmissionRefused
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService
from tests.core.submission.conftest import FAST
from tests.core.submission.helpers import credentials_of, import_media, make_batched, new_report


def test_a_report_with_pictures_and_a_video_is_finished_with_its_receipt(
    workspace, items, reports, submissions, server, tmp_path
):
    item_ids = import_media(items, tmp_path / "media", pictures=2, video=True)
    report_id = new_report(reports, item_ids)

    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))

    assert status.state is SubmissionState.FINISHED, status.advice
    snapshot = server.snapshot()
    [finished] = snapshot.in_state("finished")
    assert str(finished.report_id) == status.ncmec_report_id
    sent = {items.get(i).digests.md5 for i in item_ids}
    assert {f.md5 for f in finished.files} == sent and len(finished.files) == 3
    assert all(f.has_file_details for f in finished.files)
    assert set(status.file_ids) == {f.file_id for f in finished.files}
    receipt = workspace.vault().read_bytes(status.receipt_blob_id)
    assert b"reportDoneResponse" in receipt and status.ncmec_report_id.encode() in receipt
    assert all(items.get(i).state is ReviewState.REPORTED for i in item_ids)
    assert workspace.verify_log().ok


def test_a_text_only_report_is_opened_and_finished_without_files(reports, submissions, server):
    report_id = new_report(reports, [])

    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))

    assert status.state is SubmissionState.FINISHED, status.advice
    [finished] = server.snapshot().in_state("finished")
    assert finished.files == () and status.file_ids == ()
    paths = [r.path for r in server.snapshot().requests]
    assert paths == ["/submit", "/finish"]


def test_a_batched_report_carries_its_one_tagged_file(items, reports, submissions, server, tmp_path):
    [item_id] = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, [item_id])
    make_batched(reports, report_id)

    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))

    assert status.state is SubmissionState.FINISHED, status.advice
    [finished] = server.snapshot().in_state("finished")
    assert finished.batched and len(finished.files) == 1


def test_the_reviewer_retracts_an_open_report(items, reports, submissions, server, tmp_path):
    item_ids = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, item_ids)
    # The finish fails until the retries run out: the report stays open, waiting for a decision.
    server.set_faults([Fault(endpoint="/finish", kind="status", status=503, call=None)])
    waiting = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert waiting.state is SubmissionState.NEEDS_DECISION
    assert waiting.expires_at is not None and "retract" in waiting.advice
    assert [s.report_id for s in submissions.unfinished()] == [report_id]

    server.set_faults([])
    status = run_to_completion(submissions.retract(report_id, CancelToken()))

    assert status.state is SubmissionState.RETRACTED, status.advice
    [report] = server.snapshot().reports
    assert report.state == "retracted" and str(report.report_id) == waiting.ncmec_report_id
    assert submissions.unfinished() == []
    assert items.get(item_ids[0]).state is not ReviewState.REPORTED


def test_a_report_with_errors_is_refused_before_any_call(reports, submissions, server):
    record = reports.create_draft([])  # no incident type, no reporter: NCMEC would reject it

    with pytest.raises(ReportHasErrors) as refused:
        run_to_completion(submissions.submit(record.report_id, Environment.PRACTICE, CancelToken()))

    assert any(f.severity is Severity.ERROR for f in refused.value.findings)
    assert server.snapshot().requests == ()
    assert submissions.status(record.report_id).state is SubmissionState.DRAFT


def test_a_finished_report_cannot_be_sent_twice(reports, submissions, server):
    report_id = new_report(reports, [])
    run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))

    with pytest.raises(SubmissionRefused, match="finished"):
        run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert len(server.snapshot().in_state("finished")) == 1


def test_a_production_report_number_is_offered_to_later_reports(workspace, items, reports, server, tmp_path):
    # "Production" pointed at the loopback practice server: the id is recorded as a filed report's.
    secrets = MemorySecretStore()
    credentials = CredentialStore(secrets)
    credentials.save(server.url, credentials_of(server))
    service = SubmissionService(
        workspace, reports, items, credentials, PracticeEndpoint(), endpoints={Environment.PRODUCTION: server.url},
        settings=FAST,
    )
    first = new_report(reports, [])
    status = run_to_completion(service.submit(first, Environment.PRODUCTION, CancelToken()))
    assert status.state is SubmissionState.FINISHED

    later = reports.create_draft([])
    record = reports.load(later.report_id)
    person = record.draft.report.add("personOrUserReported")
    person.add("espIdentifier", reports.load(first).draft.report.get("personOrUserReported").text("espIdentifier"))
    reports.save(record)
    [offer] = reports.prior_reports(reports.load(later.report_id))
    assert str(offer.ncmec_report_id) == status.ncmec_report_id
    assert int(status.ncmec_report_id) in reports.known_ncmec_report_ids()
