"""The history of an item or a report: its custody events in words, the raw event below.

``read_history`` (a worker) picks the events about the items (or the report and its files) out of
the custody log and formats them as the log view does, items by name; ``HistoryDialog`` lists them
oldest first, shows the selected one as the log holds it, and offers the custody report export.
"""

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import Item
from desktop_app.core.services.custody_report import custody_scope
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.custody.names import ListsItems, item_names
from desktop_app.ui.models.custody_log import Column, CustodyLogModel, LogRow, Role, rows_from_events
from desktop_app.ui.theme import monospace_font


def read_history(
    workspace: Workspace,
    get_item: Callable[[str], Item],
    items: ListsItems,
    item_ids: Sequence[str] = (),
    report_id: str | None = None,
) -> list[LogRow]:
    """Worker: the events about these items (or this report and its files), oldest first, in words."""
    scope = custody_scope(workspace, get_item, item_ids, report_id)
    events = [logged for logged in workspace.events() if scope.covers(logged.event)]
    return rows_from_events(events, item_names(items))


class HistoryDialog(QDialog):
    """One item's or one report's custody events (see the module docstring).

    Signals:
        export_requested: the reviewer wants the custody report of what this dialog shows.
    """

    export_requested = Signal()

    def __init__(self, title: str, rows: list[LogRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History — {title}")
        self.resize(1000, 600)
        heading = QLabel(f"History of {title}")
        heading.setProperty("role", "title")
        hint = QLabel(
            f"{plural(len(rows), 'event')} in the custody log, oldest first. Select one to see it as the log "
            "holds it. A custody report lists them with their entry hashes and the signed checkpoint, for counsel."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.model = CustodyLogModel(self)
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        for column in (Column.SUBJECT, Column.DETAILS):
            self.table.setColumnHidden(column, True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in ((Column.SEQ, 60), (Column.TIME, 160), (Column.ACTOR, 130)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.WHAT, QHeaderView.ResizeMode.Stretch)
        self.raw_view = QPlainTextEdit()
        self.raw_view.setReadOnly(True)
        self.raw_view.setFont(monospace_font())
        self.raw_view.setPlaceholderText("Select an event to see it as the log holds it.")
        self.table.selectionModel().currentRowChanged.connect(self._show_raw)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.raw_view)
        split.setSizes([420, 120])
        split.setChildrenCollapsible(False)
        self.export_button = QPushButton("Export custody report…")
        self.export_button.setProperty("role", "primary")
        self.export_button.setToolTip("HTML and PDF: digests, every event with its entry hash, the signed checkpoint")
        self.export_button.clicked.connect(self.export_requested)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    def _show_raw(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.raw_view.setPlainText(current.data(Role.RAW) if current.isValid() else "")

    def sentences(self) -> list[str]:
        """What happened, row by row (tests, and screen readers' order)."""
        return [str(self.model.index(row, Column.WHAT).data()) for row in range(self.model.rowCount())]
