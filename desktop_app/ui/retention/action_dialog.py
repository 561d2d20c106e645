"""The lifecycle dialogs' common shape: a short form whose main button runs one core call in a worker.

A refusal (a typed ``EvidenceDeskError``: a missing reason, a hold that still binds, a wrong
passphrase) is shown inline and the dialog stays open with everything typed; success closes it
and hands the result to ``succeeded``. Anything else is a bug: the worker bridge hands it to the
crash handler.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.errors import EvidenceDeskError
from desktop_app.ui.widgets.form_parts import InlineMessageLabel, primary_button
from desktop_app.ui.worker import WorkerPool


def date_field(initial: date) -> QDateEdit:
    """A calendar date picker showing ISO dates."""
    edit = QDateEdit(QDate(initial.year, initial.month, initial.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def picked_date(edit: QDateEdit) -> date:
    """What ``edit`` shows, as a date."""
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


def start_of_day(day: date) -> datetime:
    """Midnight UTC of ``day`` (what hold ends and request dates are stored as)."""
    return datetime.combine(day, time(), tzinfo=UTC)


class ActionDialog(QDialog):
    """Title, an explanation, a form, an inline message line and OK/Cancel; OK calls ``submit``."""

    succeeded = Signal(object)

    def __init__(self, title: str, intro: str, ok_text: str, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.pool = pool
        self.outcome: Any = None
        heading = QLabel(title)
        heading.setProperty("role", "title")
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "hint")
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.message = InlineMessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = primary_button(self.buttons, ok_text, default=False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(24, 20, 24, 16)
        self.body.addWidget(heading)
        self.body.addWidget(self.intro)
        self.body.addLayout(self.form)
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def submit(self) -> None:
        """Subclasses: read the form and ``run`` the core call."""
        raise NotImplementedError

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn`` in a worker; close on success, stay open showing a refusal."""
        self.message.clear_message()
        self.ok_button.setEnabled(False)
        worker = self.pool.run(fn, *args, context=self, **kwargs)
        worker.result.connect(self._done)
        worker.error.connect(self._refused)
        worker.finished.connect(lambda: self.ok_button.setEnabled(True))

    def _done(self, outcome: Any) -> None:
        self.outcome = outcome
        self.succeeded.emit(outcome)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):  # anything else already reached the crash handler (ui/worker.py)
            self.message.show_message(exc.message)
