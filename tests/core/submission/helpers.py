"""Submission test data: synthetic media imported into a real workspace, reports that NCMEC would accept.

Everything is generated (Pillow drawings, a PyAV clip, example domains); nothing is real content.
"""

from datetime import UTC, datetime
from pathlib import Path

from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.cybertipline.findings import Severity
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from tests import synthetic_media

INCIDENT_TIME = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def import_media(items: ItemService, folder: Path, pictures: int = 2, video: bool = True, seed: int = 0) -> list[str]:
    """Generate pictures (and a short video), import them; their item ids in that order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(pictures):
        path = folder / f"picture-{seed}-{n}.jpg"
        path.write_bytes(synthetic_media.photo(160, 120, seed=seed * 100 + n + 1))
        paths.append(path)
    if video:
        path = folder / f"clip-{seed}.mp4"
        path.write_bytes(synthetic_media.mp4(seconds=1.0, fps=5, width=96, height=64, seed=seed))
        paths.append(path)
    summary = run_to_completion(items.import_paths(paths))
    assert summary.ok, summary
    by_name = {item.display_name: item.item_id for item in items.list_items()}
    return [by_name[path.name] for path in paths]


def complete(reports: ReportService, report_id: str) -> None:
    """Fill what NCMEC requires so the report has no errors."""
    record = reports.load(report_id)
    report = record.draft.report
    summary = report.ensure("incidentSummary")
    summary.set("incidentType", "Child Pornography (possession, manufacture, and distribution)")
    summary.set("incidentDateTime", INCIDENT_TIME)
    person = report.ensure("reporter").ensure("reportingPerson")
    person.set("firstName", "Sam")
    person.set("lastName", "Reviewer")
    person.set("email", "trust@example.org")
    if not report.all("personOrUserReported"):
        report.add("personOrUserReported").add("espIdentifier", f"u-{report_id[:6]}")
    reports.save(record)
    errors = [f for f in reports.check(reports.load(report_id)) if f.severity is Severity.ERROR]
    assert not errors, errors


def new_report(reports: ReportService, item_ids: list[str]) -> str:
    record = reports.create_draft(item_ids)
    complete(reports, record.report_id)
    return record.report_id


def credentials_of(server) -> Credentials:
    return Credentials(server.username, server.password)


def make_batched(reports: ReportService, report_id: str) -> None:
    """Turn a one-file report into a batched (viral meme) report: users by account id, a tagged file."""
    record = reports.load(report_id)
    report = record.draft.report
    report.add("batchedReport", reason="VIRAL_POTENTIAL_MEME")
    report.remove("personOrUserReported")
    for account in ("u-2001", "u-2002"):
        report.add("personOrUserReported").add("espIdentifier", account)
    [entry] = record.draft.files
    for name in ("originalFileName", "locationOfFile", "originalFileHash", "ipCaptureEvent", "uploadedToEspTimestamp"):
        entry.details.remove(name)
    entry.details.set("fileRelevance", "Reported")
    entry.details.ensure("fileAnnotations").add("viral")
    reports.save(record)
    errors = [f for f in reports.check(reports.load(report_id)) if f.severity is Severity.ERROR]
    assert not errors, errors
