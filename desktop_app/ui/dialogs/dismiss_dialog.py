"""Dismissing items needs a reason: it goes into the items' state and the custody log."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QWidget

from desktop_app import APP_NAME
from desktop_app.core.domain.custody_words import plural
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, dialog_column, primary_button, required_reason

MAX_REASON_CHARS = 500
SUGGESTIONS = ("Not exploitative on review", "Duplicate of an item already reported", "Adult content, out of scope")


class DismissDialog(QDialog):
    """Asks why ``count`` items are being dismissed. ``reason`` is set when accepted.

    Args:
        count: How many items are selected.
        parent: The parent widget.
    """

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = ""
        self.setWindowTitle(f"Dismiss — {APP_NAME}")
        self.setMinimumWidth(460)
        title = QLabel(f"Dismiss {plural(count, 'item')}")
        title.setProperty("role", "title")
        hint = QLabel(
            "Say why, in words a colleague or a court can follow later. The reason is kept with each item "
            "and recorded in the custody log. Dismissed items stay preserved."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.reason_field = QPlainTextEdit()
        self.reason_field.setPlaceholderText("; ".join(SUGGESTIONS))
        self.reason_field.setTabChangesFocus(True)
        self.reason_field.setFixedHeight(90)
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.dismiss_button = primary_button(self.buttons, "Dismiss")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = dialog_column(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.reason_field)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Accept only with a reason of sensible length."""
        reason = required_reason(self.reason_field, self.message, "Give a reason for dismissing.", MAX_REASON_CHARS)
        if reason is None:
            return
        self.reason = reason
        super().accept()
