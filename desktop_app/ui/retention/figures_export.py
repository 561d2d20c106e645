"""Writing the transparency figures: CSV, and the one-page summary as HTML and PDF (run in a worker).

The PDF is the HTML page printed by the custody report's machinery (``ui/custody/export.html_to_pdf``),
so the two can never say different things; the CSV is ``Figures.to_csv``, the rows both come from.
"""

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.files import atomic_write_bytes
from desktop_app.core.services.statistics import Figures
from desktop_app.core.services.transparency_summary import render_html
from desktop_app.ui.custody.export import html_to_pdf


class FiguresExportFailed(EvidenceDeskError):
    """The figures could not be written where the reviewer chose."""

    code = "figures-export-failed"


@dataclass(frozen=True)
class FiguresExport:
    """The three files written."""

    csv_path: Path
    html_path: Path
    pdf_path: Path


def export_figures(figures: Figures, chosen: Path) -> FiguresExport:
    """Worker: ``chosen`` with .csv, .html and .pdf beside each other, each written atomically."""
    base = chosen.with_suffix("") if chosen.suffix.lower() in (".csv", ".pdf", ".html", ".htm") else chosen
    page = render_html(figures)
    written = FiguresExport(base.with_suffix(".csv"), base.with_suffix(".html"), base.with_suffix(".pdf"))
    contents = (
        (written.csv_path, figures.to_csv().encode("utf-8")),
        (written.html_path, page.encode("utf-8")),
        (
            written.pdf_path,
            html_to_pdf(page, f"Transparency figures {figures.start:%Y-%m-%d} to {figures.end:%Y-%m-%d}"),
        ),
    )
    for path, data in contents:
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise FiguresExportFailed(
                f"The figures could not be written to {path}: {exc.strerror or exc}. Choose another folder."
            ) from exc
    return written
