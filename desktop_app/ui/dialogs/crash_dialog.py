"""The dialog a bug ends in: what happened, a copyable report, and reassurance about the data."""

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.ui.theme import monospace_font


class CrashDialog(QDialog):
    """Shows a crash report (traceback, versions, recent log lines; never evidence) with a Copy button.

    Args:
        report: The text from ``crash.build_crash_report``.
        parent: The parent widget.
    """

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Something went wrong — {APP_NAME}")
        self.resize(760, 520)
        title = QLabel("Something went wrong")
        title.setProperty("role", "title")
        explain = QLabel(
            f"{APP_NAME} ran into a problem it did not expect. Your workspace is safe: every change is "
            "saved together with its custody-log entry, so nothing is left half-written. Please copy "
            "the report below and send it to whoever supports your installation. It holds the error, "
            "the app version and recent log lines, and no evidence."
        )
        explain.setWordWrap(True)
        self.report_view = QPlainTextEdit(report)
        self.report_view.setReadOnly(True)
        self.report_view.setFont(monospace_font(9))
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copied_label = QLabel("")
        self.copied_label.setProperty("role", "hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.report_view, 1)
        button_row = QHBoxLayout()
        button_row.addWidget(self.copied_label, 1)
        button_row.addWidget(buttons)
        layout.addLayout(button_row)

    def report(self) -> str:
        """The report text as shown."""
        return self.report_view.toPlainText()

    def append_report(self, report: str) -> None:
        """Add a further crash that happened while this dialog was open."""
        self.report_view.appendPlainText("\n" + "=" * 72 + "\n" + report)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copied_label.setText("Copied to the clipboard.")
