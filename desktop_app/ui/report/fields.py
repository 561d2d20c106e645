"""Input widgets for single report values, chosen from the value's declaration.

Each widget shows one value in its XSD lexical form and emits ``edited`` with the new lexical form,
or None when the reviewer emptied it (the element or attribute is then removed: an empty optional
field is simply not sent). Widgets only shape keystrokes; whether a value is acceptable is decided
by the core checks (``check_field``), shown beside the widget by the row that holds it.

``make_field`` picks the widget: an enumeration becomes a combo box, a boolean a check box, an
annotation flag a check box that adds or removes the element, a date-time a date-time editor with
its time zone, a date a date editor, a number a digits-only line, and text a line (or, for the
free-text fields the model leaves unbounded, a small multi-line box).
"""

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QRegularExpression, QSize, Qt, QTime, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from desktop_app.core.cybertipline.schema_types import AttributeDecl, ElementDecl, Format, XsdType
from desktop_app.core.cybertipline.values import parse_boolean, parse_date, parse_date_time

Decl = ElementDecl | AttributeDecl

# Free text that often runs to paragraphs (the model leaves these unbounded or at 3000 characters).
MULTILINE = frozenset(
    {
        "additionalInfo",
        "content",
        "profileBio",
        "companyTemplate",
        "termsOfService",
        "fileNames",
        "escalateToHighPriority",
        "incidentDateTimeDescription",
    }
)
_PLACEHOLDERS = {Format.EMAIL: "name@example.org", Format.URL: "https://…", Format.IP: "e.g. 203.0.113.5"}
NO_CHOICE = "—"


class CurrentPageStack(QStackedWidget):
    """A stack as large as the page it shows (a plain stack is as large as its largest page)."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802
        """The current page's."""
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The current page's."""
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


class FieldWidget(QWidget):
    """One value. ``edited(str | None)``: the new lexical value, None to remove it."""

    edited = Signal(object)

    def set_value(self, value: str | None) -> None:
        """Show ``value`` without emitting ``edited``."""
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The widget keyboard focus should land on."""
        return self

    def _row(self, *widgets: QWidget) -> QHBoxLayout:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in widgets:
            layout.addWidget(widget)
        self.setFocusProxy(widgets[0])
        return layout


class TextField(FieldWidget):
    """A line of text, or a small multi-line box for long free text."""

    def __init__(self, decl: Decl, multiline: bool = False, digits: str | None = None) -> None:
        super().__init__()
        self.editor: QLineEdit | QPlainTextEdit
        if multiline:
            self.editor = QPlainTextEdit()
            self.editor.setTabChangesFocus(True)  # Tab moves on through the form, as in every other field
            self.editor.setFixedHeight(60)
            self.editor.textChanged.connect(lambda: self._emit(self.editor.toPlainText()))
        else:
            self.editor = QLineEdit()
            if digits is not None:
                self.editor.setValidator(QRegularExpressionValidator(QRegularExpression(digits), self.editor))
            if isinstance(decl, ElementDecl) and decl.format is not None:
                self.editor.setPlaceholderText(_PLACEHOLDERS[decl.format])
            self.editor.textEdited.connect(self._emit)
        self._row(self.editor)
        self._quiet = False

    def _emit(self, text: str) -> None:
        if not self._quiet:
            self.edited.emit(text if text else None)

    def set_value(self, value: str | None) -> None:
        """Show ``value``."""
        self._quiet = True
        try:
            if isinstance(self.editor, QPlainTextEdit):
                self.editor.setPlainText(value or "")
            else:
                self.editor.setText(value or "")
        finally:
            self._quiet = False

    def focus_target(self) -> QWidget:
        """The text editor."""
        return self.editor


CHOICE_MIN_WIDTH = 160


class ChoiceField(FieldWidget):
    """One of the declaration's values (``—`` for none)."""

    def __init__(self, decl: Decl) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.addItem(NO_CHOICE, None)
        for value in decl.enum:
            if value:  # the XSD's empty value says nothing; "—" (not sent) is the same answer
                self.combo.addItem(value, value)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # As wide as its longest choice where there is room; narrower (the choice elided) where there is not.
        self.combo.setMinimumWidth(min(self.combo.sizeHint().width(), CHOICE_MIN_WIDTH))
        self.combo.activated.connect(lambda index: self.edited.emit(self.combo.itemData(index)))
        self._row(self.combo).addStretch(1)

    def set_value(self, value: str | None) -> None:
        """Select ``value`` (a value outside the list, from an imported document, is shown as is)."""
        index = self.combo.findData(value) if value else 0
        if index < 0 and value:
            self.combo.addItem(value, value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def focus_target(self) -> QWidget:
        """The combo box."""
        return self.combo


class CheckField(FieldWidget):
    """A yes/no (``true`` when checked, removed when not) or an annotation flag (present when checked)."""

    def __init__(self, decl: Decl, text: str) -> None:
        super().__init__()
        self.flag = isinstance(decl, ElementDecl) and decl.fixed is not None
        self.box = QCheckBox(text)
        self.box.clicked.connect(self._clicked)
        self._row(self.box)

    def _clicked(self, checked: bool) -> None:
        if not checked:
            self.edited.emit(None)
        else:
            self.edited.emit("" if self.flag else "true")

    def set_value(self, value: str | None) -> None:
        """Check the box for a present flag or a true value."""
        if self.flag:
            self.box.setChecked(value is not None)
        else:
            self.box.setChecked(value is not None and parse_boolean(value) is True)

    def focus_target(self) -> QWidget:
        """The check box."""
        return self.box


def zone_text(offset: timedelta | None) -> str:
    """``Z`` or ``+02:00`` for an offset; ``""`` for none."""
    if offset is None:
        return ""
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# UTC-12:00 to UTC+14:00 in quarter hours: every zone in use, in order.
ZONES = ["Z", *(zone_text(timedelta(minutes=m)) for m in range(-12 * 60, 14 * 60 + 1, 15) if m)]


class MomentField(FieldWidget):
    """A date and time with its time zone, or a date: empty until the reviewer adds one."""

    def __init__(self, decl: Decl) -> None:
        super().__init__()
        self.with_time = decl.type is XsdType.DATE_TIME
        what = "date and time" if self.with_time else "date"
        self.add_button = QPushButton(f"Add {what}")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.add_button.setProperty("role", "link")
        self.add_button.clicked.connect(self._start)
        self.editor = QDateTimeEdit() if self.with_time else QDateEdit()
        self.editor.setDisplayFormat("yyyy-MM-dd HH:mm:ss" if self.with_time else "yyyy-MM-dd")
        self.editor.setCalendarPopup(True)
        self.editor.dateTimeChanged.connect(lambda _: self._emit())
        self.zone = QComboBox()
        self.zone.addItems(ZONES)
        self.zone.setToolTip("The time zone the time was recorded in (Z is UTC). NCMEC rejects times without one.")
        self.zone.activated.connect(lambda _: self._emit())
        self.zone.setVisible(self.with_time)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self._clear)
        filled = QWidget()
        row = QHBoxLayout(filled)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for widget in (self.editor, self.zone, self.clear_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.pages = CurrentPageStack()
        self.pages.addWidget(self.add_button)
        self.pages.addWidget(filled)
        self._row(self.pages).addStretch(1)
        self._quiet = False
        self._show(None)

    def value(self) -> str | None:
        """The shown value as XSD lexical text (None when empty)."""
        if self.pages.currentIndex() == 0:
            return None
        if not self.with_time:
            return str(self.editor.date().toString("yyyy-MM-dd"))
        stamp = str(self.editor.dateTime().toString("yyyy-MM-ddTHH:mm:ss"))
        zone = self.zone.currentText()
        return stamp + ("" if zone.startswith("(") else zone)

    def _emit(self) -> None:
        if not self._quiet:
            self.edited.emit(self.value())

    def _start(self) -> None:
        now = datetime.now().astimezone().replace(microsecond=0)
        self._show(now if self.with_time else now.date())
        self.editor.setFocus()
        self._emit()

    def _clear(self) -> None:
        self._show(None)
        self.add_button.setFocus()
        self._emit()

    def _show(self, moment: datetime | date | None) -> None:
        self._quiet = True
        try:
            self.pages.setCurrentIndex(0 if moment is None else 1)
            self.setFocusProxy(self.add_button if moment is None else self.editor)
            if isinstance(moment, datetime):
                self.editor.setDateTime(
                    QDateTime(
                        QDate(moment.year, moment.month, moment.day),
                        QTime(moment.hour, moment.minute, moment.second),
                    )
                )
                zone = zone_text(moment.utcoffset()) or "(no zone)"
                if self.zone.findText(zone) < 0:
                    self.zone.addItem(zone)
                self.zone.setCurrentText(zone)
            elif isinstance(moment, date):
                self.editor.setDate(QDate(moment.year, moment.month, moment.day))
        finally:
            self._quiet = False

    def set_value(self, value: str | None) -> None:
        """Show a lexical date-time or date (an unreadable one shows as empty; the row says why)."""
        moment = (parse_date_time(value) if self.with_time else parse_date(value)) if value else None
        self._show(moment)

    def focus_target(self) -> QWidget:
        """The editor, or the Add button while empty."""
        return self.editor if self.pages.currentIndex() == 1 else self.add_button


# Widths by kind: a number or a code needs little room, a name some, a URL or free text all there is.
NUMBER_WIDTH, SHORT_TEXT_WIDTH, SHORT_TEXT_LIMIT = 200, 440, 100


def make_field(decl: Decl, label: str = "") -> FieldWidget:
    """The widget for one value's declaration."""
    if decl.enum:
        return ChoiceField(decl)
    if decl.type is XsdType.BOOLEAN:
        return CheckField(decl, label or decl.label)
    if decl.type in (XsdType.DATE_TIME, XsdType.DATE):
        return MomentField(decl)
    width: int | None = None
    if decl.type in (XsdType.INT, XsdType.LONG):
        field = TextField(decl, digits=r"[+-]?[0-9]*")
        width = NUMBER_WIDTH
    elif decl.type is XsdType.DOUBLE:
        field = TextField(decl, digits=r"[+-]?[0-9]*\.?[0-9]*([eE][+-]?[0-9]*)?")
        width = NUMBER_WIDTH
    else:
        field = TextField(decl, multiline=decl.name in MULTILINE)
        if decl.max_length is not None and decl.max_length <= SHORT_TEXT_LIMIT:
            width = NUMBER_WIDTH if decl.max_length <= 20 else SHORT_TEXT_WIDTH
    if width is not None:
        field.editor.setMaximumWidth(width)
        layout = field.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.addStretch(1)
        layout.setStretch(0, 3)  # up to its width, then the rest stays empty
    return field
