"""The preview: a readable summary, and the exact XML each document would send.

The XML tab shows the bytes ``render_documents`` produces (what NCMEC would receive, byte for
byte, apart from the ids NCMEC assigns on submission, which file details show as placeholders and
the note says so). Nothing is written anywhere: exporting is the CLI's ``report export-xml``.
"""

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.cybertipline.findings import Finding
from desktop_app.core.services.report_building import RenderedDocument, render_documents
from desktop_app.core.services.reports import ReportRecord
from desktop_app.ui.report.summary import summary_html
from desktop_app.ui.theme import monospace_font

PLACEHOLDER_NOTE = (
    "reportId and fileId are placeholders here: NCMEC assigns them when the report is opened and the file uploaded."
)


class ReportPreviewWidget(QTabWidget):
    """Summary and XML of one report, refreshed with ``show_record``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.documents: list[RenderedDocument] = []
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        xml_page = QWidget()
        self.document_choice = QComboBox()
        self.document_choice.setAccessibleName("Document")
        self.document_choice.currentIndexChanged.connect(self._show_document)
        self.note = QLabel(PLACEHOLDER_NOTE)
        self.note.setWordWrap(True)
        self.note.setProperty("role", "hint")
        self.xml = QPlainTextEdit()
        self.xml.setReadOnly(True)
        self.xml.setFont(monospace_font(9.5))
        self.xml.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        choice_row = QHBoxLayout()
        choice_row.addWidget(QLabel("Document"))
        choice_row.addWidget(self.document_choice)
        choice_row.addStretch(1)
        layout = QVBoxLayout(xml_page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(choice_row)
        layout.addWidget(self.note)
        layout.addWidget(self.xml, 1)
        self.addTab(self.summary, "Summary")
        self.addTab(xml_page, "XML")

    def show_record(self, record: ReportRecord, findings: list[Finding]) -> None:
        """Render the report as it stands now."""
        self.summary.setHtml(summary_html(record.draft, findings))
        self.documents = render_documents(record)
        current = self.document_choice.currentIndex()
        self.document_choice.blockSignals(True)
        self.document_choice.clear()
        for document in self.documents:
            self.document_choice.addItem(document.name)
        self.document_choice.blockSignals(False)
        self.document_choice.setCurrentIndex(current if 0 <= current < len(self.documents) else 0)
        self._show_document(self.document_choice.currentIndex())

    def _show_document(self, index: int) -> None:
        if not 0 <= index < len(self.documents):
            self.xml.clear()
            return
        document = self.documents[index]
        self.xml.setPlainText(document.data.decode("utf-8"))
        self.note.setVisible(document.placeholder_ids)


class PreviewPage(QWidget):
    """The preview as a page of the form: it takes the page's whole height."""

    def __init__(self) -> None:
        super().__init__()
        heading = QLabel("Preview")
        heading.setProperty("role", "title")
        explanation = QLabel("Review the report as NCMEC will receive it before submitting or exporting it.")
        explanation.setWordWrap(True)
        explanation.setProperty("role", "hint")
        self.preview = ReportPreviewWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.preview, 1)
        self.setFocusProxy(self.preview)
