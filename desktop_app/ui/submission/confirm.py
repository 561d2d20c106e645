"""The questions a submission asks: "send this real report?", "stop and retract it?", "send it again?".

All are small window-modal dialogs opened with ``open()`` (never a nested event loop), so the
submission dialog stays responsive and tests answer them by clicking their buttons. The safe
answer is the default button in each: going back, keeping the submission going, not now.
"""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import SubmissionPlan
from desktop_app.ui.submission.environment import EnvironmentBandWidget
from desktop_app.ui.submission.steps import size_words
from desktop_app.ui.submission.texts import escape


def _files(count: int) -> str:
    return "no files (a text-only report)" if count == 0 else plural(count, "file")


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
            f"<p>Report <b>{escape(plan.title)}</b> (<code>{plan.report_id[:8]}</code>) with "
            f"<b>{_files(plan.file_count)}</b>{size} goes to NCMEC's production CyberTipline at "
            f"{escape(address)}.</p>"
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
            f"<p>NCMEC has opened <b>{escape(report_title)}</b>{number}. Stopping now retracts it: NCMEC "
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


class SendAgainConfirmDialog(QDialog):
    """After a submit whose answer never came: NCMEC may hold the report, unfinished, under an id we never learned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send the report again?")
        self.setMinimumWidth(480)
        text = QLabel(
            "<p>The answer to the last attempt never arrived, so NCMEC may have opened the report without telling "
            "us its number. Such a report cannot be finished or withdrawn: NCMEC discards it unfinished 24 hours "
            "after it was opened, and nothing in it is filed.</p>"
            "<p>Sending again records this decision in the custody log and submits the report afresh.</p>"
        )
        text.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton("Set it aside and send again", QDialogButtonBox.ButtonRole.AcceptRole)
        self.back_button = self.buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        self.back_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(text)
        layout.addWidget(self.buttons)
