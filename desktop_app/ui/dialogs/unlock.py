"""Unlock the workspace with the passphrase, or with the recovery key and a new passphrase."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.domain.verification import Verification
from desktop_app.core.errors import EvidenceDeskError, PassphraseRejected
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.theme import monospace_font
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

_PASSPHRASE_PAGE, _RECOVERY_PAGE = 0, 1


def _form() -> QFormLayout:
    form = labelled_form()
    form.setContentsMargins(0, 0, 0, 0)
    return form


class UnlockDialog(QDialog):
    """Asks for the passphrase and unlocks in a worker (Argon2id takes about a second).

    Expected failures (wrong passphrase, a typo in the recovery key, ...) are shown inline with the
    error's own message; the field keeps focus with its text selected so the reviewer can retype at
    once. On ``accepted``, ``verification`` holds the custody-log check done while unlocking.

    Args:
        workspace: The open, locked workspace.
        pool: Runs the unlock.
        reason: Why the dialog appears (e.g. "Locked after 10 idle minutes."); empty at start-up.
        cancel_text: The reject button's text ("Quit" at start-up).
        parent: The parent widget.
    """

    def __init__(
        self,
        workspace: Workspace,
        pool: WorkerPool,
        reason: str = "",
        cancel_text: str = "Cancel",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._pool = pool
        self._busy = False
        self._pending_error: tuple[str, QLineEdit | None] | None = None
        self.verification: Verification | None = None
        self.setWindowTitle(f"Unlock — {APP_NAME}")
        self.setMinimumWidth(540)

        title = QLabel("Unlock workspace")
        title.setProperty("role", "title")
        detail = QLabel(f"Workspace {workspace.workspace_id.hex()[:8]}" + (f" · {reason}" if reason else ""))
        detail.setProperty("role", "hint")
        detail.setWordWrap(True)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._recovery_page())

        self.message = InlineMessageLabel()
        self.busy = BusyWidget()
        self.mode_button = QPushButton()
        self.mode_button.setProperty("role", "link")
        self.mode_button.setAutoDefault(False)
        self.mode_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.mode_button.clicked.connect(
            lambda: self.show_mode(_PASSPHRASE_PAGE if self.recovery_mode else _RECOVERY_PAGE)
        )
        self.buttons = QDialogButtonBox()
        self.unlock_button = primary_button(self.buttons, "Unlock")
        self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)

        layout = dialog_column(self)
        layout.addWidget(title)
        layout.addWidget(detail)
        layout.addSpacing(6)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.mode_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(8)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.show_mode(_PASSPHRASE_PAGE)

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        self.passphrase_field = passphrase_field("Workspace passphrase")
        form = _form()
        form.addRow("Passphrase", self.passphrase_field)
        page.setLayout(form)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        explain = QLabel(
            "Type the recovery key you stored when the workspace was created, and choose a new "
            "passphrase. Case, spaces and dashes do not matter."
        )
        explain.setWordWrap(True)
        explain.setProperty("role", "hint")
        self.recovery_field = QLineEdit()
        self.recovery_field.setFont(monospace_font())
        self.recovery_field.setPlaceholderText("XXXX-XXXX-…")
        self.new_passphrase_field = passphrase_field("New passphrase")
        self.confirm_field = passphrase_field("Type it again")
        self.strength_label = PassphraseStrengthLabel(self.new_passphrase_field)
        form = _form()
        form.addRow("Recovery key", self.recovery_field)
        form.addRow("New passphrase", self.new_passphrase_field)
        form.addRow("", self.strength_label)
        form.addRow("Confirm", self.confirm_field)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(explain)
        layout.addLayout(form)
        return page

    @property
    def recovery_mode(self) -> bool:
        """Whether the recovery-key fields are showing."""
        return self.pages.currentIndex() == _RECOVERY_PAGE

    def show_mode(self, page: int) -> None:
        """Switch between the passphrase and the recovery-key page."""
        # A stacked widget is as tall as its tallest page; ignoring the hidden page's size lets
        # the short passphrase page sit without a gap under it.
        for index in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if index == page else QSizePolicy.Policy.Ignored
            page_widget = self.pages.widget(index)
            if page_widget is not None:
                page_widget.setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(page)
        self.mode_button.setText("Use passphrase instead" if page == _RECOVERY_PAGE else "Use recovery key…")
        self.message.clear_message()
        (self.recovery_field if page == _RECOVERY_PAGE else self.passphrase_field).setFocus()
        self.adjustSize()

    def show_error(self, text: str, field: QLineEdit | None = None) -> None:
        """Show ``text`` inline and put the cursor back in ``field`` with its text selected."""
        self.message.show_message(text)
        target = field or (self.recovery_field if self.recovery_mode else self.passphrase_field)
        target.setFocus()
        target.selectAll()

    def _start(self) -> None:
        if self._busy:
            return
        if self.recovery_mode:
            new = self.new_passphrase_field.text()
            if len(new) < MIN_PASSPHRASE_CHARS:
                self.show_error(
                    f"Use a new passphrase of at least {MIN_PASSPHRASE_CHARS} characters.", self.new_passphrase_field
                )
                return
            if new != self.confirm_field.text():
                self.show_error("The two new passphrases differ.", self.confirm_field)
                return
            worker = self._pool.run(
                self._workspace.unlock_with_recovery_key, self.recovery_field.text(), new, context=self
            )
            message = "Checking the recovery key and setting the new passphrase…"
        else:
            worker = self._pool.run(self._workspace.unlock, self.passphrase_field.text(), context=self)
            message = "Unlocking and verifying the custody log…"
        self.message.clear_message()
        self._set_busy(True, message)
        worker.result.connect(self._unlocked)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)

    def _unlocked(self, verification: Verification) -> None:
        self.verification = verification
        for field in (self.passphrase_field, self.new_passphrase_field, self.confirm_field, self.recovery_field):
            field.clear()

    def _failed(self, exc: BaseException) -> None:
        # Shown once the worker has finished: the fields are disabled until then and cannot take focus.
        if not isinstance(exc, EvidenceDeskError):
            text = "Something went wrong while unlocking. A crash report with the details is open."
        else:
            text = exc.message
        field = None
        if self.recovery_mode and isinstance(exc, PassphraseRejected):
            field = self.new_passphrase_field
        self._pending_error = (text, field)

    def _finished(self) -> None:
        self._set_busy(False)
        if self.verification is not None:
            self.accept()
        elif self._pending_error is not None:
            text, field = self._pending_error
            self._pending_error = None
            self.show_error(text, field)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.pages.setEnabled(not busy)
        self.buttons.setEnabled(not busy)
        if busy:
            self.busy.start(message)
        else:
            self.busy.stop()

    def reject(self) -> None:
        """Not while unlocking: the result would arrive at a dialog nobody sees."""
        if not self._busy:
            super().reject()
