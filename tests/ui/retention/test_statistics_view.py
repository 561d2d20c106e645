"""The transparency figures shown equal the figures recomputed from the custody log of a generated workspace.

Hundreds of filed reports over two years (through the API and by hand, with incident types, hashes
and referral readiness), retractions, holds, destructions and follow-ups are appended to a real
custody log at generated times; the test counts them its own way from ``workspace.events()`` and
compares with what the widget's table and charts show, and with the exported CSV and PDF.
"""

import csv
import io
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.lifecycle import build_lifecycle
from desktop_app.ui.retention.statistics_view import StatisticsWidget
from tests.ui.retention.generated_log import generate_log
from tests.ui.screens import distinct_colours, grab


def _recount(workspace, start: datetime, end: datetime) -> tuple[Counter, Counter, Counter]:
    """Totals, reports per month and incident types, counted here from the log without the app's code."""
    totals: Counter = Counter()
    months: Counter = Counter()
    incidents: Counter = Counter()
    for logged in workspace.events():
        event = logged.event
        if not start <= event.time < end:
            continue
        data = event.data
        filed = event.type is EventType.SUBMISSION_RECEIPT_ARCHIVED or (
            event.type is EventType.REPORT_NCMEC_ID_RECORDED and "incident_type" in data
        )
        if filed:
            totals[
                "reports finished" if event.type is EventType.SUBMISSION_RECEIPT_ARCHIVED else "reports filed by hand"
            ] += 1
            totals["hashes reported"] += data["hashes"]
            totals["referral-ready reports" if data["referral_ready"] else "informational reports"] += 1
            totals["files reported"] += len(data.get("file_ids", []))
            months[f"{event.time:%Y-%m}"] += 1
            incidents[data["incident_type"]] += 1
        elif event.type is EventType.SUBMISSION_STATE_CHANGED:
            totals["retractions"] += 1
        elif event.type is EventType.ITEM_DESTROYED:
            totals["items destroyed"] += 1
        elif event.type is EventType.FOLLOWUP_RECORDED:
            totals["follow-ups received" if data["received"] else "desk actions"] += 1
    return totals, months, incidents


def test_the_figures_shown_are_the_figures_in_the_log(qtbot, pool, workspace, shots, shots_dir, tmp_path):
    generate_log(workspace, 400)
    widget = StatisticsWidget(build_lifecycle(workspace), pool)
    qtbot.addWidget(widget)
    widget.start.setDate(QDate(2025, 1, 1))
    widget.end.setDate(QDate(2026, 1, 1))
    with qtbot.waitSignal(widget.figures_shown, timeout=30_000):
        widget.show_button.click()

    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    totals, months, incidents = _recount(workspace, start, end)
    shown = widget.shown_totals()
    assert totals["reports finished"] > 100  # hundreds over the two years, a good share in this one
    for name, value in shown.items():
        assert value == totals[name], name
    assert widget.monthly.values == {f"2025-{m:02d}": months[f"2025-{m:02d}"] for m in range(1, 13)}
    widget.breakdown_choice.setCurrentIndex(0)  # reports by incident type
    assert widget.breakdown.values == dict(sorted(incidents.items()))
    # The generated events were appended without the hold and destruction rows they describe: the
    # log itself is sound, and only its reconciliation with the tables notices the missing rows.
    verification = workspace.verify_log()
    assert verification.first_bad_seq is None
    assert "tables disagree with the custody log" in (verification.problem or "")

    widget.resize(1366, 768)
    assert distinct_colours(grab(widget, shots_dir / "statistics.png")) > 3
    widget.resize(1920, 1080)
    assert distinct_colours(grab(widget, shots_dir / "statistics-1920.png")) > 3

    with qtbot.waitSignal(widget.message, timeout=30_000):
        widget.export(tmp_path / "figures-2025")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "figures-2025.csv").read_text())))
    assert (
        sum(int(r["value"]) for r in rows if r["figure"].startswith("reports finished")) == totals["reports finished"]
    )
    page = (tmp_path / "figures-2025.html").read_text()
    assert f"<td>Reports finished with NCMEC</td><td align='right'>{totals['reports finished']}</td>" in page
    pdf = tmp_path / "figures-2025.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF was written but not rendered")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, "the summary must fit on one page"
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], shots / "transparency-summary-pdf.png")
