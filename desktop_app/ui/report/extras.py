"""Helpers shown on top of two sections: the reporter profile bar, and earlier reports to cite.

``ProfileBar`` (Reporter page) fills the reporter part from the saved, encrypted profile or saves
it as the profile for new reports. ``PriorReportsBox`` (Reported user page) offers the NCMEC ids of
this workspace's earlier reports about the same account, for ``priorCTReports``.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.services.reports import PriorReport


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
