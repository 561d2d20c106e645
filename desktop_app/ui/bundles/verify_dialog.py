"""Checking a received bundle: pick the file and the key, see exactly what (if anything) differs.

The check runs ``core.bundles.reader.check_bundle`` on the worker pool; nothing is written to disk.
"""

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.bundles.reader import BundleCheck, check_bundle
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.services.age_keys import Identity, identities_for
from desktop_app.ui.widgets.worker_progress import WorkerProgress, browse_row
from desktop_app.ui.worker import Worker, WorkerPool


def _check_file(path: Path, identities: Sequence[Identity], expected_key: str | None) -> ProgressGenerator[BundleCheck]:
    with open(path, "rb") as handle:
        return (yield from check_bundle(handle, identities, expected_key or None))


class BundleVerifyDialog(QDialog):
    """Opens a bundle with the reviewer's key (or its passphrase) and lists every difference."""

    def __init__(self, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check a bundle")
        self.bundle_field = QLineEdit(self)
        self.key_field = QLineEdit(self)
        self.key_field.setPlaceholderText("age key file (AGE-SECRET-KEY-1…)")
        self.passphrase_field = QLineEdit(self)
        self.passphrase_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field.setPlaceholderText("or the bundle's passphrase")
        self.expected_key_field = QLineEdit(self)
        self.expected_key_field.setPlaceholderText("the sender's workspace key, if they gave you one (recommended)")
        form = QFormLayout()
        form.addRow("Bundle", browse_row(self, self.bundle_field, lambda: self._open_file("Choose the bundle")))
        form.addRow("Your key", browse_row(self, self.key_field, lambda: self._open_file("Choose your age key file")))
        form.addRow("Passphrase", self.passphrase_field)
        form.addRow("Sender's key", self.expected_key_field)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # checking reads the whole file: a busy bar, the step in words
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.differences = QListWidget(self)
        self.differences.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.check_button = buttons.addButton("Check", QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        self.running = WorkerProgress(pool, self.progress, None, self, fraction=False)
        self.running.idle.connect(lambda: self.check_button.setEnabled(True))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.verdict)
        layout.addWidget(self.differences, 1)
        layout.addWidget(buttons)
        self.resize(760, 480)

    def start(self) -> None:
        """Run the check on the pool."""
        try:
            identities = identities_for(self.passphrase_field.text(), self.key_field.text())
        except (OSError, EvidenceDeskError) as problem:
            self._show_error(getattr(problem, "message", None) or f"The key file cannot be read: {problem}")
            return
        self.differences.clear()
        self.differences.show()
        self.verdict.setText("Checking…")
        self.check_button.setEnabled(False)
        token = CancelToken()
        expected = self.expected_key_field.text().strip()
        worker = Worker(_check_file, Path(self.bundle_field.text()), identities, expected, cancel=token, context=self)
        worker.progress.connect(self._on_progress)
        worker.result.connect(self.show_check)
        worker.error.connect(lambda exc: self._show_error(getattr(exc, "message", str(exc))))
        self.running.start(worker)

    def _open_file(self, title: str) -> str:
        return QFileDialog.getOpenFileName(self, title)[0]

    def _on_progress(self, update: object) -> None:
        if isinstance(update, Progress):
            self.verdict.setText(f"Checking… {update.message}")

    def _show_error(self, message: str) -> None:
        self.verdict.setText(f"<b>The bundle could not be checked.</b><br>{message}")

    def show_check(self, check: BundleCheck) -> None:
        """Show a finished check: the verdict, what the bundle says it is, and each difference."""
        manifest = check.manifest
        recipient = manifest.get("recipient", {})
        summary = (
            f"Profile {manifest.get('profile')}, for {recipient.get('recipient')} ({recipient.get('role')}); "
            f"{plural(len(manifest.get('files', [])), 'file')}, {check.evidence_bytes:,} bytes of evidence.<br>"
            f"Signed by workspace key <tt>{check.verifier_key}</tt>"
        )
        if check.ok:
            headline = "<b style='color:#1b7f3b'>Intact: every hash, signature and proof matches.</b>"
        else:
            count = len(check.differences)
            headline = f"<b style='color:#b3261e'>{plural(count, 'difference')}: do not rely on this bundle.</b>"
        self.verdict.setText(f"{headline}<br>{summary}")
        for difference in check.differences:
            self.differences.addItem(f"{difference.member}  [{difference.code}]  {difference.message}")
        self.differences.setVisible(not check.ok)  # an empty list under "Intact" only looks like missing content
