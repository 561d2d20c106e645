"""CyberTipline connection: which NCMEC service to use, and the credentials NCMEC issued for it.

The address is a setting (it is not secret); the user name and password go to the OS keyring only,
per address, because NCMEC issues test and production accounts separately. "Check connection"
asks NCMEC's ``/status`` with what the form holds, before anything is saved; it is a custody event
like every contact with NCMEC.

Given the core's ``PracticeEndpoint``, the list starts with *Practice*: the built-in practice server,
which needs no account (it runs on this computer, started when first used, with credentials made up
for the run). Choosing it saves nothing; "Check connection" starts it and asks its ``/status``.
A coloured band names the environment the form is about, as everywhere a submission is shown.
"""

from dataclasses import replace
from pathlib import Path
from typing import Any

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
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.cybertipline.client import ApiResponse
from desktop_app.core.cybertipline.endpoint import (
    KNOWN_ENDPOINTS,
    PRODUCTION_URL,
    TEST_URL,
    Credentials,
    check_endpoint,
)
from desktop_app.core.domain.submission import Environment
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.settings import AppSettings
from desktop_app.ui.submission.environment import EnvironmentBandWidget
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, dialog_column, passphrase_field
from desktop_app.ui.worker import WorkerPool

OTHER = ""  # the combo's data for "another address"
PRACTICE = "practice:"  # the combo's data for the built-in practice server (never a web address)
_ENVIRONMENTS = {PRACTICE: Environment.PRACTICE, TEST_URL: Environment.TEST, PRODUCTION_URL: Environment.PRODUCTION}


def check_practice(service: CyberTiplineService, practice: Any) -> ApiResponse:
    """Runs in the worker: start the practice server if needed and ask its ``/status``."""
    url, credentials = practice.connection()
    return service.check_connection(credentials, url)


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
        practice: Any = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._settings = settings
        self._path = settings_path
        self._pool = pool
        self._practice = practice
        self.setWindowTitle(f"CyberTipline connection — {APP_NAME}")
        self.setMinimumWidth(560)

        self.band = EnvironmentBandWidget()
        self.endpoint_combo = QComboBox()
        if practice is not None:
            self.endpoint_combo.addItem(f"{Environment.PRACTICE.label} — on this computer, no account needed", PRACTICE)
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
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        keyring = (
            f"They are kept in {service.credentials.where}, never in a plain file, and used only for the address above."
            if service.credentials.available
            else "This computer has no OS keyring, so they cannot be saved: Evidence Desk keeps passwords nowhere else."
        )
        self.ncmec_note = (
            "Use the user name and password NCMEC issued to your company. Test and production accounts are "
            f"separate; reports sent to the test service are discarded by NCMEC. {keyring}"
        )
        self.practice_note = (
            "The practice server runs inside Evidence Desk on this computer (127.0.0.1) and behaves like NCMEC's: "
            "rehearse the whole submission with made-up content. It needs no account and nothing is saved; "
            "choose Practice when you submit. Reports sent to it are gone when Evidence Desk closes."
        )
        note = self.note = QLabel(self.ncmec_note)
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
        layout = dialog_column(self, 10)
        layout.addWidget(self.band)
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

    @property
    def practice_chosen(self) -> bool:
        """Whether the form is about the built-in practice server."""
        return bool(self.endpoint_combo.currentData() == PRACTICE)

    def _endpoint_chosen(self) -> None:
        choice = self.endpoint_combo.currentData()
        other = choice == OTHER
        practice = choice == PRACTICE
        self.band.show_environment(_ENVIRONMENTS.get(choice))
        self.address_edit.setEnabled(other)
        for field in (self.username_edit, self.password_edit):
            field.setEnabled(not practice)
        self.note.setText(self.practice_note if practice else self.ncmec_note)
        self.save_button.setText("Done" if practice else "Save")
        self.result_label.clear_message()
        if practice:
            self.address_edit.setText("")
            self.address_edit.setPlaceholderText("started on 127.0.0.1 when first used")
            self.username_edit.clear()
            self.password_edit.clear()
            self.username_edit.setPlaceholderText("not needed")
            self.password_edit.setPlaceholderText("not needed")
            return
        self.address_edit.setPlaceholderText("https://…/ispws")
        self.username_edit.setPlaceholderText("")
        if not other:
            self.address_edit.setText(choice)
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
        if self.practice_chosen:
            self.check_button.setEnabled(False)
            self.result_label.show_message("Starting the practice server and asking it…", "hint")
            worker = self._pool.run(check_practice, self.service, self._practice, context=self)
            worker.result.connect(self._checked)
            worker.error.connect(self._check_failed)
            worker.finished.connect(self._check_ended)
            return
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
        who = "The practice server" if self.practice_chosen else "NCMEC"
        self.result_label.show_message(f"Connected. {who} says: {answer.description or 'OK'}", "ok")

    def _check_failed(self, problem: BaseException) -> None:
        if isinstance(problem, EvidenceDeskError):
            self.result_label.show_message(problem.message)

    def accept(self) -> None:
        """Save the credentials (keyring) and the address (settings), then close. Practice saves nothing."""
        if self.practice_chosen:
            super().accept()
            return
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
