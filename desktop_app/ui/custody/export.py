"""Writing a custody report as HTML and PDF (run in a worker).

The HTML is ``core.services.custody_report.render_html``; the PDF is the same page laid out by
``QTextDocument`` and printed with ``QPdfWriter`` (A4, 300 dpi), so the two can never say different
things. Both files are written atomically and owner-only, then the export is logged with each
file's SHA-256 (``record_export``): the export is a custody event too.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.files import atomic_write_bytes
from desktop_app.core.services.custody_report import (
    CustodyReport,
    build_custody_report,
    record_export,
    render_html,
)
from desktop_app.core.services.workspace import Workspace


class CustodyExportFailed(EvidenceDeskError):
    """A custody report could not be written."""

    code = "custody-export-failed"


@dataclass(frozen=True)
class CustodyExport:
    """What was written, and the log entry that records it."""

    html_path: Path
    pdf_path: Path
    report: CustodyReport
    seq: int


def html_to_pdf(page: str, title: str) -> bytes:
    """``page`` laid out on A4 pages and printed to PDF bytes."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Evidence Desk")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15))
    )
    document = QTextDocument()
    # Laid out for the writer, not the screen: point sizes then mean points on paper at 300 dpi.
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(page)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)
    del writer  # finishes the PDF into the buffer
    data: QByteArray = buffer.data()
    buffer.close()
    return bytes(data.data())


def paths_for(chosen: Path) -> tuple[Path, Path]:
    """The HTML and PDF files for what the reviewer chose (either extension, or none)."""
    base = chosen.with_suffix("") if chosen.suffix.lower() in (".pdf", ".html", ".htm") else chosen
    return base.with_suffix(".html"), base.with_suffix(".pdf")


def export_custody_report(
    workspace: Workspace,
    get_item: Callable[[str], Item],
    all_items: Callable[[], Iterable[Item]],
    chosen: Path,
    item_ids: Sequence[str] = (),
    report_id: str | None = None,
) -> CustodyExport:
    """Worker: build the custody report, write it as HTML and PDF beside each other, log the export."""
    report = build_custody_report(workspace, get_item, all_items, item_ids, report_id)
    page = render_html(report)
    html_bytes = page.encode("utf-8")
    pdf_bytes = html_to_pdf(page, f"Custody report — {report.scope}")
    html_path, pdf_path = paths_for(chosen)
    for path, data in ((html_path, html_bytes), (pdf_path, pdf_bytes)):
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise CustodyExportFailed(
                f"The custody report could not be written to {path}: {exc.strerror or exc}. Choose another folder."
            ) from exc
    seq = record_export(workspace, report, {html_path.name: html_bytes, pdf_path.name: pdf_bytes})
    return CustodyExport(html_path, pdf_path, report, seq)
