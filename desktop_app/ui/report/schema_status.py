"""What reports are checked against: the app's model alone, or NCMEC's fetched schema too.

A strip under the reports list says which schema is in force, when and where it was fetched, and
whether it differs from the model (schema drift); "Fetch NCMEC's schema" asks ``/xsd`` again, and
"Differences…" lists the drift item by item. Once credentials are saved the strip also fetches on
its own when the cached copy is missing or a day old (``CyberTiplineService.schema_due``), so the
reviewer need not remember to.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.cybertipline.drift import Drift
from desktop_app.core.cybertipline.endpoint import describe_endpoint
from desktop_app.core.domain.custody_words import plural
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.cybertipline import CyberTiplineService, NcmecSchema, SchemaRefresh
from desktop_app.ui.widgets.form_parts import InlineMessageLabel
from desktop_app.ui.worker import WorkerPool

MODEL_ONLY = (
    "Reports are checked against Evidence Desk's model of NCMEC's schema. Fetch NCMEC's own schema (with your "
    "NCMEC credentials) to also check them against what NCMEC validates today."
)


def describe_schema(schema: NcmecSchema | None) -> str:
    """One paragraph on what reports are checked against."""
    if schema is None:
        return MODEL_ONLY
    when = f"{schema.fetched_at.astimezone():%d %b %Y %H:%M}"
    where = describe_endpoint(schema.endpoint)
    head = f"Also checked against NCMEC's schema, fetched {when} from {where} ({schema.sha256[:12]}…)"
    drift = schema.drift
    if drift.clean:
        return f"{head}: it matches Evidence Desk's model."
    missing = len(drift.missing_from_model)
    return (
        f"{head}. It differs from Evidence Desk's model in {plural(len(drift.items), 'place')}, {missing} of them "
        "things the form cannot fill in yet. Reports NCMEC's schema would reject show it as errors."
    )


class DriftDialog(QDialog):
    """The differences between the model and NCMEC's schema, one per line."""

    def __init__(self, drift: Drift, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("NCMEC's schema and Evidence Desk's model")
        self.resize(900, 480)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText("\n".join(f"{i.kind:34} {i.path}  {i.detail}" for i in drift.items))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


class NcmecSchemaWidget(QFrame):
    """The schema strip. ``service`` None: the app has no CyberTipline link (the strip says model only).

    Signals:
        schema_changed(): a fetch put another schema in force; findings must be recomputed.
        message(str): something for the status bar.
    """

    schema_changed = Signal()
    message = Signal(str)

    def __init__(self, service: CyberTiplineService | None, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.pool = pool
        self.schema: NcmecSchema | None = None
        self._loaded = False  # read once per unlock; ``clear`` forgets it
        self.setProperty("role", "card")
        self.summary = QLabel(MODEL_ONLY)
        self.summary.setWordWrap(True)
        self.summary.setProperty("role", "hint")
        self.fetch_button = QPushButton("Fetch NCMEC's schema")
        self.fetch_button.setToolTip("Download the schema NCMEC validates against today (GET /xsd).")
        self.fetch_button.clicked.connect(self.fetch)
        self.fetch_button.setEnabled(service is not None)
        self.details_button = QPushButton("Differences…")
        self.details_button.clicked.connect(self.show_differences)
        self.details_button.setVisible(False)
        self.problem = InlineMessageLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.fetch_button)
        buttons.addWidget(self.details_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        title = QLabel("NCMEC's schema")
        title.setProperty("role", "strong")
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)

    def reload(self) -> None:
        """Read the cached schema (compiling it) on a worker, once per unlock; fetch a fresh one if it is due."""
        service = self.service
        if service is None or self._loaded:
            return
        self._loaded = True
        worker = self.pool.run(lambda: (service.current_schema(), service.schema_due()), context=self)
        worker.result.connect(self._reloaded)
        worker.error.connect(self._failed)

    def _reloaded(self, loaded: tuple[NcmecSchema | None, bool]) -> None:
        schema, due = loaded
        self._show(schema)
        if due:
            self.fetch()

    def fetch(self) -> None:
        """Fetch ``/xsd`` on a worker (once: a fetch already under way is not started again)."""
        if self.service is None or not self.fetch_button.isEnabled():
            return
        self.fetch_button.setEnabled(False)
        self.problem.show_message(f"Asking {describe_endpoint(self.service.endpoint)}…", "hint")
        worker = self.pool.run(self.service.refresh_schema, context=self)
        worker.result.connect(self._fetched)
        worker.error.connect(self._failed)
        # A bound method, not a lambda: Qt drops it if this widget is gone before the fetch ends.
        worker.finished.connect(self._fetch_ended)

    def _fetch_ended(self) -> None:
        self.fetch_button.setEnabled(True)

    def clear(self) -> None:
        """Forget what was shown (the workspace locked)."""
        self.schema = None
        self._loaded = False
        self.summary.setText(MODEL_ONLY)
        self.details_button.setVisible(False)
        self.problem.clear_message()

    def show_differences(self) -> DriftDialog | None:
        """List the drift (non-modal, so a test or the reviewer can look at both)."""
        if self.schema is None:
            return None
        dialog = DriftDialog(self.schema.drift, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _show(self, schema: NcmecSchema | None) -> None:
        self.schema = schema
        self.summary.setText(describe_schema(schema))
        self.details_button.setVisible(schema is not None and not schema.drift.clean)

    def _fetched(self, refresh: SchemaRefresh) -> None:
        self.problem.clear_message()
        self._show(refresh.schema)
        news = "a new version" if refresh.new else "unchanged since the last fetch"
        self.message.emit(f"NCMEC's schema fetched: {news}.")
        self.schema_changed.emit()

    def _failed(self, problem: BaseException) -> None:
        if isinstance(problem, EvidenceDeskError):
            self.problem.show_message(problem.message)
