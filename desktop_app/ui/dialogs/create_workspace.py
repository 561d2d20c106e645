"""First run: name the reviewer, choose a passphrase, create the encrypted workspace."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.progress import Progress, ProgressGenerator
from desktop_app.core.services.keys import KdfParams, RecoveryKey, calibrate_kdf
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

Calibrate = Callable[[], KdfParams]


def create_workspace_task(
    paths: AppPaths, passphrase: str, reviewer: str, calibrate: Calibrate, secrets: SecretStore | None
) -> ProgressGenerator[tuple[Workspace, RecoveryKey]]:
    """Calibrate the KDF to this machine, then create the workspace (both slow: run in a worker)."""
    yield Progress(0, 2, "Tuning the passphrase protection to this computer…")
    params = calibrate()
    yield Progress(1, 2, "Creating the encrypted workspace…")
    return Workspace.create(paths, passphrase, reviewer, params, secrets)


class CreateWorkspaceDialog(QDialog):
    """Collects the reviewer's name and passphrase and creates the workspace in a worker.

    On ``accepted``, ``workspace`` (unlocked) and ``recovery_key`` are set; the caller shows the
    recovery key next and owns closing the workspace.

    Args:
        paths: Where the workspace goes.
        pool: Runs the calibration and creation.
        calibrate: Chooses the KDF parameters; tests pass a cheap one.
        secrets: The OS keyring for the checkpoint witness (None where the system has none).
        parent: The parent widget.
    """

    def __init__(
        self,
        paths: AppPaths,
        pool: WorkerPool,
        calibrate: Calibrate = calibrate_kdf,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._secrets = secrets
        self._pool = pool
        self._calibrate = calibrate
        self._busy = False
        self.workspace: Workspace | None = None
        self.recovery_key: RecoveryKey | None = None
        self.setWindowTitle(f"Create workspace — {APP_NAME}")
        self.setMinimumWidth(560)

        title = QLabel("Create your workspace")
        title.setProperty("role", "title")
        intro = QLabel(
            "Evidence Desk keeps evidence and its custody log in an encrypted workspace on this "
            "computer. Your name is recorded with every action in the custody log."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")

        self.reviewer_field = QLineEdit()
        self.reviewer_field.setPlaceholderText("e.g. Sam Rivera")
        self.reviewer_field.setMaxLength(200)
        self.passphrase_field = passphrase_field("Four or more unrelated words")
        self.confirm_field = passphrase_field()
        self.strength_label = PassphraseStrengthLabel(self.passphrase_field)

        form = labelled_form()
        form.addRow("Your name", self.reviewer_field)
        form.addRow("Passphrase", self.passphrase_field)
        form.addRow("", self.strength_label)
        form.addRow("Confirm passphrase", self.confirm_field)

        notice = QLabel(
            "<b>Nobody can recover a forgotten passphrase</b>, not even the makers of Evidence Desk. "
            "Next you will be shown a recovery key, once: it is the only other way into this workspace."
        )
        notice.setWordWrap(True)
        notice.setProperty("role", "notice")

        self.message = InlineMessageLabel()
        self.busy = BusyWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = primary_button(self.buttons, "Create workspace")
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)

        layout = dialog_column(self, 14)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(notice)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.reviewer_field.setFocus()

    def _problem(self) -> tuple[QLineEdit, str] | None:
        if not self.reviewer_field.text().strip():
            return self.reviewer_field, "Type your name: it is recorded with every action in the custody log."
        passphrase = self.passphrase_field.text()
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            return self.passphrase_field, f"Use a passphrase of at least {MIN_PASSPHRASE_CHARS} characters."
        if passphrase != self.confirm_field.text():
            return self.confirm_field, "The two passphrases differ. Type the same passphrase in both fields."
        return None

    def _start(self) -> None:
        if self._busy:
            return
        problem = self._problem()
        if problem is not None:
            field, text = problem
            self.message.show_message(text)
            field.setFocus()
            field.selectAll()
            return
        self.message.clear_message()
        self._set_busy(True, "Preparing…")
        worker = self._pool.run(
            create_workspace_task,
            self._paths,
            self.passphrase_field.text(),
            self.reviewer_field.text().strip(),
            self._calibrate,
            self._secrets,
            context=self,
        )
        worker.progress.connect(self._progressed)
        worker.result.connect(self._created)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)

    def _progressed(self, update: Progress) -> None:
        self.busy.set_message(update.message)

    def _finished(self) -> None:
        self._set_busy(False)

    def _created(self, outcome: tuple[Workspace, RecoveryKey]) -> None:
        self.workspace, self.recovery_key = outcome
        self.passphrase_field.clear()
        self.confirm_field.clear()
        self._busy = False
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.message.show_message(exc.message)
        else:
            self.message.show_message(
                "Something went wrong while creating the workspace. A crash report with the details is open."
            )

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        for widget in (self.reviewer_field, self.passphrase_field, self.confirm_field, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(message)
        else:
            self.busy.stop()

    def reject(self) -> None:
        """Refuse to close mid-creation: the worker would finish into a dialog nobody sees."""
        if not self._busy:
            super().reject()
