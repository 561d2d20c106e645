"""The table of hash lists: settings, entries, what each list matched, and how often lately."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.hashlists import HashList, ListActivity, ListCounts

COLUMNS = (
    "List",
    "Programme",
    "PDQ threshold",
    "Entries",
    "Deleted",
    "Entries matched",
    "Suppressed",
    "Matches this week",
    "Imports",
    "Matching",
)
TIPS = {
    4: "Entries the programme withdrew or deleted (kept as tombstones so a later file can bring them back)",
    5: "Distinct entries that match at least one item (suppressed and not-a-match marks left out); "
    "in brackets, how many items they match",
    6: "Entries of this list that matched items and are suppressed for the whole workspace; in brackets, "
    "matches marked not a match for one item",
    7: "Items whose match on this list was found in the last 7 days: a flood shows here first",
}
NUMBERS = frozenset({2, 4, 5, 6, 7, 8})
LIST_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ListsModel(QAbstractTableModel):
    """One row per list; ``set_rows`` replaces them (the service is read on a worker)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[HashList, ListCounts, int]] = []
        self.activity: dict[str, ListActivity] = {}

    def set_rows(
        self, rows: list[tuple[HashList, ListCounts, int]], activity: dict[str, ListActivity] | None = None
    ) -> None:
        """Replace the rows: (settings, counts, number of imports), and what each list matched, by id."""
        self.beginResetModel()
        self.rows = list(rows)
        self.activity = dict(activity or {})
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Lists (a table: no children)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The named columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles and what the counting ones count."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS.get(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, and the list id under ``LIST_ID_ROLE``."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        settings, counts, imports = self.rows[index.row()]
        if role == LIST_ID_ROLE:
            return settings.list_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        done = self.activity.get(settings.list_id, ListActivity())
        entries = ", ".join(f"{k.upper()} {v:,}" for k, v in sorted(counts.active.items())) or "empty"
        return (
            settings.name,
            settings.source or "—",
            f"≤ {settings.pdq_threshold}",
            entries,
            f"{counts.deleted:,}",
            f"{done.entries_matched:,} ({plural(done.items_matched, 'item')})" if done.entries_matched else "0",
            f"{done.entries_suppressed:,}" + (f" (+{done.not_a_match:,} not a match)" if done.not_a_match else ""),
            f"{done.matches_this_week:,}",
            f"{imports:,}",
            "on" if settings.enabled else "off",
        )[index.column()]
