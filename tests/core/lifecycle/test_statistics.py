"""Transparency figures recomputed from a real custody log spanning two years."""

import csv
import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.services.statistics import figures_from_events

START = datetime(2024, 1, 1, tzinfo=UTC)


def _generate(workspace, count: int) -> Counter:
    """Append ``count`` lifecycle events at random times over two years; what they should add up to."""
    rng = random.Random(11)
    expected: Counter = Counter()
    log = workspace.custody_log()
    with workspace.db.write() as conn:
        for n in range(count):
            when = START + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            month = f"{when:%Y-%m}"
            kind = rng.choice(["finished", "hand", "retracted", "hold", "release", "destroyed"])
            if kind == "finished":
                files = rng.randrange(0, 6)
                data = {"environment": "production", "file_ids": [str(i) for i in range(files)]}
                event = CustodyEvent(EventType.SUBMISSION_RECEIPT_ARCHIVED, "R", data, f"r{n}", when)
                expected[(month, "reports finished (production)")] += 1
                expected[(month, "files reported (production)")] += files
            elif kind == "hand":
                event = CustodyEvent(EventType.REPORT_NCMEC_ID_RECORDED, "R", {"ncmec_report_id": n}, f"r{n}", when)
                expected[(month, "reports filed by hand")] += 1
            elif kind == "retracted":
                data = {"from": "open", "to": "retracted"}
                event = CustodyEvent(EventType.SUBMISSION_STATE_CHANGED, "R", data, f"r{n}", when)
                expected[(month, "retractions")] += 1
            elif kind == "hold":
                source = rng.choice(["2258A(h)(1)", "2703(f)", "litigation"])
                event = CustodyEvent(EventType.HOLD_PLACED, "R", {"source": source}, f"h{n}", when)
                expected[(month, f"holds placed ({source})")] += 1
            elif kind == "release":
                data = {"source": "2703(f)", "reason": "withdrawn"}
                event = CustodyEvent(EventType.HOLD_RELEASED, "R", data, f"h{n}", when)
                expected[(month, "holds released (2703(f))")] += 1
            else:
                event = CustodyEvent(EventType.ITEM_DESTROYED, "R", {"basis": "retention review"}, f"i{n}", when)
                expected[(month, "items destroyed (retention review)")] += 1
            log.append(conn, event)
    return expected


def test_figures_over_two_years_equal_what_was_logged(workspace):
    expected = _generate(workspace, 600)
    events = [logged.event for logged in workspace.events()]

    figures = figures_from_events(events, START, START + timedelta(days=2 * 366))

    assert figures.counts == dict(expected)
    assert figures.total("reports finished") == sum(v for (_, k), v in expected.items() if k.startswith("reports fin"))
    rows = list(csv.DictReader(io.StringIO(figures.to_csv())))
    assert sum(int(r["value"]) for r in rows) == sum(expected.values())
    # The events were appended without the holds and destruction records they describe: the log
    # itself is sound, and its reconciliation with the tables notices the rows that are not there.
    verification = workspace.verify_log()
    assert verification.first_bad_seq is None
    assert "tables disagree with the custody log" in (verification.problem or "")


def test_a_period_counts_only_its_own_events(workspace):
    expected = _generate(workspace, 200)
    events = [logged.event for logged in workspace.events()]

    first_year = figures_from_events(events, START, datetime(2025, 1, 1, tzinfo=UTC))

    assert first_year.counts == {k: v for k, v in expected.items() if k[0].startswith("2024")}


def test_a_report_filed_by_hand_logs_its_incident_type_hashes_and_readiness(workspace, items, reports, tmp_path):
    from tests.core.lifecycle.helpers import report_with_items

    report_id, _ = report_with_items(items, reports, tmp_path / "m", pictures=2)
    reports.record_ncmec_report_id(report_id, 123456)
    [event] = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_NCMEC_ID_RECORDED]
    draft = reports.load(report_id).draft
    assert event.data["incident_type"] == draft.report.get("incidentSummary").text("incidentType")
    assert event.data["hashes"] == 6  # MD5, SHA-1 and SHA-256 of each of the two files
    assert isinstance(event.data["referral_ready"], bool)

    now = datetime.now(UTC)
    figures = figures_from_events([event], now - timedelta(days=1), now + timedelta(days=1))
    assert figures.total("reports filed by hand") == 1
    assert figures.total("hashes reported") == 6
    assert figures.breakdown("reports by incident type") == {event.data["incident_type"]: 1}
    assert figures.total("referral-ready reports") + figures.total("informational reports") == 1
    # A corrected number is the same report, not a second one.
    reports.record_ncmec_report_id(report_id, 123457)
    events = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_NCMEC_ID_RECORDED]
    assert (
        figures_from_events(events, now - timedelta(days=1), now + timedelta(days=1)).total("reports filed by hand")
        == 1
    )


def test_the_months_of_a_period_include_the_empty_ones():
    figures = figures_from_events([], datetime(2024, 11, 15, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    assert figures.months() == ["2024-11", "2024-12", "2025-01"]
    assert figures.by_month("retractions") == {"2024-11": 0, "2024-12": 0, "2025-01": 0}
