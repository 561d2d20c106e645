"""Sealing a report for a recipient: who, why, what, then progress and the file's SHA-256.

The rules (who may receive depictions, that evidence needs a legal basis) come from
``core.bundles.layout`` and the service; the dialog only shows them and disables Export while
they are unmet. The export runs on the worker pool and can be cancelled.
"""

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.bundles.layout import Profile, RecipientRole, depictions_allowed
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.age_keys import Recipient, recipient_from_text
from desktop_app.core.services.bundles import BundleService, ExportRequest, ExportResult
from desktop_app.core.services.recipients import RecipientBook, StoredRecipient, fingerprint
from desktop_app.core.services.second_person import ConfirmationCheck
from desktop_app.ui.widgets.form_parts import passphrase_field
from desktop_app.ui.widgets.worker_progress import WorkerProgress, browse_row
from desktop_app.ui.worker import Worker, WorkerPool

ROLE_LABELS = {
    RecipientRole.NCMEC: "NCMEC",
    RecipientRole.LAW_ENFORCEMENT: "Law enforcement",
    RecipientRole.COUNSEL: "Counsel",
    RecipientRole.OTHER: "Other",
}


class BundleExportDialog(QDialog):
    """Export one report as an encrypted bundle."""

    def __init__(
        self,
        pool: WorkerPool,
        bundles: BundleService,
        report_id: str,
        parent: QWidget | None = None,
        second_person: ConfirmationCheck | None = None,
        book: RecipientBook | None = None,
    ) -> None:
        super().__init__(parent)
        self._second_person = second_person  # set when the setting asks a second person to confirm full evidence
        self.setWindowTitle(f"Export report {report_id[:8]} as an encrypted bundle")
        self._pool, self._bundles, self._report_id = pool, bundles, report_id
        self.book_box = QComboBox(self)  # the address book: fills name, role and key at once
        self.book_box.addItem("Type the recipient below, or choose one from the address book…", None)
        self.book_box.activated.connect(self._book_chosen)
        self.book_box.setEnabled(False)
        if book is not None:
            worker = pool.run(book.list, context=self)
            worker.result.connect(self.show_address_book)
        self.recipient_field = QLineEdit(self)
        self.recipient_field.setPlaceholderText("e.g. Det. J. Doe, State ICAC Task Force")
        self.role_box = QComboBox(self)
        for role, label in ROLE_LABELS.items():
            self.role_box.addItem(label, role)
        self.full_button = QRadioButton("Full evidence (the files themselves)", self)
        self.hash_button = QRadioButton("Hash-only (hashes and metadata, no depictions)", self)
        self.full_button.setChecked(True)
        profiles = QButtonGroup(self)
        profiles.addButton(self.full_button)
        profiles.addButton(self.hash_button)
        profile_row = QVBoxLayout()
        profile_row.addWidget(self.full_button)
        profile_row.addWidget(self.hash_button)
        self.keys_field = QPlainTextEdit(self)
        self.keys_field.setPlaceholderText("Each recipient's age public key on a line of its own: age1…")
        self.keys_field.setFixedHeight(64)
        self.basis_field = QLineEdit(self)
        self.basis_field.setPlaceholderText("why this recipient may have it (recorded in the custody log)")
        self.process_field = QLineEdit(self)
        self.process_field.setPlaceholderText("subpoena / court order number, if answering legal process")
        self.output_field = QLineEdit(self)
        output_row = browse_row(self, self.output_field, self._choose_output)
        form = QFormLayout()
        form.addRow("Address book", self.book_box)
        form.addRow("Recipient", self.recipient_field)
        form.addRow("Role", self.role_box)
        form.addRow("Contents", profile_row)
        form.addRow("Age keys", self.keys_field)
        form.addRow("Legal basis", self.basis_field)
        form.addRow("Legal process", self.process_field)
        form.addRow("Save as", output_row)
        self.confirmer_field = QLineEdit(self)
        self.confirmer_field.setPlaceholderText("the second person's name")
        self.confirmer_passphrase = passphrase_field("the second person's passphrase")
        if second_person is not None:
            form.addRow("Second person", self.confirmer_field)
            form.addRow("Their passphrase", self.confirmer_passphrase)
        self.rule_label = QLabel(self)
        self.rule_label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton("Cancel export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start)
        self.running = WorkerProgress(pool, self.progress, self.cancel_button, self)
        self.running.idle.connect(self._update_rules)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        for signal in (self.recipient_field.textChanged, self.basis_field.textChanged, self.process_field.textChanged,
                       self.output_field.textChanged, self.keys_field.textChanged):
            signal.connect(self._update_rules)
        self.confirmer_field.textChanged.connect(self._update_rules)
        self.role_box.currentIndexChanged.connect(self._update_rules)
        self.full_button.toggled.connect(self._update_rules)
        self._update_rules()
        self.resize(720, 560)

    def show_address_book(self, entries: list[StoredRecipient]) -> None:
        """Offer the address book's entries (name, role and fingerprint)."""
        for entry in entries:
            role = ROLE_LABELS[RecipientRole(entry.role)] if entry.role in set(RecipientRole) else entry.role
            self.book_box.addItem(f"{entry.name} ({role}) · {fingerprint(entry.public_key)}", entry)
        self.book_box.setEnabled(bool(entries))

    def _book_chosen(self, index: int) -> None:
        entry = self.book_box.itemData(index)
        if isinstance(entry, StoredRecipient):
            self.recipient_field.setText(entry.name)
            self.role_box.setCurrentIndex(max(0, self.role_box.findData(RecipientRole(entry.role))))
            if entry.public_key not in self.keys_field.toPlainText():
                self.keys_field.appendPlainText(entry.public_key)

    def _choose_output(self) -> str:
        return QFileDialog.getSaveFileName(self, "Save the bundle as", f"report-{self._report_id[:8]}.age")[0]

    def _request(self) -> ExportRequest:
        profile = Profile.FULL_EVIDENCE if self.full_button.isChecked() else Profile.HASH_ONLY
        role = RecipientRole(self.role_box.currentData())
        return ExportRequest(self.recipient_field.text().strip(), role, profile, self.basis_field.text().strip(),
                             self.process_field.text().strip())

    def _recipients(self) -> list[Recipient]:
        lines = [line.strip() for line in self.keys_field.toPlainText().splitlines() if line.strip()]
        return [recipient_from_text(line) for line in lines]

    def _update_rules(self) -> None:
        request = self._request()
        problems = []
        if not request.recipient_name:
            problems.append("Name the recipient.")
        if not self.keys_field.toPlainText().strip():
            problems.append("Paste the recipient's age key.")
        if request.profile is Profile.FULL_EVIDENCE:
            if not depictions_allowed(request.role, request.legal_process_reference):
                problems.append("Depictions may go only to NCMEC or law enforcement, or in answer to legal process: "
                                "choose hash-only, or enter the legal process.")
            if not request.legal_basis:
                problems.append("Record the legal basis for sending evidence.")
        if not self.output_field.text().strip():
            problems.append("Choose where to save the bundle.")
        if self._needs_second_person() and not self.confirmer_field.text().strip():
            problems.append("A second person confirms a full-evidence export: their name and passphrase.")
        self.rule_label.setText("\n".join(problems))
        self.export_button.setEnabled(not problems and not self.running.running)

    def start(self) -> None:
        """Run the export on the pool."""
        try:
            recipients = self._recipients()
        except EvidenceDeskError as problem:
            self.result_label.setText(problem.message)
            return
        token = CancelToken()
        worker = Worker(self._export, recipients, Path(self.output_field.text()), self._request(),
                        self._confirmation_of(), token, cancel=token, context=self)
        worker.result.connect(self.show_result)
        worker.error.connect(lambda exc: self.result_label.setText(getattr(exc, "message", str(exc))))
        self.export_button.setEnabled(False)
        self.result_label.setText("Exporting…")
        self.running.start(worker)

    def _needs_second_person(self) -> bool:
        return self._second_person is not None and self.full_button.isChecked()

    def _confirmation_of(self) -> tuple[str, str] | None:
        """The second person's name and passphrase, taken out of the form (the passphrase is not kept there)."""
        if not self._needs_second_person():
            return None
        typed = (self.confirmer_field.text(), self.confirmer_passphrase.text())
        self.confirmer_passphrase.clear()
        return typed

    def _export(
        self,
        recipients: list[Recipient],
        out_path: Path,
        request: ExportRequest,
        typed: tuple[str, str] | None,
        token: CancelToken,
    ) -> ProgressGenerator[ExportResult]:
        """Worker: check the second person first (a slow key derivation), then export with their name."""
        if typed is not None and self._second_person is not None:
            request = replace(request, second_person=self._second_person.confirm(*typed))
        return (yield from self._bundles.export_report(self._report_id, recipients, out_path, request, token))

    def show_result(self, result: ExportResult) -> None:
        """Show where the bundle went and the SHA-256 to give the recipient."""
        self.result_label.setText(
            f"<b>Bundle written:</b> {result.path.name} ({result.size:,} bytes, {result.members} members).<br>"
            f"Give the recipient this SHA-256 to compare, by another channel:<br><tt>{result.sha256}</tt>"
        )
