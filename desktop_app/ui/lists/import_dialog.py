"""The list import dialog: which list, which format, which hash a plain list holds, the column mapping.

For a CSV or TSV file the mapping is chosen per column of the file's own header
(``ColumnMappingWidget``), starting from the mapping the list (or another list of its source) was
last imported with; a file whose header cannot be read falls back to a typed mapping.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.hashlists.read_lines import META_ROLES, ReadOptions
from desktop_app.ui.lists.column_mapping import ColumnMappingWidget, read_header

FORMAT_LABELS = {
    ListFormat.TEXT: "Plain text, one hash a line",
    ListFormat.CSV: "CSV or TSV with a column mapping",
    ListFormat.HMA_CSV: "python-threatexchange / HMA CSV",
    ListFormat.HMA_TEXT: "python-threatexchange text",
    ListFormat.NCMEC_XML: "NCMEC Hash Sharing v2 XML page",
    ListFormat.STOPNCII_JSON: "StopNCII FetchHashes JSON",
    ListFormat.THREATEXCHANGE_JSON: "ThreatExchange threat_updates JSON",
    ListFormat.TAT_JSON: "Tech Against Terrorism JSON",
}


class ListImportDialog(QDialog):
    """Asks what the reviewer knows about a list file; the hash type is never guessed."""

    def __init__(
        self,
        file: Path,
        list_names: list[str],
        proposed: ListFormat | None,
        parent: QWidget | None = None,
        saved_mapping: Callable[[str], dict[str, str]] | None = None,
    ):
        super().__init__(parent)
        self._saved_mapping = saved_mapping  # the mapping last used for a list (or its source), by list name
        self._existing = {name.casefold() for name in list_names}
        self.setWindowTitle("Import a hash list")
        self.setMinimumWidth(560)
        self.file = file
        form = QFormLayout(self)
        form.addRow("File", QLabel(file.name))
        self.list_field = QComboBox()
        self.list_field.setEditable(True)
        self.list_field.addItems(list_names)
        self.list_field.setToolTip("An existing list is updated (additions and withdrawals); a new name creates one.")
        form.addRow("List", self.list_field)
        self.format_field = QComboBox()
        for fmt, label in FORMAT_LABELS.items():
            self.format_field.addItem(label, fmt)
        if proposed is not None:
            self.format_field.setCurrentIndex(list(FORMAT_LABELS).index(proposed))
        form.addRow("Format", self.format_field)
        self.algorithm_field = QComboBox()
        self.algorithm_field.addItem("Choose…", None)
        for algorithm in (Algorithm.MD5, Algorithm.SHA1, Algorithm.SHA256, Algorithm.PDQ):
            self.algorithm_field.addItem(str(algorithm).upper(), algorithm)
        self.algorithm_field.setToolTip("A 64-digit hash can be PDQ or SHA-256: say which.")
        form.addRow("Every line is", self.algorithm_field)
        self.columns = ColumnMappingWidget(read_header(file))
        form.addRow("Columns", self.columns)
        self.mapping_field = QLineEdit()
        self.mapping_field.setPlaceholderText("e.g. MD5=md5, SHA1=sha1, Category=label, Removed=deleted")
        self.mapping_field.setToolTip(f"Column=role; roles: md5, sha1, sha256, pdq, vpdq, {', '.join(META_ROLES)}")
        form.addRow("Mapping", self.mapping_field)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format_field.currentIndexChanged.connect(self._format_changed)
        self.list_field.currentTextChanged.connect(self._apply_saved_mapping)
        self._format_changed()
        self._apply_saved_mapping(self.list_field.currentText())

    def _apply_saved_mapping(self, name: str) -> None:
        """Map the file's columns as the list's last CSV import did, where the file has those columns."""
        # Only an existing list has a history: typing a new name reads nothing from the workspace.
        known = name.strip().casefold() in self._existing
        saved = self._saved_mapping(name) if self._saved_mapping is not None and known else {}
        for column, role in saved.items():
            if column in self.columns.roles:
                self.columns.set_role(column, role)

    @property
    def format(self) -> ListFormat:
        """The chosen format."""
        return ListFormat(self.format_field.currentData())

    def _format_changed(self) -> None:
        self.algorithm_field.setEnabled(self.format == ListFormat.TEXT)
        csv_file = self.format == ListFormat.CSV
        self.columns.setVisible(csv_file and bool(self.columns.columns))
        self.mapping_field.setEnabled(csv_file and not self.columns.columns)
        form = self.layout()
        if isinstance(form, QFormLayout):
            form.setRowVisible(self.columns, csv_file and bool(self.columns.columns))
            form.setRowVisible(self.mapping_field, csv_file and not self.columns.columns)
            form.setRowVisible(self.algorithm_field, self.format == ListFormat.TEXT)
        self.adjustSize()

    def options(self) -> ReadOptions:
        """What the importer is told."""
        mapping = self.columns.mapping()
        for pair in self.mapping_field.text().split(",") if not self.columns.columns else ():
            column, sep, role = pair.strip().rpartition("=")
            if sep and column:
                mapping[column.strip()] = role.strip()
        return ReadOptions(algorithm=self.algorithm_field.currentData(), mapping=mapping)

    def _accept(self) -> None:
        if not self.list_field.currentText().strip():
            self.error_label.setText("Name the list.")
        elif self.format == ListFormat.TEXT and self.algorithm_field.currentData() is None:
            self.error_label.setText("Say which hash the lines hold: it is never guessed from the length.")
        elif self.format == ListFormat.CSV and not set(self.options().mapping.values()) & {str(a) for a in Algorithm}:
            self.error_label.setText("Say which column holds a hash (MD5, SHA-1, SHA-256, PDQ or vPDQ).")
        else:
            self.accept()
