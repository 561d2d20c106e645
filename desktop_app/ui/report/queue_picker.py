"""Adding files to a report through the queue's own table.

``QueueTablePickerDialog`` shows the queue as the queue tab does — ``QueueWidget`` over a
``QueueModel`` of its own, so the same search box, state and kind filters, *Problems only*,
protected thumbnails (from the queue's thumbnail loader and cache) and states in words — limited
to items that hold content and are not in the report yet. Items marked *To report* come first and
are selected when the dialog opens: they are what the reviewer decided to report. ``chosen(list)``
carries the selected ids on accept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.ui.models.queue import Column, QueueModel, Role
from desktop_app.ui.models.queue_rows import QueueRow, rows_from_items
from desktop_app.ui.thumbnails import ThumbnailLoader
from desktop_app.ui.widgets.form_parts import BusyWidget, InlineMessageLabel
from desktop_app.ui.widgets.queue_view import QueueWidget
from desktop_app.ui.worker import WorkerPool


@dataclass(frozen=True)
class PickerSource:
    """What the picker borrows from the queue tab: how to read items, and its thumbnails."""

    read_items: Callable[[], list[Item]]  # runs in a worker: the items that can become files
    thumbnails: ThumbnailLoader
    thumbnail_side: Callable[[], int]


def picker_rows(items: list[Item], exclude: set[str]) -> list[QueueRow]:
    """Worker: the rows to offer, *To report* first, then in the order they were added."""
    offered = [item for item in items if item.item_id not in exclude and item.blob_id is not None]
    offered.sort(key=lambda item: (item.state is not ReviewState.TO_REPORT, item.added_at))
    return rows_from_items(offered)


class QueueTablePickerDialog(QDialog):
    """Choose queue items to add to a report (see the module docstring)."""

    chosen = Signal(list)
    loaded = Signal()  # the rows are listed (and the To-report ones selected)

    def __init__(self, source: PickerSource, pool: WorkerPool, exclude: set[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add files from the queue")
        self.resize(1100, 620)
        self.model = QueueModel(source.thumbnails.thumbnail, self)
        self.model.thumbnail_wanted.connect(source.thumbnails.request)
        source.thumbnails.thumbnail_ready.connect(self.model.thumbnail_changed)
        self.queue = QueueWidget(self.model, source.thumbnail_side())
        # The picker only chooses: the review-state buttons and their shortcuts belong to the queue tab.
        for action in self.queue.state_actions.values():
            self.queue.removeAction(action)
        for button in self.queue.state_buttons.values():
            button.hide()
        self.queue.selected_label.hide()
        self.queue.table.empty_text = (
            "Nothing to add: every queue item that holds content is in this report already, or the queue is empty."
        )
        # The rows arrive in the picker's own order (To report first), kept while filtering until a
        # column header is clicked.
        self.queue.table.horizontalHeader().setSortIndicatorShown(False)
        self.model.sort(-1)
        hint = QLabel(
            "Select the files this report is about. Items marked To report are listed first and already "
            "selected; items already in the report, and items without preserved content, are not listed."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.busy = BusyWidget()
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add to report")
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (hint, self.busy, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.queue, 1)
        layout.addWidget(self.buttons)
        self.queue.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.busy.start("Reading the queue…")
        worker = pool.run(lambda: picker_rows(source.read_items(), exclude), context=self)
        worker.result.connect(self._loaded)
        worker.error.connect(lambda exc: self.message.show_message(getattr(exc, "message", str(exc))))
        worker.finished.connect(self.busy.stop)

    def _loaded(self, rows: list[QueueRow]) -> None:
        self.model.append_rows(rows)
        self.select_ids([row.item_id for row in rows if row.item.state is ReviewState.TO_REPORT])
        self.loaded.emit()

    def _selection_changed(self) -> None:
        count = len(self.selected_ids())
        self.add_button.setEnabled(count > 0)
        self.add_button.setText(f"Add {count} to report" if count > 1 else "Add to report")

    def shown_ids(self) -> list[str]:
        """The item ids in the table's order (what the reviewer sees, top to bottom)."""
        proxy = self.queue.proxy
        return [proxy.index(row, Column.NAME).data(Role.ITEM_ID) for row in range(proxy.rowCount())]

    def select_ids(self, item_ids: list[str]) -> None:
        """Select exactly these items (those shown)."""
        selection = self.queue.table.selectionModel()
        selection.clearSelection()
        wanted = set(item_ids)
        proxy = self.queue.proxy
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(proxy.rowCount()):
            index = proxy.index(row, Column.NAME)
            if index.data(Role.ITEM_ID) in wanted:
                selection.select(index, flags)

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in the table's order."""
        return self.queue.selected_ids()

    def _accept(self) -> None:
        self.chosen.emit(self.selected_ids())
        self.accept()
