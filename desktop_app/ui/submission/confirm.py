"""The questions a submission asks: "send this real report?", "stop and retract it?", "send it again?".

All are small window-modal dialogs opened with ``open()`` (never a nested event loop), so the
submission dialog stays responsive and tests answer them by clicking their buttons. The safe
answer is the default button in each: going back, keeping the submission going, not now.
"""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.submission import SubmissionPlan
from desktop_app.ui.submission.environment import EnvironmentBandWidget
from desktop_app.ui.submission.steps import size_words
from desktop_app.ui.submission.texts import escape


def _files(count: int) -> str:
    return "no files (a text-only report)" if count == 0 else plural(count, "file")


class _SafeDefaultQuestion(QDialog):
    """A question with an accepting and a safe button; the safe one is the default."""

    def __init__(self, title: str, width: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.buttons = QDialogButtonBox()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _answers(self, accept_label: str, safe_label: str) -> tuple[QPushButton, QPushButton]:
        accept = self.buttons.addButton(accept_label, QDialogButtonBox.ButtonRole.AcceptRole)
        safe = self.buttons.addButton(safe_label, QDialogButtonBox.ButtonRole.RejectRole)
        safe.setDefault(True)
        safe.setFocus()
        return accept, safe

    def _lay_out(self, *widgets: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(12)
        for widget in (*widgets, self.buttons):
            layout.addWidget(widget)


def _paragraphs(html: str) -> QLabel:
    text = QLabel(html)
    text.setWordWrap(True)
    return text


class ProductionConfirmDialog(_SafeDefaultQuestion):
    """Names the report, its file count and NCMEC's production address before anything is sent."""

    def __init__(self, plan: SubmissionPlan, parent: QWidget | None = None) -> None:
        super().__init__("Send to NCMEC production?", 520, parent)
        band = EnvironmentBandWidget(plan.environment)
        title = QLabel("Send a real CyberTipline report?")
        title.setProperty("role", "title")
        size = f", {size_words(plan.total_bytes)}" if plan.total_bytes else ""
        # The plan names a known address by its name; here the reviewer sees the address itself.
        address = plan.endpoint if "://" in plan.endpoint else (plan.environment.base_url or plan.endpoint)
        text = _paragraphs(
            f"<p>Report <b>{escape(plan.title)}</b> (<code>{plan.report_id[:8]}</code>) with "
            f"<b>{_files(plan.file_count)}</b>{size} goes to NCMEC's production CyberTipline at "
            f"{escape(address)}.</p>"
            "<p>Once NCMEC has finished it, it cannot be amended or withdrawn, and the law's one-year "
            "preservation period for its contents begins.</p>"
        )
        self.send_button, self.back_button = self._answers("Send to NCMEC production", "Go back")
        self._lay_out(band, title, text)


class RetractConfirmDialog(_SafeDefaultQuestion):
    """Stopping after NCMEC opened the report means retracting it: say so, and what that does."""

    def __init__(self, report_title: str, ncmec_report_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__("Stop and retract?", 480, parent)
        number = f" as report {ncmec_report_id}" if ncmec_report_id else ""
        text = _paragraphs(
            f"<p>NCMEC has opened <b>{escape(report_title)}</b>{number}. Stopping now retracts it: NCMEC "
            "discards the report and the files uploaded so far, and nothing is filed.</p>"
            "<p>You can submit the report again later. To keep it, choose <i>Keep going</i>.</p>"
        )
        self.retract_button, self.keep_button = self._answers("Stop and retract", "Keep going")
        self._lay_out(text)


class SendAgainConfirmDialog(_SafeDefaultQuestion):
    """After a submit whose answer never came: NCMEC may hold the report, unfinished, under an id we never learned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Send the report again?", 480, parent)
        text = _paragraphs(
            "<p>The answer to the last attempt never arrived, so NCMEC may have opened the report without telling "
            "us its number. Such a report cannot be finished or withdrawn: NCMEC discards it unfinished 24 hours "
            "after it was opened, and nothing in it is filed.</p>"
            "<p>Sending again records this decision in the custody log and submits the report afresh.</p>"
        )
        self.send_button, self.back_button = self._answers("Set it aside and send again", "Not now")
        self._lay_out(text)
