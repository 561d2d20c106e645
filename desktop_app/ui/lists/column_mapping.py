"""The column mapping of a CSV or TSV hash list: each column of the file's header, and what it holds.

``read_header`` reads only the file's first line (at most ``HEADER_BYTES``), with the delimiter
found as the importer finds it (comma, tab or semicolon, whichever the line has most of), so the
dialog can offer the file's own column names. ``ColumnMappingWidget`` shows one row per column
with a choice of role: a hash algorithm, a piece of metadata, or nothing. A column whose name
says what it holds ("md5", "SHA-256", "pdq", "category") is proposed; the reviewer confirms.
"""

import csv
import io
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from desktop_app.core.domain.hashlists import Algorithm
from desktop_app.core.hashlists.read_lines import META_ROLES

HEADER_BYTES = 64 * 1024
MAX_COLUMNS = 40  # a header wider than this is not a hash list; the text field takes over
ROLE_TEXT = {
    "": "Not used",
    "md5": "MD5 hash",
    "sha1": "SHA-1 hash",
    "sha256": "SHA-256 hash",
    "pdq": "PDQ hash",
    "vpdq": "vPDQ hash (video)",
    "label": "Label or category",
    "tags": "Tags",
    "source_id": "The programme's id",
    "media_kind": "Media kind",
    "deleted": "Deleted / withdrawn flag",
}
assert set(ROLE_TEXT) == {"", *map(str, Algorithm), *META_ROLES}  # every role the importer knows, and only those
# Column names that say what they hold (compared without case, spaces, dashes or underscores).
_PROPOSALS = {
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "pdq": "pdq",
    "pdqhash": "pdq",
    "vpdq": "vpdq",
    "label": "label",
    "category": "label",
    "tags": "tags",
    "id": "source_id",
    "sourceid": "source_id",
    "mediakind": "media_kind",
    "mediatype": "media_kind",
    "deleted": "deleted",
    "removed": "deleted",
    "withdrawn": "deleted",
}


def read_header(path: Path) -> list[str]:
    """The column names of a CSV/TSV file's first line ([] if it has none that can be read)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError:
        return []
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace").rstrip("\r")
    if not first.strip():
        return []
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []
    names = [name.strip() for name in header]
    return names if 0 < len(names) <= MAX_COLUMNS and all(names) else []


def proposed_role(column: str) -> str:
    """The role a column's name suggests ('' for none)."""
    key = "".join(c for c in column.lower() if c.isalnum())
    return _PROPOSALS.get(key, "")


class ColumnMappingWidget(QWidget):
    """One row per column of the file: its name and what it holds."""

    def __init__(self, columns: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.roles: dict[str, QComboBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        for row, column in enumerate(self.columns):
            name = QLabel(column)
            name.setProperty("role", "field-name")
            choice = QComboBox()
            for role, text in ROLE_TEXT.items():
                choice.addItem(text, role)
            choice.setCurrentIndex(max(0, choice.findData(proposed_role(column))))
            choice.setAccessibleName(f"What column {column} holds")
            self.roles[column] = choice
            grid.addWidget(name, row, 0)
            grid.addWidget(choice, row, 1)

    def mapping(self) -> dict[str, str]:
        """Column name -> role, for the columns that are used."""
        return {column: str(choice.currentData()) for column, choice in self.roles.items() if choice.currentData()}

    def set_role(self, column: str, role: str) -> None:
        """Say what ``column`` holds."""
        choice = self.roles[column]
        choice.setCurrentIndex(choice.findData(role))
