"""Placing, renewing and releasing a hold: the three dialogs over ``HoldService``.

Each says what the law asks of the hold it is about (a 2703(f) request needs its requester and
reference and runs 90 days; an (h)(5) extension needs its purpose; releasing needs a reason) and
leaves the rule itself to the core service, whose refusal is shown inline.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.core.domain.holds import REQUEST_PERIOD, Hold, HoldSource
from desktop_app.core.services.holds import HoldService
from desktop_app.ui.retention.action_dialog import ActionDialog, date_field, picked_date, start_of_day
from desktop_app.ui.worker import WorkerPool

PLACEABLE = (HoldSource.REQUEST_2703F, HoldSource.VOLUNTARY, HoldSource.LITIGATION, HoldSource.OTHER)


def _ids(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def hold_label(hold: Hold) -> str:
    """One line naming a hold in a chooser."""
    until = f"until {hold.ends_at:%Y-%m-%d}" if hold.ends_at else "until released"
    return f"{hold.hold_id[:8]} — {hold.why} ({until})"


class PlaceHoldDialog(ActionDialog):
    """A new hold on a report's items (with context items) or on chosen items."""

    def __init__(
        self,
        holds: HoldService,
        pool: WorkerPool,
        report_id: str = "",
        item_ids: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Place a hold",
            "A hold keeps evidence past its automatic year. Every hold is a custody event; nothing held can be "
            "destroyed until the hold ends or is released with a reason.",
            "Place hold",
            pool,
            parent,
        )
        self._holds = holds
        today = datetime.now(UTC).date()
        self.source = QComboBox()
        for source in PLACEABLE:
            self.source.addItem(source.label, source)
        self.report = QLineEdit(report_id)
        self.report.setPlaceholderText("report id: holds all its files")
        self.items = QLineEdit(" ".join(item_ids))
        self.items.setPlaceholderText("item ids, separated by spaces")
        self.context = QLineEdit()
        self.context.setPlaceholderText("(h)(2) context items, separated by spaces")
        self.starts = date_field(today)
        self.ends = date_field(today + REQUEST_PERIOD)
        self.no_end = QCheckBox("Until released")
        self.no_end.toggled.connect(lambda on: self.ends.setEnabled(not on))
        self.requester = QLineEdit()
        self.requester.setPlaceholderText("the requesting agency")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("their request or case reference")
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("why the provider keeps it longer")
        self.note = QLineEdit()
        self.form.addRow("Source", self.source)
        self.form.addRow("Report", self.report)
        self.form.addRow("Items", self.items)
        self.form.addRow("Context items", self.context)
        self.form.addRow("Request date", self.starts)
        self.form.addRow("Ends on", self.ends)
        self.form.addRow("", self.no_end)
        self.form.addRow("Requester", self.requester)
        self.form.addRow("Reference", self.reference)
        self.form.addRow("Purpose", self.purpose)
        self.form.addRow("Note", self.note)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.starts.dateChanged.connect(self._source_changed)
        self._source_changed()

    def chosen_source(self) -> HoldSource:
        """The source chosen (Qt hands the enum back as its plain string value)."""
        return HoldSource(self.source.currentData())

    def _source_changed(self) -> None:
        source = self.chosen_source()
        request = source is HoldSource.REQUEST_2703F
        self.form.setRowVisible(self.starts, request)
        self.form.setRowVisible(self.requester, request)
        self.form.setRowVisible(self.purpose, source is HoldSource.VOLUNTARY)
        self.form.setRowVisible(self.no_end, source in (HoldSource.LITIGATION, HoldSource.OTHER))
        self.ends.setEnabled(not request and not self.no_end.isChecked())
        if request:
            self.ends.setDate(self.starts.date().addDays(REQUEST_PERIOD.days))

    def submit(self) -> None:
        """Place the hold as the form describes it."""
        source = self.chosen_source()
        request = source is HoldSource.REQUEST_2703F
        indefinite = self.no_end.isChecked() and source in (HoldSource.LITIGATION, HoldSource.OTHER)
        self.run(
            self._holds.place,
            source,
            report_id=self.report.text().strip() or None,
            items=_ids(self.items.text()),
            context_items=_ids(self.context.text()),
            starts_at=start_of_day(picked_date(self.starts)) if request else None,
            ends_at=None if request or indefinite else start_of_day(picked_date(self.ends)),
            purpose=self.purpose.text(),
            requester=self.requester.text(),
            reference=self.reference.text(),
            note=self.note.text(),
        )


class _ChosenHoldDialog(ActionDialog):
    """A dialog about one of several active holds (those of the row chosen in the retention view)."""

    def __init__(
        self, title: str, intro: str, ok: str, holds: Sequence[Hold], pool: WorkerPool, parent: QWidget | None
    ):
        super().__init__(title, intro, ok, pool, parent)
        self.hold = QComboBox()
        for hold in holds:
            self.hold.addItem(hold_label(hold), hold)
        self.form.addRow("Hold", self.hold)
        self.ok_button.setEnabled(bool(holds))

    def chosen(self) -> Hold:
        """The hold chosen."""
        hold: Hold = self.hold.currentData()
        return hold


class RenewHoldDialog(_ChosenHoldDialog):
    """Extend an active hold: a 2703(f) hold by 90 days per renewed request, others to a new end."""

    def __init__(self, service: HoldService, holds: Sequence[Hold], pool: WorkerPool, parent: QWidget | None = None):
        super().__init__(
            "Renew a hold",
            "A 2703(f) preservation runs 90 more days for each renewed request; give that request's reference. "
            "Other holds move to the new end you choose.",
            "Renew",
            holds,
            pool,
            parent,
        )
        self._service = service
        self.until = date_field(datetime.now(UTC).date() + timedelta(days=90))
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("the renewed request's reference")
        self.form.addRow("New end", self.until)
        self.form.addRow("Reference", self.reference)
        self.hold.currentIndexChanged.connect(self._hold_changed)
        self._hold_changed()

    def _hold_changed(self) -> None:
        hold = self.chosen() if self.hold.count() else None
        request = hold is not None and hold.source is HoldSource.REQUEST_2703F
        self.until.setEnabled(not request)
        if hold is not None and hold.ends_at is not None:
            later = (hold.ends_at + REQUEST_PERIOD).date()
            self.until.setDate(QDate(later.year, later.month, later.day))

    def submit(self) -> None:
        """Renew the chosen hold."""
        hold = self.chosen()
        until = None if hold.source is HoldSource.REQUEST_2703F else start_of_day(picked_date(self.until))
        self.run(self._service.renew, hold.hold_id, until=until, reference=self.reference.text())


class ReleaseHoldDialog(_ChosenHoldDialog):
    """Release an active hold early; the reason is required and kept in the custody log."""

    def __init__(self, service: HoldService, holds: Sequence[Hold], pool: WorkerPool, parent: QWidget | None = None):
        super().__init__(
            "Release a hold",
            "Releasing ends the hold now. Say why: the request was withdrawn, the case closed. The reason is kept "
            "in the custody log. A finished report's one-year hold cannot be released.",
            "Release",
            holds,
            pool,
            parent,
        )
        self._service = service
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("why the hold is released (required)")
        self.reason.setFixedHeight(72)
        self.reason.textChanged.connect(self._reason_changed)
        self.form.addRow("Reason", self.reason)
        self._reason_changed()

    def _reason_changed(self) -> None:
        self.ok_button.setEnabled(bool(self.reason.toPlainText().strip()) and self.hold.count() > 0)

    def submit(self) -> None:
        """Release the chosen hold with the reason given."""
        self.run(self._service.release, self.chosen().hold_id, self.reason.toPlainText())
