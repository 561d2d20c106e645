"""Backing the workspace up while the app is open, and restoring a backup into a fresh profile.

A backup is an age file (``core.services.backup``): sealed to a passphrase or to age keys the
reviewer holds elsewhere. It is never sealed only to this desk's own key by default, since that
key lives inside the workspace the backup is meant to replace. Both run on the pool with progress
and cancel; the result shows the file's SHA-256.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.age_keys import (
    Recipient,
    identities_for,
    passphrase_recipient,
    public_key_in,
    recipient_from_text,
)
from desktop_app.core.services.backup import BackupResult, RestoreResult, create_backup, restore_backup
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.widgets.worker_progress import WorkerProgress, browse_row
from desktop_app.ui.worker import Worker, WorkerPool


class _RunningDialog(QDialog):
    """What both dialogs share: a progress bar, Cancel, a result line, one worker at a time."""

    def __init__(self, pool: WorkerPool, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.cancel_button = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.ActionRole)
        self.running = WorkerProgress(pool, self.progress, self.cancel_button, self)
        self.running.idle.connect(lambda: self.start_button.setEnabled(True))

    def _lay_out(self, form: QFormLayout, hint_text: str) -> None:
        hint = QLabel(hint_text, self)
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _run(self, function: Callable[..., Any], *args: Any, done: Callable[[Any], None]) -> None:
        token = CancelToken()
        worker = Worker(function, *args, token, cancel=token, context=self)
        worker.result.connect(done)
        worker.error.connect(self._failed)
        self.progress.setRange(0, 0)
        self.start_button.setEnabled(False)
        self.running.start(worker)

    def _failed(self, exc: BaseException) -> None:
        unexpected = "An unexpected error stopped it; nothing partial was kept."
        self.result_label.setText(exc.message if isinstance(exc, EvidenceDeskError) else unexpected)

    start_button: QPushButton


class BackupDialog(_RunningDialog):
    """Back the open workspace up to a passphrase or to age keys."""

    def __init__(
        self, pool: WorkerPool, workspace: Workspace, parent: QWidget | None = None, default_name: str = ""
    ) -> None:
        super().__init__(pool, parent)
        self.setWindowTitle("Back up the workspace")
        self._workspace = workspace
        self.passphrase_button = QRadioButton("A passphrase (you will need it to restore)", self)
        self.key_button = QRadioButton("Age public keys held somewhere else (one a line, or a key file)", self)
        self.passphrase_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.passphrase_button)
        group.addButton(self.key_button)
        self.passphrase_field = QLineEdit(self)
        self.passphrase_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_field = QLineEdit(self)
        self.confirm_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.keys_field = QLineEdit(self)
        self.keys_field.setPlaceholderText("age1…")
        self.output_field = QLineEdit(self)
        self.output_field.setText(default_name)
        save_as = lambda: QFileDialog.getSaveFileName(self, "Save the backup as", default_name)[0]  # noqa: E731
        form = QFormLayout()
        form.addRow("Seal it to", self.passphrase_button)
        form.addRow("Passphrase", self.passphrase_field)
        form.addRow("Again", self.confirm_field)
        form.addRow("", self.key_button)
        form.addRow("Age key", self.keys_field)
        form.addRow("Save as", browse_row(self, self.output_field, save_as))
        self.start_button = self.buttons.addButton("Back up", QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.setProperty("role", "primary")
        self.start_button.clicked.connect(self.start)
        self._lay_out(
            form,
            "The backup holds the encrypted database, every evidence file and the anchor: restoring it also "
            "needs the workspace's own passphrase. Taking it is recorded in the custody log.",
        )
        self.resize(680, 420)

    def recipients(self) -> list[Recipient]:
        """What the backup is sealed to, as the form says (raises ``EvidenceDeskError`` with the reason)."""
        if self.passphrase_button.isChecked():
            if self.passphrase_field.text() != self.confirm_field.text():
                raise EvidenceDeskError("The two passphrases differ; type them again.")
            return [passphrase_recipient(self.passphrase_field.text())]
        text = self.keys_field.text().strip()
        if text and Path(text).is_file():
            text = public_key_in(Path(text).read_text(encoding="utf-8", errors="replace")[:65536])
        return [recipient_from_text(key) for key in text.replace(",", " ").split()]

    def start(self) -> None:
        """Take the backup on the pool."""
        try:
            recipients = self.recipients()
            if not recipients:
                raise EvidenceDeskError("Enter an age public key, or choose a passphrase.")
            if not self.output_field.text().strip():
                raise EvidenceDeskError("Choose where to save the backup.")
        except EvidenceDeskError as problem:
            self.result_label.setText(problem.message)
            return
        self.result_label.setText("Backing up…")
        out = Path(self.output_field.text().strip())
        self._run(create_backup, self._workspace, recipients, out, done=self.show_result)

    def show_result(self, result: BackupResult) -> None:
        """Where the backup went, and its SHA-256."""
        self.result_label.setText(
            f"<b>Backup written:</b> {result.path.name} ({result.size:,} bytes, {result.blobs} evidence files).<br>"
            f"SHA-256: <tt>{result.sha256}</tt>"
        )


class RestoreDialog(_RunningDialog):
    """Restore a backup into a new, empty profile folder (the open workspace is never touched)."""

    def __init__(self, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(pool, parent)
        self.setWindowTitle("Restore a backup")
        self.backup_field = QLineEdit(self)
        self.key_field = QLineEdit(self)
        self.key_field.setPlaceholderText("age key file (AGE-SECRET-KEY-1…)")
        self.passphrase_field = QLineEdit(self)
        self.passphrase_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field.setPlaceholderText("or the backup's passphrase")
        self.profile_field = QLineEdit(self)
        self.profile_field.setPlaceholderText("a new, empty folder")
        form = QFormLayout()
        form.addRow("Backup", browse_row(self, self.backup_field, lambda: QFileDialog.getOpenFileName(self)[0]))
        form.addRow("Key file", browse_row(self, self.key_field, lambda: QFileDialog.getOpenFileName(self)[0]))
        form.addRow("Passphrase", self.passphrase_field)
        form.addRow(
            "Restore into", browse_row(self, self.profile_field, lambda: QFileDialog.getExistingDirectory(self))
        )
        self.start_button = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.clicked.connect(self.start)
        self._lay_out(
            form,
            "The restored workspace opens with its own passphrase: start Evidence Desk with "
            "--profile-dir pointing at that folder.",
        )
        self.resize(680, 360)

    def start(self) -> None:
        """Restore on the pool."""
        try:
            identities = identities_for(self.passphrase_field.text(), self.key_field.text())
            if not self.profile_field.text().strip():
                raise EvidenceDeskError("Choose a new, empty folder to restore into.")
        except (OSError, EvidenceDeskError) as problem:
            self.result_label.setText(getattr(problem, "message", None) or f"The key file cannot be read: {problem}")
            return
        self.result_label.setText("Restoring…")
        paths = AppPaths.resolve(Path(self.profile_field.text().strip()))
        self._run(restore_backup, paths, Path(self.backup_field.text()), identities, done=self.show_result)

    def show_result(self, result: RestoreResult) -> None:
        """What was restored."""
        self.result_label.setText(
            f"<b>Restored</b> workspace {result.workspace_id[:8]} with {result.blobs} evidence files into "
            f"{self.profile_field.text()}."
        )
