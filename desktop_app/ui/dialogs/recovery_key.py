"""The recovery key, shown exactly once, right after the workspace is created."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.ui.theme import monospace_font
from desktop_app.ui.widgets.form_parts import dialog_column, primary_button

GROUPS_PER_LINE = 7


def display_lines(recovery_text: str) -> str:
    """The key broken into lines at group boundaries, never mid-group and with no dangling dash.

    Line breaks, like dashes, do not matter when the key is typed back in.
    """
    groups = recovery_text.split("-")
    return "\n".join("-".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE))


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key; Continue is enabled only once the reviewer says it is stored.

    Evidence Desk never stores the key, so this dialog is the only chance to write it down. It
    therefore cannot be dismissed (Escape, the close button) before the checkbox is ticked.

    Args:
        recovery_text: The key as the reviewer should write it (``RecoveryKey.text``).
        parent: The parent widget.
    """

    def __init__(self, recovery_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._recovery_text = recovery_text
        self.setWindowTitle(f"Your recovery key — {APP_NAME}")
        self.setMinimumWidth(600)

        title = QLabel("Write down your recovery key")
        title.setProperty("role", "title")
        purpose = QLabel(
            "If you forget your passphrase, this key is the only way back into the workspace and "
            "the evidence it preserves. Evidence Desk does not keep a copy and will not show it again."
        )
        purpose.setWordWrap(True)

        self.key_label = QLabel(display_lines(recovery_text))
        self.key_label.setProperty("role", "secret")
        self.key_label.setFont(monospace_font(15))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self._copy)
        self.copied_label = QLabel("")
        self.copied_label.setProperty("role", "hint")
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copied_label, 1)

        advice = QLabel(
            "Store it in a password manager or on paper in a locked drawer, not in a file on this "
            "computer. Anyone with the key can open the workspace."
        )
        advice.setWordWrap(True)
        advice.setProperty("role", "hint")

        self.stored_checkbox = QCheckBox("I have stored the recovery key somewhere safe")
        self.buttons = QDialogButtonBox()
        self.continue_button = primary_button(self.buttons, "Continue", default=False)
        self.continue_button.setEnabled(False)
        self.stored_checkbox.toggled.connect(self.continue_button.setEnabled)
        self.buttons.accepted.connect(self.accept)

        layout = dialog_column(self, 14)
        layout.addWidget(title)
        layout.addWidget(purpose)
        layout.addWidget(self.key_label)
        layout.addLayout(copy_row)
        layout.addWidget(advice)
        layout.addSpacing(4)
        layout.addWidget(self.stored_checkbox)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._recovery_text)
        self.copied_label.setText("Copied. The clipboard is cleared when you continue.")

    def accept(self) -> None:
        """Continue, but only after the reviewer confirmed the key is stored."""
        if self.stored_checkbox.isChecked():
            super().accept()

    def reject(self) -> None:
        """Ignored until the key is confirmed stored: closing now would lose it for good."""
        if self.stored_checkbox.isChecked():
            super().reject()

    def done(self, result: int) -> None:
        """Leave no copy of the key on the clipboard once the dialog is gone."""
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == self._recovery_text:
            clipboard.clear()
        super().done(result)
