"""The queue table with its filter bar, bulk actions and counts.

Keyboard first: arrows, Page Up/Down and Ctrl+Home/End move, Shift and Ctrl extend the selection,
Ctrl+A selects everything shown, and the review actions have shortcuts (Ctrl+1 in review, Ctrl+2
to report, Ctrl+3 reported, Ctrl+D dismiss, Ctrl+0 back to new). The widget only *asks* for a
state change (``state_change_requested``); the controller does it through the item service.
"""

import heapq

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.ui.models.queue import Column, QueueModel, Role
from desktop_app.ui.models.queue_filter import QueueFilterModel
from desktop_app.ui.models.queue_rows import KIND_GROUP_TEXT, STATE_TEXT
from desktop_app.ui.widgets.live_text import LiveText
from desktop_app.ui.widgets.queue_table import PADDING, QueueTableView

TEXT_FILTER_DELAY_MS = 250
# The name column is sized to the longest names (measured on the few longest, not on every row),
# within these bounds; once the reviewer resizes it, it stays where they put it.
NAME_WIDTH_MIN, NAME_WIDTH_MAX, NAME_SAMPLE = 120, 320, 64
MATCHED, UNMATCHED = "*matched", "*unmatched"  # the match filter's choices besides a list id


def _match_choice(combo: QComboBox) -> tuple[bool | None, str | None]:
    """The match filter's (matched, list id) for the combo's choice."""
    choice = combo.currentData()
    if choice is None:
        return None, None
    if choice in (MATCHED, UNMATCHED):
        return choice == MATCHED, None
    return True, str(choice)

COLUMN_WIDTHS = {
    Column.NAME: 150,
    Column.TYPE: 114,
    Column.SIZE: 82,
    Column.SHA256: 120,
    Column.PDQ_QUALITY: 110,
    Column.MATCH: 170,
    Column.STATE: 86,
    Column.VIEWED: 70,
    Column.SOURCE: 118,
    Column.ADDED: 140,
}

# (state, button text, shortcut); dismissing asks for a reason, so it is handled apart.
STATE_ACTIONS = [
    (ReviewState.IN_REVIEW, "In review", "Ctrl+1"),
    (ReviewState.TO_REPORT, "To report", "Ctrl+2"),
    (ReviewState.REPORTED, "Reported", "Ctrl+3"),
    (ReviewState.DISMISSED, "Dismiss…", "Ctrl+D"),
    (ReviewState.NEW, "Back to new", "Ctrl+0"),
]


class QueueWidget(QWidget):
    """Filters, the table and the bulk-action bar over a ``QueueModel``.

    Args:
        model: The source model.
        thumbnail_side: Thumbnail edge in pixels.
        parent: The parent widget.
    """

    current_item_changed = Signal(object)  # Item | None
    state_change_requested = Signal(list, object)  # item ids, ReviewState

    def __init__(self, model: QueueModel, thumbnail_side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QueueFilterModel(self)
        self.proxy.setSourceModel(model)

        self.text_field = QLineEdit()
        self.text_field.setPlaceholderText("Name, SHA-256, source or id contains…")
        self.text_field.setClearButtonEnabled(True)
        # Each filter change re-filters every row (on a worker for a big queue): once typing pauses.
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_FILTER_DELAY_MS)
        self._text_timer.timeout.connect(lambda: self.proxy.set_text(self.text_field.text()))
        self.text_field.textChanged.connect(self._text_timer.start)
        self.state_combo = QComboBox()
        self.state_combo.addItem("All states", None)
        for state, text in STATE_TEXT.items():
            self.state_combo.addItem(text, state)
        self.state_combo.currentIndexChanged.connect(lambda: self.proxy.set_state(self.state_combo.currentData()))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("All kinds", None)
        for group, text in KIND_GROUP_TEXT.items():
            self.kind_combo.addItem(text, group)
        self.kind_combo.currentIndexChanged.connect(lambda: self.proxy.set_group(self.kind_combo.currentData()))
        self.problems_check = QCheckBox("Problems only")
        self.problems_check.toggled.connect(self.proxy.set_problems_only)
        self.match_combo = QComboBox()
        self.match_combo.setToolTip("Show items by what the workspace's hash lists matched")
        self.set_lists([])
        self.match_combo.currentIndexChanged.connect(lambda: self.proxy.set_matches(*_match_choice(self.match_combo)))
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.text_field, 1)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.match_combo)
        filters.addWidget(self.problems_check)

        self.table = QueueTableView(model, thumbnail_side)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        # Fixed row heights: the view never measures rows, which is what keeps 100,000 of them cheap.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(Column.THUMBNAIL, QHeaderView.ResizeMode.Fixed)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self._name_width_set_by_user = False
        self._fitting = False
        header.sectionResized.connect(self._section_resized)
        self.set_thumbnail_side(thumbnail_side)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.ADDED, Qt.SortOrder.AscendingOrder)  # oldest first: a work queue
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.state_actions: dict[ReviewState, QAction] = {}
        self.state_buttons: dict[ReviewState, QPushButton] = {}
        # Both change with every selection and every chunk of a load: no re-layout (see LiveText).
        self.selected_label = LiveText()
        bulk = QHBoxLayout()
        bulk.setSpacing(6)
        bulk.addWidget(self.selected_label, 1)  # all the room the buttons leave, so the hint is whole
        for state, text, shortcut in STATE_ACTIONS:
            action = QAction(text, self, shortcut=QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"Mark the selected items {STATE_TEXT[state].lower()} ({shortcut})")
            action.triggered.connect(lambda _=False, s=state: self.request_state(s))
            self.addAction(action)
            self.state_actions[state] = action
            button = QPushButton(text)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            self.state_buttons[state] = button
            bulk.addWidget(button)

        self.count_label = LiveText()
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)

        self.extra_bar = QHBoxLayout()  # a second row: actions added by others (``add_bulk_button``)
        self.extra_bar.setSpacing(6)
        self.extra_bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bulk)
        layout.addLayout(self.extra_bar)
        layout.addWidget(self.count_label)
        self._update_count()
        self._selection_changed()

    def set_thumbnail_side(self, side: int) -> None:
        """Resize thumbnails (and so rows)."""
        self.table.set_thumbnail_side(side)
        self.table.verticalHeader().setDefaultSectionSize(side + 2 * PADDING)
        self.table.horizontalHeader().resizeSection(Column.THUMBNAIL, side + 3 * PADDING)

    def set_lists(self, lists: list[tuple[str, str]]) -> None:
        """Offer 'matched by' filters for these lists (id, name); the current choice is kept if it still exists."""
        current = self.match_combo.currentData()
        self.match_combo.blockSignals(True)
        self.match_combo.clear()
        self.match_combo.addItem("Matched or not", None)
        self.match_combo.addItem("Matched", MATCHED)
        self.match_combo.addItem("Not matched", UNMATCHED)
        for list_id, name in lists:
            self.match_combo.addItem(f"Matched by {name}", list_id)
        position = self.match_combo.findData(current) if current is not None else 0
        self.match_combo.setCurrentIndex(max(0, position))
        self.match_combo.blockSignals(False)
        if current is not None and position < 0:  # the list is gone: show everything again
            self.proxy.set_matches(None)

    def fit_name_column(self) -> None:
        """Size the name column to the longest names (unless the reviewer sized it)."""
        if self._name_width_set_by_user:
            return
        names = heapq.nlargest(NAME_SAMPLE, (row.name for row in self.model.listing().values()), key=len)
        widest = max((self.table.fitting_width(name) for name in names), default=0)
        width = min(NAME_WIDTH_MAX, max(NAME_WIDTH_MIN, widest))
        self._fitting = True
        self.table.horizontalHeader().resizeSection(Column.NAME, width)
        self._fitting = False

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == Column.NAME and not self._fitting and self.isVisible():
            self._name_width_set_by_user = True

    def selected_ids(self) -> list[str]:
        """Item ids of the selected rows, in view order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.index(row, 0).data(Role.ITEM_ID) for row in rows]

    def current_item(self) -> Item | None:
        """The item of the current row, or None."""
        index = self.table.currentIndex()
        return index.data(Role.ITEM) if index.isValid() else None

    def select_item(self, item_id: str) -> bool:
        """Make ``item_id`` the current, only selected row (False if it is filtered out or unknown)."""
        position = self.model.position_of(item_id)
        if position is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(position, Column.NAME))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def add_bulk_button(self, button: QPushButton) -> None:
        """Add a button on a row under the review states (its action, added to the widget, is in the menu)."""
        self.extra_bar.addWidget(button)

    def request_state(self, state: ReviewState) -> None:
        """Ask for the selected items to move to ``state``."""
        ids = self.selected_ids()
        if ids:
            self.state_change_requested.emit(ids, state)

    def _selection_changed(self, *_: QItemSelection) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.selected_label.setText(f"{count:,} selected" if count else "Select items to change their review state")
        for action in self.state_actions.values():
            action.setEnabled(count > 0)
        for button in self.state_buttons.values():
            button.setEnabled(count > 0)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_item_changed.emit(current.data(Role.ITEM) if current.isValid() else None)

    def _context_menu(self, position: QPoint) -> None:
        if not self.table.selectionModel().selectedRows():
            return
        menu = QMenu(self)
        for state, _, _ in STATE_ACTIONS:
            menu.addAction(self.state_actions[state])
        extra = [action for action in self.actions() if action not in self.state_actions.values()]
        if extra:
            menu.addSeparator()
            menu.addActions(extra)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _update_count(self) -> None:
        total, shown = self.model.total, self.proxy.rowCount()
        noun = "item" if total == 1 else "items"
        self.count_label.setText(f"{total:,} {noun}" if shown == total else f"Showing {shown:,} of {total:,} {noun}")
