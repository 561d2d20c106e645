"""The recipients address book: who bundles may be sealed to, and the desk's own key pair.

Each entry shows its fingerprint in five groups of four characters, so two people can read it to
each other over the phone before the first bundle goes out. The desk's key pair is made only when
the reviewer asks for it, and its secret leaves the workspace only through "Export secret key…",
which asks why and records the answer in the custody log. Every read and write runs on the pool.
"""

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.bundles.layout import RecipientRole
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.files import atomic_write_bytes
from desktop_app.core.services.age_keys import public_key_in
from desktop_app.core.services.recipients import RecipientBook, StoredRecipient, fingerprint
from desktop_app.ui.bundles.export_dialog import ROLE_LABELS
from desktop_app.ui.worker import WorkerPool

COLUMNS = ("Name", "Role", "Fingerprint (compare by phone)", "Public key")


def _desk_key(book: RecipientBook, create: bool) -> str | None:
    """Runs in the worker: the desk's public key; made now only when ``create`` (an explicit request)."""
    return book.desk_recipient().text if create or book.has_desk_key() else None


class AddressBookDialog(QDialog):
    """Lists the recipients; adds, imports and removes them; shows and exports the desk's key pair.

    Signals:
        changed(): an entry was added or removed (the export dialog's picker re-reads).
    """

    changed = Signal()

    def __init__(self, pool: WorkerPool, book: RecipientBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recipients address book")
        self._pool, self._book = pool, book
        self.entries: list[StoredRecipient] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Recipients")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.name_field = QLineEdit(self)
        self.name_field.setPlaceholderText("e.g. Det. J. Doe, State ICAC Task Force")
        self.role_box = QComboBox(self)
        for role, label in ROLE_LABELS.items():
            self.role_box.addItem(label, role)
        self.key_field = QLineEdit(self)
        self.key_field.setPlaceholderText("age1… (their public key)")
        self.key_field.textChanged.connect(self._show_fingerprint)
        self.fingerprint_label = QLabel(self)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_button = QPushButton("Add", self)
        self.add_button.setProperty("role", "primary")
        self.add_button.clicked.connect(self.add_entry)
        import_button = QPushButton("Import key file…", self)
        import_button.clicked.connect(self._import_key_file)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        form.addRow("Role", self.role_box)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_field, 1)
        key_row.addWidget(import_button)
        form.addRow("Public key", key_row)
        form.addRow("Fingerprint", self.fingerprint_label)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.remove_button)
        add_row.addWidget(self.add_button)
        adding = QGroupBox("Add a recipient", self)
        adding_layout = QVBoxLayout(adding)
        adding_layout.addLayout(form)
        adding_layout.addLayout(add_row)
        self.desk_label = QLabel("Not created yet: bundles and backups can be sealed to it once it exists.", self)
        self.desk_label.setWordWrap(True)
        self.desk_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_desk_button = QPushButton("Create the desk's key pair", self)
        self.create_desk_button.clicked.connect(lambda: self.load_desk_key(create=True))
        self.export_secret_button = QPushButton("Export secret key…", self)
        self.export_secret_button.setToolTip("Writes the secret key to a file; asks why, and logs it.")
        self.export_secret_button.clicked.connect(lambda: self.export_desk_secret())
        self.export_secret_button.setEnabled(False)
        desk = QGroupBox("This desk's own key (to open bundles sent to it, and backups)", self)
        desk_layout = QVBoxLayout(desk)
        desk_layout.addWidget(self.desk_label)
        desk_buttons = QHBoxLayout()
        desk_buttons.addStretch(1)
        desk_buttons.addWidget(self.create_desk_button)
        desk_buttons.addWidget(self.export_secret_button)
        desk_layout.addLayout(desk_buttons)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(adding)
        layout.addWidget(desk)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(900, 620)
        self.reload()
        self.load_desk_key(create=False)

    # -- the list ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the entries on the pool."""
        worker = self._pool.run(self._book.list, context=self)
        worker.result.connect(self.show_entries)
        worker.error.connect(self._failed)

    def show_entries(self, entries: list[StoredRecipient]) -> None:
        """Fill the table (a fingerprint per row)."""
        self.entries = list(entries)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            role = ROLE_LABELS[RecipientRole(entry.role)] if entry.role in set(RecipientRole) else entry.role
            for column, text in enumerate((entry.name, role, fingerprint(entry.public_key), entry.public_key)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.remove_button.setEnabled(bool(self.entries))

    def _show_fingerprint(self, text: str) -> None:
        try:
            self.fingerprint_label.setText(fingerprint(public_key_in(text)) if text.strip() else "")
        except EvidenceDeskError as problem:
            self.fingerprint_label.setText(problem.message)

    def add_entry(self) -> None:
        """Add what the form holds (checked by the book: a valid ``age1…`` key, a name)."""
        name = self.name_field.text().strip()
        if not name:
            self.message.setText("Name the recipient.")
            return
        try:
            key = public_key_in(self.key_field.text())
        except EvidenceDeskError as problem:
            self.message.setText(problem.message)
            return
        role = RecipientRole(self.role_box.currentData())
        worker = self._pool.run(self._book.add, name, role, key, context=self)
        worker.result.connect(self._added)
        worker.error.connect(self._failed)

    def _added(self, entry: StoredRecipient) -> None:
        self.message.setText(f"Added {entry.name}. Read the fingerprint to them before the first bundle goes out.")
        self.name_field.clear()
        self.key_field.clear()
        self.changed.emit()
        self.reload()

    def _import_key_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the recipient's public key file")
        if path:
            self.import_key_file(Path(path))

    def import_key_file(self, path: Path) -> None:
        """Put the ``age1…`` key found in ``path`` into the form (a secret key is refused)."""
        try:
            self.key_field.setText(public_key_in(path.read_text(encoding="utf-8", errors="replace")[:65536]))
            self.message.setText(f"Key read from {path.name}; check the fingerprint with its owner.")
        except (OSError, EvidenceDeskError) as problem:
            self.message.setText(getattr(problem, "message", None) or f"The file cannot be read: {problem}")

    def remove_selected(self) -> None:
        """Remove the chosen entry (logged)."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            self.message.setText("Choose the recipient to remove.")
            return
        worker = self._pool.run(self._book.remove, self.entries[row].recipient_id, context=self)
        worker.result.connect(self._removed)
        worker.error.connect(self._failed)

    def _removed(self, _existed: bool) -> None:
        self.changed.emit()
        self.reload()

    # -- the desk's key pair ----------------------------------------------------------------------

    def load_desk_key(self, create: bool) -> None:
        """Show the desk's public key; ``create`` makes the pair if there is none (an explicit request)."""
        worker = self._pool.run(_desk_key, self._book, create, context=self)
        worker.result.connect(self.show_desk_key)
        worker.error.connect(self._failed)

    def show_desk_key(self, public_key: str | None) -> None:
        """Show the desk's key and its fingerprint, or that there is none yet."""
        self.create_desk_button.setVisible(public_key is None)
        self.export_secret_button.setEnabled(public_key is not None)
        if public_key is not None:
            self.desk_label.setText(
                f"Public key: <tt>{public_key}</tt><br>Fingerprint: <b>{fingerprint(public_key)}</b><br>"
                "Give senders the public key; the secret stays in this workspace, encrypted."
            )

    def export_desk_secret(self, path: Path | None = None, reason: str | None = None) -> None:
        """Write the desk's secret key to a private file, after asking why (the reason is logged)."""
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "Export the desk's secret key", "Why is the secret key leaving the workspace? (logged)"
            )
            if not ok or not reason.strip():
                return
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the secret key as", "evidence-desk-key.txt")
            if not chosen:
                return
            path = Path(chosen)
        worker = self._pool.run(_write_secret, self._book, reason.strip(), path, context=self)
        worker.result.connect(lambda written: self.message.setText(f"Secret key written to {written}. Keep it safe."))
        worker.error.connect(self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(exc.message if isinstance(exc, EvidenceDeskError) else "An unexpected error stopped it.")


def _write_secret(book: RecipientBook, reason: str, path: Path) -> Path:
    """Runs in the worker: the secret, logged with its reason, into a file only the owner can read."""
    atomic_write_bytes(path, (book.export_desk_secret(reason) + "\n").encode())  # owner-only
    return path
