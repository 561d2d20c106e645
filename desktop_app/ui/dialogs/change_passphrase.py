"""Change the workspace passphrase (re-wraps the master key; nothing else is re-encrypted)."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from desktop_app import APP_NAME
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.widgets.form_parts import (
    MIN_PASSPHRASE_CHARS,
    BusyWidget,
    InlineMessageLabel,
    PassphraseStrengthLabel,
    dialog_column,
    labelled_form,
    passphrase_field,
    primary_button,
)
from desktop_app.ui.worker import WorkerPool


class ChangePassphraseDialog(QDialog):
    """Current passphrase, new passphrase twice; the change runs in a worker (two Argon2id runs).

    Args:
        workspace: The unlocked workspace.
        pool: Runs the change.
        parent: The parent widget.
    """

    def __init__(self, workspace: Workspace, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._pool = pool
        self._busy = False
        self._changed = False
        self._pending_error: tuple[str, QLineEdit] | None = None
        self.setWindowTitle(f"Change passphrase — {APP_NAME}")
        self.setMinimumWidth(520)

        title = QLabel("Change passphrase")
        title.setProperty("role", "title")
        hint = QLabel("Your recovery key stays the same. The change is recorded in the custody log.")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.current_field = passphrase_field("Current passphrase")
        self.new_field = passphrase_field("New passphrase")
        self.confirm_field = passphrase_field("Type it again")
        form = labelled_form()
        form.addRow("Current", self.current_field)
        form.addRow("New", self.new_field)
        form.addRow("", PassphraseStrengthLabel(self.new_field))
        form.addRow("Confirm new", self.confirm_field)

        self.message = InlineMessageLabel()
        self.busy = BusyWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button = primary_button(self.buttons, "Change passphrase")
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)

        layout = dialog_column(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _start(self) -> None:
        if self._busy:
            return
        new = self.new_field.text()
        if len(new) < MIN_PASSPHRASE_CHARS:
            self._show_error(f"Use a new passphrase of at least {MIN_PASSPHRASE_CHARS} characters.", self.new_field)
            return
        if new != self.confirm_field.text():
            self._show_error("The two new passphrases differ.", self.confirm_field)
            return
        self.message.clear_message()
        self._set_busy(True)
        worker = self._pool.run(self._workspace.change_passphrase, self.current_field.text(), new, context=self)
        worker.result.connect(self._done)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)

    def _done(self, _: object) -> None:
        self._changed = True
        for field in (self.current_field, self.new_field, self.confirm_field):
            field.clear()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, EvidenceDeskError):
            self._pending_error = ("Something went wrong. A crash report with the details is open.", self.current_field)
        else:
            self._pending_error = (exc.message, self.current_field)

    def _finished(self) -> None:
        self._set_busy(False)
        if self._changed:
            self.accept()
        elif self._pending_error is not None:
            self._show_error(*self._pending_error)
            self._pending_error = None

    def _show_error(self, text: str, field: QLineEdit) -> None:
        self.message.show_message(text)
        field.setFocus()
        field.selectAll()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.current_field, self.new_field, self.confirm_field, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start("Changing the passphrase…")
        else:
            self.busy.stop()

    def reject(self) -> None:
        """Not while the change is running."""
        if not self._busy:
            super().reject()
