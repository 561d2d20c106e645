"""Transparency figures recomputed from the custody log, never from tables that could be edited.

For a period: reports finished with NCMEC by month and environment, reports filed by hand, files
reported, retractions, holds placed by source, holds released, items destroyed by basis,
follow-ups received and the desk's own actions by kind; and, for real reports (production or filed
by hand), their incident type, the file hashes they gave and whether the app's referral hints
found them referral-ready or informational (``report_figures.py`` writes these into the event). Every
figure is a count of custody events, so anyone holding the workspace's keys can recompute it and
``log verify`` proves the events were not altered. Exported as CSV (month, figure, value).
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_app.core.domain.events import CustodyEvent, EventType

FIGURES = (
    "reports finished",
    "reports filed by hand",
    "reports by incident type",
    "referral-ready reports",
    "informational reports",
    "files reported",
    "hashes reported",
    "retractions",
    "holds placed",
    "holds released",
    "items destroyed",
    "follow-ups received",
    "desk actions",
)


@dataclass(frozen=True)
class Figures:
    """Counts per (month 'YYYY-MM', figure name), for events in [start, end)."""

    start: datetime
    end: datetime
    counts: dict[tuple[str, str], int]

    def total(self, figure: str) -> int:
        """The figure over the whole period (all its breakdowns)."""
        return sum(v for (_, name), v in self.counts.items() if name == figure or name.startswith(f"{figure} ("))

    def months(self) -> list[str]:
        """Every month of the period, those without events included (a chart must show the gaps)."""
        last = self.end - timedelta(microseconds=1)  # the period is [start, end)
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (last.year, last.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def by_month(self, figure: str) -> dict[str, int]:
        """The figure per month of the period (all its breakdowns together), zero where nothing happened."""
        totals = dict.fromkeys(self.months(), 0)
        for (month, name), value in self.counts.items():
            if name == figure or name.startswith(f"{figure} ("):
                totals[month] = totals.get(month, 0) + value
        return totals

    def breakdown(self, figure: str) -> dict[str, int]:
        """The figure over the period per breakdown (``holds placed`` -> {"2703(f)": 3, ...})."""
        totals: Counter[str] = Counter()
        for (_, name), value in self.counts.items():
            if name.startswith(f"{figure} (") and name.endswith(")"):
                totals[name[len(figure) + 2 : -1]] += value
        return dict(sorted(totals.items()))

    def to_csv(self) -> str:
        """``month,figure,value`` rows, sorted; what the transparency report's tables are built from."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["month", "figure", "value"])
        for (month, name), value in sorted(self.counts.items()):
            writer.writerow([month, name, value])
        return out.getvalue()


def _report_figures(data: dict[str, object]) -> list[tuple[str, int]]:
    """A real report's incident type, hashes and referral readiness (events from before they were logged: none)."""
    if "incident_type" not in data:
        return []
    hashes = data.get("hashes", 0)
    readiness = "referral-ready reports" if data.get("referral_ready") else "informational reports"
    return [
        (f"reports by incident type ({data['incident_type']})", 1),
        (readiness, 1),
        ("hashes reported", hashes if isinstance(hashes, int) else 0),
    ]


def _figures_of(event: CustodyEvent) -> list[tuple[str, int]]:
    data = event.data
    if event.type == EventType.SUBMISSION_RECEIPT_ARCHIVED:
        environment = str(data.get("environment", "unknown"))
        found = [
            (f"reports finished ({environment})", 1),
            (f"files reported ({environment})", len(data.get("file_ids", []))),
        ]
        return found + (_report_figures(data) if environment == "production" else [])
    if event.type == EventType.REPORT_NCMEC_ID_RECORDED and data.get("source") != "api" and "previous" not in data:
        # A corrected number is the same report again, not another one filed.
        return [("reports filed by hand", 1), *_report_figures(data)]
    if event.type == EventType.SUBMISSION_STATE_CHANGED and data.get("to") == "retracted":
        return [("retractions", 1)]
    if event.type == EventType.HOLD_PLACED:
        return [(f"holds placed ({data.get('source', 'unknown')})", 1)]
    if event.type == EventType.HOLD_RELEASED:
        return [(f"holds released ({data.get('source', 'unknown')})", 1)]
    if event.type == EventType.FOLLOWUP_RECORDED:
        figure = "follow-ups received" if data.get("received") else "desk actions"
        return [(f"{figure} ({data.get('kind', 'unknown')})", 1)]
    if event.type == EventType.ITEM_DESTROYED:
        return [(f"items destroyed ({data.get('basis', 'unknown')})", 1)]
    return []


def figures_from_events(events: Iterable[CustodyEvent], start: datetime, end: datetime) -> Figures:
    """Count the figures of the events that happened in [start, end)."""
    counts: Counter[tuple[str, str]] = Counter()
    for event in events:
        if start <= event.time < end:
            for name, value in _figures_of(event):
                counts[(f"{event.time:%Y-%m}", name)] += value
    return Figures(start, end, dict(counts))
