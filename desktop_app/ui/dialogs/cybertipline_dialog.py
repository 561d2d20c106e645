"""CyberTipline connection: which NCMEC service to use, and the credentials NCMEC issued for it.

The address is a setting (it is not secret); the user name and password go to the OS keyring only,
per address, because NCMEC issues test and production accounts separately. "Check connection"
asks NCMEC's ``/status`` with what the form holds, before anything is saved; it is a custody event
like every contact with NCMEC.
"""

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.cybertipline.client import ApiResponse
from desktop_app.core.cybertipline.endpoint import KNOWN_ENDPOINTS, Credentials, check_endpoint
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.settings import AppSettings
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, passphrase_field
from desktop_app.ui.worker import WorkerPool

OTHER = ""  # the combo's data for "another address"


class CyberTiplineDialog(QDialog):
    """Choose the endpoint, enter credentials, check them, save.

    Signals:
        settings_saved(AppSettings): the endpoint setting was saved (and is in use from now on).
        credentials_saved(): credentials for the endpoint in use are in the keyring: NCMEC's schema
            can be fetched now.
    """

    settings_saved = Signal(object)
    credentials_saved = Signal()

    def __init__(
        self,
        service: CyberTiplineService,
        settings: AppSettings,
        settings_path: Path,
        pool: WorkerPool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._settings = settings
        self._path = settings_path
        self._pool = pool
        self.setWindowTitle(f"CyberTipline connection — {APP_NAME}")
        self.setMinimumWidth(560)

        self.endpoint_combo = QComboBox()
        for url, name in KNOWN_ENDPOINTS.items():
            self.endpoint_combo.addItem(f"{name} — {url}", url)
        self.endpoint_combo.addItem("Another address…", OTHER)
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("https://…/ispws")
        self.username_edit = QLineEdit()
        self.username_edit.setMinimumWidth(320)
        self.password_edit = passphrase_field()
        self.check_button = QPushButton("Check connection")
        self.check_button.clicked.connect(self.check_connection)
        self.result_label = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        keyring = (
            "They are kept in this computer's keyring, never in a file, and used only for the address above."
            if service.credentials.available
            else "This computer has no OS keyring, so they cannot be saved: Evidence Desk keeps passwords nowhere else."
        )
        note = QLabel(
            "Use the user name and password NCMEC issued to your company. Test and production accounts are "
            f"separate; reports sent to the test service are discarded by NCMEC. {keyring}"
        )
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        title = QLabel("CyberTipline connection")
        title.setProperty("role", "title")
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        form.addRow("Service", self.endpoint_combo)
        form.addRow("Address", self.address_edit)
        form.addRow("User name", self.username_edit)
        form.addRow("Password", self.password_edit)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addLayout(check_row)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.endpoint_combo.currentIndexChanged.connect(lambda _: self._endpoint_chosen())
        index = self.endpoint_combo.findData(service.endpoint)
        if index < 0:
            index = self.endpoint_combo.findData(OTHER)
            self.address_edit.setText(service.endpoint)
        self.endpoint_combo.setCurrentIndex(index)
        self._endpoint_chosen()

    # -- the form --------------------------------------------------------------------------------

    def _endpoint_chosen(self) -> None:
        other = self.endpoint_combo.currentData() == OTHER
        self.address_edit.setEnabled(other)
        if not other:
            self.address_edit.setText(self.endpoint_combo.currentData())
        self.result_label.clear_message()
        self._show_saved()

    def _show_saved(self) -> None:
        try:
            saved = self.service.credentials.load(check_endpoint(self.address_edit.text()))
        except EvidenceDeskError:
            saved = None
        self.username_edit.setText(saved.username if saved is not None else "")
        self.password_edit.clear()
        self.password_edit.setPlaceholderText("saved: leave empty to keep it" if saved is not None else "")

    def chosen_endpoint(self) -> str:
        """The address the form names (``EndpointRefused`` if it is not one we send to)."""
        return check_endpoint(self.address_edit.text())

    def chosen_credentials(self, endpoint: str) -> Credentials:
        """The credentials the form holds; an empty password keeps the saved one for the same user."""
        password = self.password_edit.text()
        saved = self.service.credentials.load(endpoint)
        if not password and saved is not None and saved.username == self.username_edit.text().strip():
            password = saved.password
        return Credentials(self.username_edit.text().strip(), password)

    # -- actions ---------------------------------------------------------------------------------

    def check_connection(self) -> None:
        """Ask NCMEC's ``/status`` with what the form holds (on a worker)."""
        try:
            endpoint = self.chosen_endpoint()
            credentials = self.chosen_credentials(endpoint)
        except EvidenceDeskError as problem:
            self.result_label.show_message(problem.message)
            return
        self.check_button.setEnabled(False)
        self.result_label.show_message("Asking NCMEC…", "hint")
        worker = self._pool.run(self.service.check_connection, credentials, endpoint, context=self)
        worker.result.connect(self._checked)
        worker.error.connect(self._check_failed)
        worker.finished.connect(self._check_ended)

    def _check_ended(self) -> None:
        self.check_button.setEnabled(True)

    def _checked(self, answer: ApiResponse) -> None:
        self.result_label.show_message(f"Connected. NCMEC says: {answer.description or 'OK'}", "ok")

    def _check_failed(self, problem: BaseException) -> None:
        if isinstance(problem, EvidenceDeskError):
            self.result_label.show_message(problem.message)

    def accept(self) -> None:
        """Save the credentials (keyring) and the address (settings), then close."""
        try:
            endpoint = self.chosen_endpoint()
            credentials = self.chosen_credentials(endpoint)
            self.service.credentials.save(endpoint, credentials)
        except EvidenceDeskError as problem:
            self.result_label.show_message(problem.message)
            return
        if endpoint != self._settings.cybertipline_endpoint:
            new = replace(self._settings, cybertipline_endpoint=endpoint)
            try:
                # The switch is logged first: a settings file that names an endpoint the log never heard of
                # would be worse than a logged switch whose file write failed (the next start shows the old one).
                self.service.switch_endpoint(endpoint)
                new.save(self._path)
            except EvidenceDeskError as problem:
                self.result_label.show_message(problem.message)
                return
            except OSError as exc:
                why = exc.strerror or exc
                self.result_label.show_message(f"The address could not be saved to {self._path}: {why}.")
                return
            self.settings_saved.emit(new)
        self.credentials_saved.emit()
        super().accept()
