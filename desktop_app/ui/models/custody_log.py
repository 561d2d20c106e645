"""The custody log as a table: ``CustodyLogModel`` behind ``CustodyLogFilterModel``.

The model holds pre-formatted ``LogRow``s, so painting and filtering never encode JSON or convert
time zones. Rows are plain Python: ``rows_from_events`` runs in the worker that read the log, and
the GUI thread only swaps the finished list in with one model reset (constant time, however long
the log), which is how a bulk result reaches the view without stalling the event loop.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop_app.core.domain.custody_words import describe
from desktop_app.core.domain.events import LoggedEvent

Index = QModelIndex | QPersistentModelIndex
NO_SUBJECT = "—"


class Column(IntEnum):
    """The table's columns, in order."""

    SEQ = 0
    TIME = 1
    WHAT = 2
    SUBJECT = 3
    ACTOR = 4
    EVENT = 5
    DETAILS = 6


HEADERS = {
    Column.SEQ: "Seq",
    Column.TIME: "Time (local)",
    Column.WHAT: "What happened",
    Column.EVENT: "Event",
    Column.SUBJECT: "Subject",
    Column.ACTOR: "Actor",
    Column.DETAILS: "Details",
}


class Role(IntEnum):
    """Custom data roles (the same for every column of a row, except ``SORT``)."""

    EVENT_TYPE = Qt.ItemDataRole.UserRole + 1  # the event type string
    SUBJECT = Qt.ItemDataRole.UserRole + 2  # the subject, or None
    LOCAL_DATE = Qt.ItemDataRole.UserRole + 3  # QDate of the event in local time
    SEQ = Qt.ItemDataRole.UserRole + 4  # int
    SORT = Qt.ItemDataRole.UserRole + 5  # a value that sorts naturally for this column
    SEARCH_TEXT = Qt.ItemDataRole.UserRole + 6  # lower-case subject, its name, the sentence and details
    RAW = Qt.ItemDataRole.UserRole + 7  # the whole event, readable (the raw-event pane)


@dataclass(frozen=True, slots=True)
class LogRow:
    """One event, formatted for display (build with ``from_event``, off the GUI thread)."""

    seq: int
    timestamp: float
    local_time: str
    local_date: date
    utc_time: str
    event_type: str
    subject: str | None
    actor: str
    details: str
    details_pretty: str
    sentence: str = ""  # what happened, in words, items by name
    subject_name: str | None = None  # the subject's name when it is an item (or its content)

    @property
    def raw(self) -> str:
        """The whole event as the log holds it, readable (what the raw-event pane shows)."""
        return (
            f"Entry {self.seq}\nType: {self.event_type}\nTime: {self.utc_time} (UTC)\nActor: {self.actor}\n"
            f"Subject: {self.subject or NO_SUBJECT}\nData: {self.details_pretty}"
        )

    @classmethod
    def from_event(cls, logged: LoggedEvent, names: Mapping[str, str] | None = None) -> "LogRow":
        """Format one logged event (``names``: item and content ids to item names)."""
        names = names or {}
        event = logged.event
        local = event.time.astimezone()
        return cls(
            seq=logged.seq,
            timestamp=event.time.timestamp(),
            local_time=local.strftime("%Y-%m-%d %H:%M:%S"),
            local_date=local.date(),
            utc_time=event.time.isoformat(timespec="seconds"),
            event_type=str(event.type),
            subject=event.subject,
            actor=event.actor,
            details=json.dumps(event.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            if event.data
            else "",
            details_pretty=json.dumps(event.data, sort_keys=True, indent=2, ensure_ascii=False),
            sentence=describe(event, names),
            subject_name=names.get(event.subject) if event.subject else None,
        )


def rows_from_events(events: Sequence[LoggedEvent], names: Mapping[str, str] | None = None) -> list[LogRow]:
    """Format a whole log; meant for the worker thread."""
    return [LogRow.from_event(event, names) for event in events]


class CustodyLogModel(QAbstractTableModel):
    """Read-only table of logged events."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LogRow] = []

    def set_rows(self, rows: list[LogRow]) -> None:
        """Replace every row (cheap: the rows are already formatted)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_events(self, events: Sequence[LoggedEvent]) -> None:
        """Format ``events`` here and show them (fine for small logs and tests)."""
        self.set_rows(rows_from_events(events))

    def clear(self) -> None:
        """Drop every row (used when the workspace locks: nothing decrypted stays in memory)."""
        self.set_rows([])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Number of events (0 under any valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Number of columns (0 under any valid parent)."""
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles; rows have no header."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and (0 <= section < len(Column))
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, tooltips, alignment and the custom roles."""
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or index.column() >= len(Column):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.TIME:
                return f"{row.utc_time} (UTC)"
            if column == Column.DETAILS and row.details:
                return row.details_pretty
            if column == Column.WHAT:
                return row.raw
            if column == Column.SUBJECT and row.subject_name:
                return row.subject
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.SORT:
            return self._sort_key(row, column)
        return self._custom(row, role)

    @staticmethod
    def _display(row: LogRow, column: Column) -> str:
        if column == Column.SEQ:
            return str(row.seq)
        if column == Column.TIME:
            return row.local_time
        if column == Column.WHAT:
            return row.sentence or row.event_type
        if column == Column.EVENT:
            return row.event_type
        if column == Column.SUBJECT:
            return row.subject_name or row.subject or NO_SUBJECT
        if column == Column.ACTOR:
            return row.actor
        return row.details

    @staticmethod
    def _sort_key(row: LogRow, column: Column) -> Any:
        if column == Column.SEQ:
            return row.seq
        if column == Column.TIME:
            return row.timestamp
        return CustodyLogModel._display(row, column).casefold()

    @staticmethod
    def _custom(row: LogRow, role: int) -> Any:
        if role == Role.EVENT_TYPE:
            return row.event_type
        if role == Role.SUBJECT:
            return row.subject
        if role == Role.LOCAL_DATE:
            return QDate(row.local_date.year, row.local_date.month, row.local_date.day)
        if role == Role.SEQ:
            return row.seq
        if role == Role.RAW:
            return row.raw
        if role == Role.SEARCH_TEXT:
            return f"{row.subject or ''}\n{row.subject_name or ''}\n{row.sentence}\n{row.details}".casefold()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable and enabled; never editable (the log is append-only)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        """Qt's role names plus ours (useful in debugging and QML-free tests)."""
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Role})
        return names


class CustodyLogFilterModel(QSortFilterProxyModel):
    """Filters by event type, by text in the subject or details, and by a local date range.

    Every filter is optional; all the set ones must match. Sorting uses ``Role.SORT`` so numbers and
    times sort as numbers and times.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._event_type: str | None = None
        self._text = ""
        self._date_from: QDate | None = None
        self._date_to: QDate | None = None
        self.setSortRole(Role.SORT)

    def set_event_type(self, event_type: str | None) -> None:
        """Show only events of this type (None: all)."""
        self._refilter("_event_type", event_type or None)

    def set_text(self, text: str) -> None:
        """Show only events whose subject or details contain ``text`` (case-insensitive)."""
        self._refilter("_text", text.strip().casefold())

    def set_date_range(self, date_from: QDate | None, date_to: QDate | None) -> None:
        """Show only events on or between these local dates (either end may be None)."""
        self.beginFilterChange()
        self._date_from, self._date_to = date_from, date_to
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _refilter(self, attribute: str, value: object) -> None:
        if getattr(self, attribute) == value:
            return
        self.beginFilterChange()
        setattr(self, attribute, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Whether one source row passes every active filter."""
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._event_type is not None and model.data(index, Role.EVENT_TYPE) != self._event_type:
            return False
        if self._text and self._text not in model.data(index, Role.SEARCH_TEXT):
            return False
        if self._date_from is not None or self._date_to is not None:
            day: QDate = model.data(index, Role.LOCAL_DATE)
            if self._date_from is not None and day < self._date_from:
                return False
            if self._date_to is not None and day > self._date_to:
                return False
        return True
