"""The central view: the custody log with its filters and the Verify button."""

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.events import EventType
from desktop_app.ui.models.custody_log import Column, CustodyLogFilterModel, CustodyLogModel, Role
from desktop_app.ui.theme import monospace_font

ALL_EVENTS = "All events"


def _date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setEnabled(False)
    return edit


class MiddleElideDelegate(QStyledItemDelegate):
    """Cells cut in the middle (``98fb7a9a…d5fa4c2e``), not at the end, when the column is too narrow."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        """The default look, elided in the middle."""
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class CustodyLogWidget(QWidget):
    """Filter bar, table and a count line over a ``CustodyLogModel``.

    Args:
        model: The source model (the window refreshes it).
        parent: The parent widget.
    """

    verify_requested = Signal()

    def __init__(self, model: CustodyLogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = CustodyLogFilterModel(self)
        self.proxy.setSourceModel(model)

        title = QLabel("Custody log")
        title.setProperty("role", "title")
        subtitle = QLabel(
            "Every action on this workspace, in the order it happened, in words; select one to see it as the "
            "log holds it. Entries cannot be edited or removed without verification noticing."
        )
        subtitle.setProperty("role", "hint")
        subtitle.setWordWrap(True)
        self.verify_button = QPushButton("Verify log")
        self.verify_button.setProperty("role", "primary")
        self.verify_button.setToolTip("Check every entry, the hash chain and the signed checkpoints")
        self.verify_button.clicked.connect(self.verify_requested)
        heading = QHBoxLayout()
        heading_text = QVBoxLayout()
        heading_text.setSpacing(4)
        heading_text.addWidget(title)
        heading_text.addWidget(subtitle)
        heading.addLayout(heading_text, 1)
        heading.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignTop)

        self.event_combo = QComboBox()
        self.event_combo.addItem(ALL_EVENTS, None)
        for kind in EventType:
            self.event_combo.addItem(str(kind), str(kind))
        self.event_combo.currentIndexChanged.connect(lambda: self.proxy.set_event_type(self.event_combo.currentData()))
        self.text_field = QLineEdit()
        self.text_field.setPlaceholderText("Item name, subject, what happened or details contain…")
        self.text_field.setClearButtonEnabled(True)
        self.text_field.textChanged.connect(self.proxy.set_text)
        self.from_check = QCheckBox("From")
        self.from_date = _date_edit()
        self.to_check = QCheckBox("To")
        self.to_date = _date_edit()
        for check, edit in ((self.from_check, self.from_date), (self.to_check, self.to_date)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._apply_dates)
            edit.dateChanged.connect(self._apply_dates)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.event_combo)
        filters.addWidget(self.text_field, 1)
        filters.addSpacing(8)
        filters.addWidget(self.from_check)
        filters.addWidget(self.from_date)
        filters.addSpacing(4)
        filters.addWidget(self.to_check)
        filters.addWidget(self.to_date)

        self.problem_label = QLabel()
        self.problem_label.setProperty("role", "problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.SEQ, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in (
            (Column.SEQ, 64),
            (Column.TIME, 160),
            (Column.WHAT, 360),
            (Column.SUBJECT, 150),
            (Column.ACTOR, 110),
            (Column.EVENT, 160),
        ):
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.SEQ, QHeaderView.ResizeMode.Fixed)
        # Ids and digests are compared by their ends: a cut one keeps both (the raw pane has it whole).
        self.middle_elider = MiddleElideDelegate(self.table)
        for column in (Column.SUBJECT, Column.DETAILS):
            self.table.setItemDelegateForColumn(column, self.middle_elider)

        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)

        # The raw event, one click away: the selected row's entry as the log holds it.
        self.raw_view = QPlainTextEdit()
        self.raw_view.setReadOnly(True)
        self.raw_view.setFont(monospace_font())
        self.raw_view.setPlaceholderText("Select an event to see it as the log holds it.")
        self.raw_view.setAccessibleName("Raw event")
        # Lines wrap between words, never inside one: a digest broken over two lines is two strings.
        self.raw_view.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.table.selectionModel().currentRowChanged.connect(self._show_raw)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.raw_view)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([600, 130])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 22, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.problem_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.count_label)
        self._update_count()

    def show_read_problem(self, problem: str | None) -> None:
        """Say why some entries cannot be shown (a damaged log), or hide the banner."""
        shown = self.model.rowCount()
        self.problem_label.setText(f"Only the first {shown} entries can be shown. {problem}" if problem else "")
        self.problem_label.setVisible(bool(problem))

    def _show_raw(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.raw_view.setPlainText(current.data(Role.RAW) if current.isValid() else "")

    def _apply_dates(self) -> None:
        self.proxy.set_date_range(
            self.from_date.date() if self.from_check.isChecked() else None,
            self.to_date.date() if self.to_check.isChecked() else None,
        )

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(f"{total:,} events" if shown == total else f"Showing {shown:,} of {total:,} events")
