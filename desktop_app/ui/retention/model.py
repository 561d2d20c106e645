"""The retention table: one row per held item or report, soonest deadline first."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.core.services.retention import RetentionRow

COLUMNS = ("Kind", "Id", "Status", "Deadline", "Held by")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the RetentionRow itself


class RetentionModel(QAbstractTableModel):
    """Rows of the core retention query; replaced whole on every reload (a desk holds hundreds, not millions)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[RetentionRow] = []

    def set_rows(self, rows: list[RetentionRow]) -> None:
        """Show ``rows``."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt override."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt override."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Qt override."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(row.why) or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        deadline = "until released" if row.indefinite else (f"{row.until:%Y-%m-%d}" if row.until else "-")
        return (row.kind, row.subject_id[:12], row.status, deadline, "; ".join(row.why) or "-")[index.column()]
