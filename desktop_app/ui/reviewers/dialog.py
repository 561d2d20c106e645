"""The Reviewers dialog: who may unlock this workspace, each with a passphrase of their own.

Adding and removing a reviewer are custody events by the reviewer who is unlocked; both run in a
worker (adding derives a key from the new passphrase, and each seals a checkpoint). The core
refuses what would leave the workspace without a way in (the last reviewer) or make the log
ambiguous (a name twice); its message is shown inline.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.reviewers import Reviewer
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
)
from desktop_app.ui.worker import WorkerPool

_REVIEWER_ROLE = Qt.ItemDataRole.UserRole


class ReviewersDialog(QDialog):
    """Lists the reviewers and adds or removes one.

    Args:
        workspace: The unlocked workspace.
        pool: Runs additions and removals.
        parent: The parent widget.
    """

    def __init__(self, workspace: Workspace, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._pool = pool
        self._busy = False
        self._error: str | None = None
        self._done_message = ""
        self.setWindowTitle(f"Reviewers — {APP_NAME}")
        self.setMinimumWidth(560)

        title = QLabel("Reviewers")
        title.setProperty("role", "title")
        hint = QLabel(
            "Each reviewer unlocks with a passphrase of their own, and the custody log names who did what. "
            "Adding and removing a reviewer are recorded under your name."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")

        self.list = QListWidget()
        self.list.setAccessibleName("Reviewers")
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self._confirm_remove)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)

        add_title = QLabel("Add a reviewer")
        add_title.setProperty("role", "section")
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("Their name, as the custody log should show it")
        self.passphrase_field = passphrase_field("Their own passphrase (they type it)")
        self.confirm_field = passphrase_field("Type it again")
        form = labelled_form()
        form.addRow("Name", self.name_field)
        form.addRow("Passphrase", self.passphrase_field)
        form.addRow("", PassphraseStrengthLabel(self.passphrase_field))
        form.addRow("Confirm", self.confirm_field)
        self.add_button = QPushButton("Add reviewer")
        self.add_button.setProperty("role", "primary")
        self.add_button.clicked.connect(self._start_add)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)

        self.message = InlineMessageLabel()
        self.busy = BusyWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        layout = dialog_column(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(remove_row)
        layout.addWidget(add_title)
        layout.addLayout(form)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.reload()

    # -- the list ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the reviewers as the workspace has them now."""
        self.list.clear()
        for reviewer in self._workspace.reviewers.list():
            item = QListWidgetItem(f"{reviewer.name}  (you)" if reviewer.is_you else reviewer.name)
            item.setData(_REVIEWER_ROLE, reviewer)
            self.list.addItem(item)
        self._update_buttons()

    def reviewers(self) -> list[Reviewer]:
        """The reviewers listed, in order."""
        return [self.list.item(row).data(_REVIEWER_ROLE) for row in range(self.list.count())]

    def _selected(self) -> Reviewer | None:
        items = self.list.selectedItems()
        return items[0].data(_REVIEWER_ROLE) if items else None

    def _update_buttons(self) -> None:
        selected = self._selected()
        # Never yourself and never the last one: the core refuses both, the button says so first.
        removable = selected is not None and not selected.is_you and self.list.count() > 1
        self.remove_button.setEnabled(removable and not self._busy)
        self.remove_button.setToolTip("" if removable else "Select another reviewer to remove them.")

    # -- changes -------------------------------------------------------------------------------

    def _start_add(self) -> None:
        if self._busy:
            return
        name, passphrase = self.name_field.text().strip(), self.passphrase_field.text()
        if not name:
            self._show_error("Give the new reviewer's name.", self.name_field)
            return
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            self._show_error(f"Use a passphrase of at least {MIN_PASSPHRASE_CHARS} characters.", self.passphrase_field)
            return
        if passphrase != self.confirm_field.text():
            self._show_error("The two passphrases differ.", self.confirm_field)
            return
        self._done_message = f"Added {name}. They unlock with their own passphrase."
        self._run("Adding the reviewer…", self._workspace.reviewers.add, name, passphrase)

    def _confirm_remove(self) -> None:
        selected = self._selected()
        if selected is None or self._busy:
            return
        answer = QMessageBox.question(
            self,
            f"Remove {selected.name}?",
            f"{selected.name}'s passphrase will no longer open this workspace. The removal is recorded in "
            "the custody log under your name.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._done_message = f"Removed {selected.name}."
        self._run("Removing the reviewer…", self._workspace.reviewers.remove, selected.name)

    def _run(self, busy_text: str, fn: Callable[..., object], *args: str) -> None:
        self.message.clear_message()
        self._error = None
        self._set_busy(True, busy_text)
        worker = self._pool.run(fn, *args, context=self)
        worker.result.connect(self._succeeded)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)

    def _succeeded(self, _: object) -> None:
        for field in (self.name_field, self.passphrase_field, self.confirm_field):
            field.clear()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self._error = exc.message
        else:
            self._error = "Something went wrong. A crash report with the details is open."

    def _finished(self) -> None:
        self._set_busy(False)
        self.reload()
        if self._error is not None:
            self.message.show_message(self._error)
        else:
            self.message.show_message(self._done_message, role="ok")

    def _show_error(self, text: str, field: QLineEdit) -> None:
        self.message.show_message(text)
        field.setFocus()
        field.selectAll()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for widget in (self.list, self.name_field, self.passphrase_field, self.confirm_field, self.add_button):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(text)
        else:
            self.busy.stop()
        self._update_buttons()

    def reject(self) -> None:
        """Not while a change is running."""
        if not self._busy:
            super().reject()
