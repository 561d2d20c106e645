"""The two questions a submission asks: "send this real report?" and "stop and retract it?".

Both are small window-modal dialogs opened with ``open()`` (never a nested event loop), so the
submission dialog stays responsive and tests answer them by clicking their buttons. The safe
answer is the default button in both: going back, and keeping the submission going.
"""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.submission import SubmissionPlan
from desktop_app.ui.submission.environment import EnvironmentBandWidget
from desktop_app.ui.submission.steps import size_words


def _files(count: int) -> str:
    return "no files (a text-only report)" if count == 0 else f"{count} file{'s' if count != 1 else ''}"


class ProductionConfirmDialog(QDialog):
    """Names the report, its file count and NCMEC's production address before anything is sent."""

    def __init__(self, plan: SubmissionPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send to NCMEC production?")
        self.setMinimumWidth(520)
        band = EnvironmentBandWidget(plan.environment)
        title = QLabel("Send a real CyberTipline report?")
        title.setProperty("role", "title")
        size = f", {size_words(plan.total_bytes)}" if plan.total_bytes else ""
        # The plan names a known address by its name; here the reviewer sees the address itself.
        address = plan.endpoint if "://" in plan.endpoint else (plan.environment.base_url or plan.endpoint)
        text = QLabel(
            f"<p>Report <b>{_escape(plan.title)}</b> (<code>{plan.report_id[:8]}</code>) with "
            f"<b>{_files(plan.file_count)}</b>{size} goes to NCMEC's production CyberTipline at "
            f"{_escape(address)}.</p>"
            "<p>Once NCMEC has finished it, it cannot be amended or withdrawn, and the law's one-year "
            "preservation period for its contents begins.</p>"
        )
        text.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton("Send to NCMEC production", QDialogButtonBox.ButtonRole.AcceptRole)
        self.back_button = self.buttons.addButton("Go back", QDialogButtonBox.ButtonRole.RejectRole)
        self.back_button.setDefault(True)
        self.back_button.setFocus()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(12)
        for widget in (band, title, text, self.buttons):
            layout.addWidget(widget)


class RetractConfirmDialog(QDialog):
    """Stopping after NCMEC opened the report means retracting it: say so, and what that does."""

    def __init__(self, report_title: str, ncmec_report_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stop and retract?")
        self.setMinimumWidth(480)
        number = f" as report {ncmec_report_id}" if ncmec_report_id else ""
        text = QLabel(
            f"<p>NCMEC has opened <b>{_escape(report_title)}</b>{number}. Stopping now retracts it: NCMEC "
            "discards the report and the files uploaded so far, and nothing is filed.</p>"
            "<p>You can submit the report again later. To keep it, choose <i>Keep going</i>.</p>"
        )
        text.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.retract_button = self.buttons.addButton("Stop and retract", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = self.buttons.addButton("Keep going", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(text)
        layout.addWidget(self.buttons)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
