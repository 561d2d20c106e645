"""The report form's two dialogs: the reason for a viewed flag against the log, and picking queue items.

``ViewedReasonDialog`` explains what the custody log says and will not accept an empty reason:
the reason is recorded in the log with the change. ``QueuePickerDialog`` lists the queue's items
that hold content (a real table model) and returns the chosen item ids; it reads the queue through
the worker pool.
"""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.items import Item
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.widgets.form_parts import BusyWidget, InlineMessageLabel
from desktop_app.ui.worker import WorkerPool


class ViewedReasonDialog(QDialog):
    """Asks why a file's "viewed by your company" should differ from the custody log."""

    def __init__(self, file_name: str, viewed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Viewed by your company")
        logged = "never revealed this file in full" if viewed else "revealed this file in full"
        claim = "was viewed" if viewed else "was not viewed"
        text = QLabel(
            f"The custody log says you {logged} ({file_name}). The report will say it {claim}. "
            "Law enforcement relies on this statement: say why it is right. The reason is recorded in the "
            "custody log with the change."
        )
        text.setWordWrap(True)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText("e.g. viewed in the platform's moderation console on 30 May")
        self.reason_field.setMinimumWidth(420)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record reason and change")
        self.ok_button.setEnabled(False)
        self.reason_field.textChanged.connect(lambda value: self.ok_button.setEnabled(bool(value.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason_field)
        layout.addWidget(self.buttons)

    @property
    def reason(self) -> str:
        """The reason typed."""
        return self.reason_field.text().strip()


_COLUMNS = ("Name", "Kind", "State", "Viewed", "SHA-256")


class QueueItemsModel(QAbstractTableModel):
    """Queue items that can become files of a report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[Item] = []

    def set_items(self, items: list[Item]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Items (a table: no children)."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Name, kind, state, viewed, SHA-256."""
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 5:
            return _COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The item's name, kind, review state, whether it was viewed, and a SHA-256 prefix."""
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            sha = item.digests.sha256[:16] + "…" if item.digests else ""
            return (item.display_name, str(item.kind), str(item.state), "yes" if item.viewed else "no", sha)[
                index.column()
            ]
        if role == Qt.ItemDataRole.UserRole:
            return item.item_id
        return None


class QueuePickerDialog(QDialog):
    """Choose queue items to add as files. ``chosen(list)`` carries their ids on accept."""

    chosen = Signal(list)

    def __init__(
        self, report_service: ReportService, pool: WorkerPool, exclude: set[str], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Add files from the queue")
        self.resize(760, 460)
        self._exclude = exclude
        self.model = QueueItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        hint = QLabel("Select the files this report is about. Items already in the report are not listed.")
        hint.setProperty("role", "hint")
        self.busy = BusyWidget()
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add to report")
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (hint, self.busy, self.table, self.message, self.buttons):
            layout.addWidget(widget)
        self.busy.start("Reading the queue…")
        worker = pool.run(report_service.queue_items, context=self)
        worker.result.connect(self._loaded)
        worker.error.connect(self._load_failed)
        worker.finished.connect(self.busy.stop)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.add_button.setEnabled(bool(self.selected_ids()))
        )

    def _load_failed(self, exc: BaseException) -> None:
        self.message.show_message(getattr(exc, "message", str(exc)))

    def _loaded(self, items: list[Item]) -> None:
        self.model.set_items([item for item in items if item.item_id not in self._exclude])
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def select_ids(self, item_ids: list[str]) -> None:
        """Select these items (tests, and callers that know what the reviewer picked in the queue)."""
        selection = self.table.selectionModel()
        for row, item in enumerate(self.model.items):
            if item.item_id in item_ids:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in queue order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[row].item_id for row in rows]

    def _accept(self) -> None:
        self.chosen.emit(self.selected_ids())
        self.accept()
