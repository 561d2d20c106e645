"""The Reports page's list: what each report is, when it changed, and where it stands.

A row shows the incident, reported user and files, when the report changed, and its errors while a
draft, then its submission state (with NCMEC's clock while the report is open there).

``list_reports`` runs in the worker and reads both; ``DraftListModel`` shows them, most recently
changed first, and repaints the state column when the page's clock ticks.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import SubmissionStatus
from desktop_app.core.services.report_building import ReportSummary
from desktop_app.ui.submission.controller import read_statuses
from desktop_app.ui.submission.environment import environment_swatch
from desktop_app.ui.submission.state import TONES, describe, text_tooltip
from desktop_app.ui.theme import OK_TEXT, PROBLEM_TEXT

_COLUMNS = ("Report", "Changed", "State")
# One column for where a report stands: its errors while a draft, then its submission (the list is
# narrow beside the editor, and a report that was sent has no errors left to count).
STATE_COLUMN = 2
REPORT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGED_COLUMN = 1


def list_reports(service: Any, submissions: Any) -> tuple[list[ReportSummary], dict[str, SubmissionStatus]]:
    """Runs in the worker: the reports, and the submission state of those that were ever sent."""
    summaries = service.list_reports()
    statuses = read_statuses(submissions, [s.report_id for s in summaries]) if submissions is not None else {}
    return summaries, statuses


class DraftListModel(QAbstractTableModel):
    """The workspace's reports, most recently changed first."""

    def __init__(self, parent: QWidget | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.summaries: list[ReportSummary] = []
        self.statuses: dict[str, SubmissionStatus] = {}
        self.now = now or (lambda: datetime.now(UTC))

    def set_summaries(
        self, summaries: list[ReportSummary], statuses: dict[str, SubmissionStatus] | None = None
    ) -> None:
        """Replace the rows (and the submission states: a report missing from them was never sent)."""
        self.beginResetModel()
        self.summaries = list(summaries)
        self.statuses = dict(statuses or {})
        self.endResetModel()

    def tick(self) -> None:
        """The clock moved: repaint the submission column (an open report's time left)."""
        if self.summaries:
            self.dataChanged.emit(self.index(0, STATE_COLUMN), self.index(len(self.summaries) - 1, STATE_COLUMN))

    def row_of(self, report_id: str) -> int:
        """The row showing a report, or -1."""
        return next((n for n, s in enumerate(self.summaries) if s.report_id == report_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Reports (a table: no children)."""
        return 0 if parent.isValid() else len(self.summaries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Report (incident type; reported user, files, id), changed, errors, submission state."""
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(_COLUMNS):
            return _COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The summary's columns; the report id under ``REPORT_ID_ROLE``."""
        if not index.isValid() or not 0 <= index.row() < len(self.summaries):
            return None
        summary = self.summaries[index.row()]
        status = self.statuses.get(summary.report_id)
        if index.column() == STATE_COLUMN and status is not None and role != REPORT_ID_ROLE:
            return self._submission_data(status, role)
        if role == Qt.ItemDataRole.DisplayRole:
            who = summary.reported_user or "no reported user yet"
            files = plural(summary.files, "file") if summary.files else "text only"
            return (
                f"{summary.incident_type or '(no incident type yet)'}\n{who} · {files} · {summary.report_id[:8]}",
                _when(summary.updated_at),
                str(summary.errors) if summary.errors else "ready",
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{summary.incident_type or 'Report'} ({summary.report_id}); {plural(summary.warnings, 'suggestion')}; "
                f"changed {_when(summary.updated_at)}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QColor(PROBLEM_TEXT if summary.errors else OK_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            vertical = Qt.AlignmentFlag.AlignVCenter
            return int(vertical | (Qt.AlignmentFlag.AlignLeft if index.column() < 2 else Qt.AlignmentFlag.AlignCenter))
        if role == REPORT_ID_ROLE:
            return summary.report_id
        return None

    def _submission_data(self, status: SubmissionStatus, role: int) -> Any:
        text = describe(status, self.now())
        if role == Qt.ItemDataRole.DisplayRole:
            return text.two_lines  # two lines, like the report beside it
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_tooltip(text.long)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TONES[text.tone][0])
        if role == Qt.ItemDataRole.DecorationRole and status.environment is not None:
            return environment_swatch(status.environment)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return None


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %H:%M}"
