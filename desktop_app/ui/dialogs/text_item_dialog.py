"""Adding a text-only item: a message transcript, with what the platform knows about where it came from."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.items import SourceFields
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, dialog_column, primary_button

MAX_TEXT_CHARS = 2_000_000  # a very long chat log still fits; a pasted file by mistake does not


class TextItemDialog(QDialog):
    """Collects the text and optional source fields. ``text`` and ``fields`` are set when accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.fields: SourceFields | None = None
        self.setWindowTitle(f"Add text item — {APP_NAME}")
        self.setMinimumSize(560, 480)
        title = QLabel("Add a text item")
        title.setProperty("role", "title")
        hint = QLabel(
            "Paste a message transcript or other text-only evidence. It is preserved byte-exact (UTF-8), "
            "hashed and encrypted like a file."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.text_field = QPlainTextEdit()
        self.text_field.setPlaceholderText("Paste the text here…")
        self.text_field.setTabChangesFocus(True)
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("e.g. direct messages 2026-03-01")
        self.account_field = QLineEdit()
        self.screen_name_field = QLineEdit()
        self.message_field = QLineEdit()
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow("Name", self.name_field)
        form.addRow("Account id", self.account_field)
        form.addRow("Screen name", self.screen_name_field)
        form.addRow("Message or post id", self.message_field)
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = primary_button(self.buttons, "Add to queue", default=False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = dialog_column(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.text_field, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Accept only with some text, of a size that makes sense for a transcript."""
        text = self.text_field.toPlainText()
        if not text.strip():
            self.message.show_message("Paste the text to preserve.")
            self.text_field.setFocus()
            return
        if len(text) > MAX_TEXT_CHARS:
            self.message.show_message("This is too long for a text item; save it as a file and add the file instead.")
            return

        def value(field: QLineEdit) -> str | None:
            return field.text().strip() or None

        name = value(self.name_field)
        self.text = text
        self.fields = SourceFields(
            original_name=name.encode() if name else None,
            uploader_account_id=value(self.account_field),
            uploader_screen_name=value(self.screen_name_field),
            message_id=value(self.message_field),
        )
        super().accept()
