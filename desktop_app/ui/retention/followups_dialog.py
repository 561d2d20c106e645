"""A report's follow-up timeline (or a reported account's, across its reports), and adding to it.

NCMEC tells a desk nothing per report; what law enforcement asked, what legal process came and
what the desk did is only known if it is written down here. Each entry is a custody event.
"""

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.followups import FollowUp, FollowUpKind
from desktop_app.core.services.followups import FollowUpService
from desktop_app.ui.retention.action_dialog import ActionDialog
from desktop_app.ui.worker import WorkerPool

KIND_LABELS = {
    FollowUpKind.LAW_ENFORCEMENT_CONTACT: "Law-enforcement contact",
    FollowUpKind.PRESERVATION_REQUEST: "Preservation request",
    FollowUpKind.LEGAL_PROCESS: "Legal process received",
    FollowUpKind.INFORMATION_RECEIVED: "Information sent back (NCMEC or an agency)",
    FollowUpKind.ACCOUNT_SUSPENDED: "Desk: account suspended",
    FollowUpKind.CONTENT_REMOVED: "Desk: content removed",
    FollowUpKind.APPEAL: "Desk: appeal",
    FollowUpKind.OTHER: "Other",
}
COLUMNS = ("When", "Report", "What", "From", "Reference", "Note")


class FollowUpTimelineDialog(ActionDialog):
    """The timeline, oldest first; for a report, a form below it records a new follow-up."""

    def __init__(
        self,
        followups: FollowUpService,
        pool: WorkerPool,
        report_id: str | None = None,
        account: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        subject = f"report {report_id[:8]}" if report_id else f"account {account}"
        super().__init__(
            f"Follow-ups of {subject}",
            "What happened after the report: contacts, requests and legal process received, information sent "
            "back, and the desk's own actions. Each entry is kept in the custody log.",
            "Record follow-up",
            pool,
            parent,
        )
        self._followups = followups
        self.report_id = report_id
        self.account = account
        self.timeline = QTableWidget(0, len(COLUMNS))
        self.timeline.setHorizontalHeaderLabels(COLUMNS)
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.timeline.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.setColumnHidden(1, report_id is not None)
        self.body.insertWidget(self.body.indexOf(self.intro) + 1, self.timeline, 1)
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.when = QDateTimeEdit(QDateTime.currentDateTimeUtc())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.when.setTimeZone(QTimeZone.utc())
        self.counterpart = QLineEdit()
        self.counterpart.setPlaceholderText("who it came from: the agency, NCMEC, a court (required if received)")
        self.reference = QLineEdit()
        self.note = QLineEdit()
        adding = QGroupBox("Add a follow-up")
        self.body.removeItem(self.form)  # the form moves into the "Add a follow-up" box
        self.form.setParent(None)
        inner = QVBoxLayout(adding)
        inner.addLayout(self.form)
        self.body.insertWidget(self.body.indexOf(self.message), adding)
        self.form.addRow("What", self.kind)
        self.form.addRow("When", self.when)
        self.form.addRow("From", self.counterpart)
        self.form.addRow("Reference", self.reference)
        self.form.addRow("Note", self.note)
        adding.setVisible(report_id is not None)
        for index in range(self.body.count()):  # the timeline takes the spare height, not the empty stretch
            item = self.body.itemAt(index)
            if item is not None and item.spacerItem() is not None:
                self.body.setStretch(index, 0)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Close")
        self.ok_button.setVisible(report_id is not None)
        self.setMinimumSize(760, 560)
        self.reload()

    def reload(self) -> None:
        """Read the timeline again."""
        if self.report_id is not None:
            worker = self.pool.run(self._followups.timeline, self.report_id, context=self)
        else:
            worker = self.pool.run(self._followups.account_timeline, self.account or "", context=self)
        worker.result.connect(self._show)
        worker.error.connect(self._refused)

    def _show(self, entries: list[FollowUp]) -> None:
        self.timeline.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (
                f"{entry.occurred_at:%Y-%m-%d %H:%M}",
                entry.report_id[:8],
                KIND_LABELS.get(entry.kind, str(entry.kind)),
                entry.counterpart,
                entry.reference,
                entry.note,
            )
            for column, text in enumerate(cells):
                self.timeline.setItem(row, column, QTableWidgetItem(text))

    def submit(self) -> None:
        """Record the follow-up the form describes; the timeline shows it and the dialog stays open."""
        if self.report_id is None:
            return
        occurred = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), UTC)
        self.run(
            self._followups.record,
            self.report_id,
            FollowUpKind(self.kind.currentData()),  # Qt hands the enum back as its string value
            occurred_at=occurred,
            counterpart=self.counterpart.text(),
            reference=self.reference.text(),
            note=self.note.text(),
        )

    def _done(self, outcome: object) -> None:
        self.outcome = outcome
        self.succeeded.emit(outcome)
        for edit in (self.counterpart, self.reference, self.note):
            edit.clear()
        self.reload()
