"""Small pieces every form dialog uses: its column, form and main button, messages, a busy strip, passphrases."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.theme import set_role

MIN_PASSPHRASE_CHARS = 8


def dialog_column(dialog: QWidget, spacing: int = 12) -> QVBoxLayout:
    """The top-level layout of a form dialog: the house margins around title, hint, form and buttons."""
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(28, 24, 28, 20)
    layout.setSpacing(spacing)
    return layout


def labelled_form() -> QFormLayout:
    """A form whose labels stand right-aligned against their fields."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    return form


def primary_button(buttons: QDialogButtonBox, text: str, default: bool = True) -> QPushButton:
    """The dialog's main action, added to ``buttons`` (it emits ``accepted``), in the primary colour."""
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    button.setProperty("role", "primary")
    if default:
        button.setDefault(True)
    return button


def passphrase_strength(text: str) -> tuple[str, str]:
    """A plain-words judgement of a passphrase, from its length alone.

    Length is the one thing a reviewer can act on and that a hint cannot get wrong; a character-class
    rule would praise "Password1!" and scold a long sentence.

    Returns:
        ``(level, words)`` with level one of "empty", "short", "weak", "fair", "strong".
    """
    length = len(text)
    if length == 0:
        return "empty", "Four or more unrelated words make a strong, memorable passphrase."
    if length < MIN_PASSPHRASE_CHARS:
        return "short", f"Too short: use at least {MIN_PASSPHRASE_CHARS} characters."
    if length < 12:
        return "weak", "Weak: a computer could guess this. Add a few more words."
    if length < 20:
        return "fair", "Fair. A couple more words would make it much stronger."
    return "strong", "Strong: a long passphrase like this is very hard to guess."


class PassphraseStrengthLabel(QLabel):
    """Shows ``passphrase_strength`` for whatever the connected field holds."""

    _ROLES = {"empty": "hint", "short": "error", "weak": "error", "fair": "hint", "strong": "hint"}

    def __init__(self, field: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.level = "empty"
        field.textChanged.connect(self.update_for)
        self.update_for(field.text())

    def update_for(self, text: str) -> None:
        """Re-judge ``text``."""
        self.level, words = passphrase_strength(text)
        self.setText(words)
        set_role(self, self._ROLES[self.level])


def passphrase_field(placeholder: str = "") -> QLineEdit:
    """A password-mode line edit that never offers its text to the clipboard or input history."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(320)
    return field


class InlineMessageLabel(QLabel):
    """An error line under a form: hidden when empty, wraps, selectable so it can be quoted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setProperty("role", "error")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, role: str = "error") -> None:
        """Show ``text`` (``role``: "error", or "hint"/"ok" for a line that is not a problem)."""
        if self.property("role") != role:
            set_role(self, role)
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        """Hide the message."""
        self.setText("")
        self.hide()


class BusyWidget(QWidget):
    """A thin indeterminate bar with a line saying what is happening. Hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setProperty("role", "hint")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addWidget(self.bar)
        layout.addLayout(row)
        self.hide()

    def start(self, message: str) -> None:
        """Show the bar with ``message``."""
        self.label.setText(message)
        self.show()

    def set_message(self, message: str) -> None:
        """Change the line of text while busy."""
        self.label.setText(message)

    def stop(self) -> None:
        """Hide the bar."""
        self.hide()


def required_reason(field: QPlainTextEdit, message: InlineMessageLabel, missing: str, limit: int) -> str | None:
    """The reason typed in ``field`` (blanks collapsed), or None after saying what is wrong in ``message``."""
    reason = " ".join(field.toPlainText().split())
    if not reason:
        message.show_message(missing)
        field.setFocus()
        return None
    if len(reason) > limit:
        message.show_message(f"Keep the reason under {limit} characters ({len(reason)} now).")
        return None
    return reason
