"""Helpers around the form: the reporter profile bar, earlier reports to cite, NCMEC's report id.

``ProfileBar`` (Reporter page) fills the reporter part from the saved, encrypted profile or saves
it as the profile for new reports. ``PriorReportsBox`` (Reported user page) offers the NCMEC ids of
this workspace's earlier reports about the same account, for ``priorCTReports``.
``NcmecReportIdBar`` (the editor's header) records the id NCMEC gave this report once the reviewer
filed it (NCMEC's web form gives a CyberTipline report number): what makes those offers possible.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.services.reports import PriorReport
from desktop_app.ui.widgets.form_parts import InlineMessageLabel


class ProfileBar(QWidget):
    """Use or save the reporter profile. The editor does the work; this only asks."""

    use_requested = Signal()
    save_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.use_button = QPushButton("Fill from saved profile")
        self.use_button.setToolTip("Replace this section with your saved reporter profile.")
        self.use_button.clicked.connect(self.use_requested)
        self.save_button = QPushButton("Save as reporter profile")
        self.save_button.setToolTip(
            "Keep this section (submitter, contact, company statement, terms of service, legal URL), encrypted in "
            "the workspace, and start every new report with it."
        )
        self.save_button.clicked.connect(self.save_requested)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.use_button)
        layout.addWidget(self.save_button)
        layout.addWidget(self.status, 1)

    def show_status(self, text: str) -> None:
        """A line about the last profile action."""
        self.status.setText(text)


class PriorReportsBox(QFrame):
    """Earlier reports about an account this report names; ``cite_requested(PriorReport)`` on click."""

    cite_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(14, 10, 14, 10)
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_offers(self, offers: list[PriorReport]) -> None:
        """Offer the ones not yet cited; hidden when there are none."""
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        open_offers = [offer for offer in offers if not offer.cited]
        if not open_offers:
            self.hide()
            return
        title = QLabel("Earlier CyberTipline reports about this account")
        title.setProperty("role", "strong")
        hint = QLabel("From this workspace's history. Citing them links the reports for law enforcement.")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.layout_.addWidget(title)
        self.layout_.addWidget(hint)
        for offer in open_offers:
            button = QPushButton(f"Cite report {offer.ncmec_report_id} ({offer.account})")
            button.clicked.connect(lambda _=False, o=offer: self.cite_requested.emit(o))
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            self.layout_.addWidget(holder)
            self.buttons.append(button)
        self.show()


class NcmecReportIdBar(QWidget):
    """NCMEC's report id for this report: typed, then ``record_requested(str)``; the editor does the rest.

    ``message`` (why an id was refused, or that it was recorded) is laid out by the owner: a bar in
    a header row has no room for a wrapped sentence under it.
    """

    record_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.recorded: int | None = None
        explanation = (
            "The CyberTipline report number NCMEC gave this report once you filed it (for example through "
            "NCMEC's web form with the exported XML). Recording it lets later reports about the same account "
            "cite this one; it is kept in the custody log."
        )
        label = QLabel("NCMEC report ID")
        label.setProperty("role", "field-name")
        label.setToolTip(explanation)
        self.field = QLineEdit()
        self.field.setPlaceholderText("not recorded")
        self.field.setAccessibleName("NCMEC report ID for this report")
        self.field.setAccessibleDescription(explanation)
        self.field.setToolTip(explanation)
        self.field.setMaximumWidth(150)
        self.field.textEdited.connect(self._edited)
        self.field.returnPressed.connect(self._requested)
        label.setBuddy(self.field)
        self.record_button = QPushButton("Record")
        self.record_button.setToolTip("Keep this number as NCMEC's report id for this report.")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self._requested)
        self.message = InlineMessageLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.field)
        row.addWidget(self.record_button)

    def show_recorded(self, number: int | None, note: str = "") -> None:
        """Show the id on record (None: none yet) and, optionally, a line about it."""
        self.recorded = number
        self.field.setText("" if number is None else str(number))
        self.record_button.setEnabled(False)
        if note:
            self.message.show_message(note, "hint")
        else:
            self.message.clear_message()

    def show_problem(self, text: str) -> None:
        """Why the typed id was not recorded."""
        self.message.show_message(text)
        self.record_button.setEnabled(True)

    def _edited(self, text: str) -> None:
        self.message.clear_message()
        self.record_button.setEnabled(text.strip() != ("" if self.recorded is None else str(self.recorded)))

    def _requested(self) -> None:
        if self.record_button.isEnabled():
            self.record_button.setEnabled(False)  # until the workspace answers
            self.record_requested.emit(self.field.text())
