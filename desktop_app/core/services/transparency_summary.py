"""The one-page transparency summary: the period's figures as tables and bar charts in plain HTML.

The bars are table cells with a width, not pictures: the same page opens in any browser and
prints to PDF through the custody report's machinery (``ui/custody/export.html_to_pdf``), and
every number on it is written beside its bar, so the page can be checked against the CSV.
"""

import html

from desktop_app import __version__
from desktop_app.core.services.statistics import Figures

TOTALS = (
    ("Reports finished with NCMEC", "reports finished"),
    ("Reports filed by hand", "reports filed by hand"),
    ("Referral-ready (by the app's hints)", "referral-ready reports"),
    ("Informational (by the app's hints)", "informational reports"),
    ("Files reported", "files reported"),
    ("File hashes reported", "hashes reported"),
    ("Retractions", "retractions"),
    ("Items destroyed", "items destroyed"),
    ("Follow-ups received", "follow-ups received"),
    ("Desk actions recorded", "desk actions"),
)
BREAKDOWNS = (
    ("Reports by incident type", "reports by incident type"),
    ("Holds placed by source", "holds placed"),
    ("Items destroyed by basis", "items destroyed"),
    ("Follow-ups received by kind", "follow-ups received"),
)
MONTHLY = ("reports finished", "reports filed by hand")
BAR_COLOUR = "#3b6ea8"


def reports_by_month(figures: Figures) -> dict[str, int]:
    """Reports filed per month, through the API or by hand: the summary's main chart."""
    months = dict.fromkeys(figures.months(), 0)
    for figure in MONTHLY:
        for month, value in figures.by_month(figure).items():
            months[month] += value
    return months


def _bars(title: str, values: dict[str, int]) -> str:
    top = max(values.values(), default=0) or 1
    rows = []
    for label, value in values.items():
        width = max(1, round(100 * value / top)) if value else 0
        bar = f'<td width="{width}%" bgcolor="{BAR_COLOUR}">&nbsp;</td>' if width else ""
        rows.append(
            f"<tr><td width='45%'>{html.escape(label)}</td><td width='8%' align='right'>{value}</td>"
            f"<td width='47%'><table width='100%' cellspacing='0' cellpadding='0'>"
            f"<tr>{bar}<td width='{100 - width}%'></td></tr></table>"
            "</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan='3'>none in this period</td></tr>")
    return f"<h3>{html.escape(title)}</h3><table width='100%' cellpadding='1'>{''.join(rows)}</table>"


def render_html(figures: Figures, desk: str = "") -> str:
    """One self-contained page: totals, reports by month, and the breakdowns."""
    period = f"{figures.start:%Y-%m-%d} to {figures.end:%Y-%m-%d} (end excluded)"
    totals = "".join(
        f"<tr><td>{html.escape(label)}</td><td align='right'>{figures.total(name)}</td></tr>" for label, name in TOTALS
    )
    charts = [_bars("Reports filed by month", reports_by_month(figures))]
    charts += [_bars(title, figures.breakdown(name)) for title, name in BREAKDOWNS]
    who = f" — {html.escape(desk)}" if desk else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Transparency figures</title>"
        "<style>body{font-family:sans-serif;font-size:9pt} h3{margin:6px 0 2px 0} td{padding:1px 4px}</style>"
        f"</head><body><h2>Transparency figures{who}</h2><p>{html.escape(period)}. Every figure is a count of "
        "custody-log events and can be recomputed with <code>evidence-desk stats</code>; referral-ready and "
        "informational follow the app's own hints, not NCMEC's classification.</p>"
        f"<table cellpadding='1'>{totals}</table>{''.join(charts)}"
        f"<p><small>Evidence Desk {html.escape(__version__)}</small></p></body></html>"
    )
