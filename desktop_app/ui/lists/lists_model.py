"""The table of hash lists: name, programme, threshold, entries by algorithm, withdrawn, imports."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.core.domain.hashlists import HashList, ListCounts

COLUMNS = ("List", "Programme", "PDQ threshold", "Entries", "Withdrawn", "Imports", "Matching")
LIST_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ListsModel(QAbstractTableModel):
    """One row per list; ``set_rows`` replaces them (the service is read on a worker)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[HashList, ListCounts, int]] = []

    def set_rows(self, rows: list[tuple[HashList, ListCounts, int]]) -> None:
        """Replace the rows: (settings, counts, number of imports)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Lists (a table: no children)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The named columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, and the list id under ``LIST_ID_ROLE``."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        settings, counts, imports = self.rows[index.row()]
        if role == LIST_ID_ROLE:
            return settings.list_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        entries = ", ".join(f"{k.upper()} {v:,}" for k, v in sorted(counts.active.items())) or "empty"
        return (
            settings.name,
            settings.source or "—",
            f"≤ {settings.pdq_threshold}",
            entries,
            f"{counts.deleted:,}",
            f"{imports:,}",
            "on" if settings.enabled else "off",
        )[index.column()]
