"""What the reviewer does in the report editor beyond typing: files, flags, profile, citations, NCMEC's id.

Kept apart from the editor's layout. Each action changes the editor's in-memory record (reading
from the workspace through the worker pool where it must) and then tells the editor it changed,
so the usual recheck and autosave follow; the custody events come from that save. Saving the
reporter profile and recording NCMEC's report id are not draft edits: the service stores them, and
logs them, at once.
"""

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.cybertipline.model import DraftFile, Node
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError, NcmecReportIdInvalid
from desktop_app.core.services.report_building import (
    file_viewed,
    fill_reported_user,
    ncmec_report_id_from_text,
    set_file_viewed,
)
from desktop_app.core.services.reports import PriorReport, ReportService, SaveResult
from desktop_app.core.storage.reports import ReportRecord
from desktop_app.ui.report.dialogs import QueuePickerDialog, ViewedReasonDialog
from desktop_app.ui.report.sections import FILES_KEY

if TYPE_CHECKING:
    from desktop_app.ui.report.editor import ReportEditorWidget


def _read_files(
    service: ReportService, item_ids: list[str], record: ReportRecord
) -> tuple[list[Item], list[DraftFile]]:
    """Worker: the items to add (those not in ``record`` yet) and their files, matches recorded."""
    items = service.files_for_items(item_ids, record)
    return items, service.draft_files(items)


class EditorActions:
    """The editor's actions (see the module docstring)."""

    def __init__(self, editor: "ReportEditorWidget") -> None:
        self.editor = editor
        self.viewed_dialog: ViewedReasonDialog | None = None
        self.picker: QueuePickerDialog | None = None
        editor.files_page.add_requested.connect(self.open_queue_picker)
        editor.files_page.viewed_toggled.connect(self._viewed_toggled)
        editor.files_page.remove_requested.connect(self.remove_file)
        editor.profile_bar.use_requested.connect(self.use_profile)
        editor.profile_bar.save_requested.connect(self.save_profile)
        editor.prior_box.cite_requested.connect(self.cite)
        editor.ncmec_bar.record_requested.connect(self.record_ncmec_report_id)

    @property
    def _record(self) -> Any:
        return self.editor.record

    def _message(self, text: str) -> None:
        self.editor.save_status.setText(text)

    # -- files -----------------------------------------------------------------------------------

    def open_queue_picker(self) -> QueuePickerDialog:
        """Let the reviewer choose queue items to add."""
        present = {entry.item_id for entry in self._record.draft.files if entry.item_id}
        picker = QueuePickerDialog(self.editor.service, self.editor.pool, present, self.editor)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.chosen.connect(self.add_items)
        picker.finished.connect(self._picker_closed)
        self.picker = picker
        picker.open()
        return picker

    def _picker_closed(self) -> None:
        self.picker = None

    def add_items(self, item_ids: list[str]) -> None:
        """Read the items in a worker, then add them as files."""
        if not item_ids or self._record is None:
            return
        worker = self.editor.pool.run(
            _read_files, self.editor.service, item_ids, self._record.copy(), context=self.editor
        )
        worker.result.connect(self._items_arrived)
        worker.error.connect(self._failed)

    def _items_arrived(self, read: tuple[list[Item], list[DraftFile]]) -> None:
        record = self._record
        present = {entry.item_id for entry in record.draft.files}
        fresh = [(item, entry) for item, entry in zip(*read, strict=True) if item.item_id not in present]
        for item, entry in fresh:
            record.draft.files.append(entry)  # with its hash-list matches, from the service
            self.editor.logged[item.item_id] = item.viewed
        pages = [FILES_KEY]
        if fill_reported_user(record.draft.report, [item for item, _ in fresh]):
            pages.append("reported")
        self.editor.rebuild(pages)
        self.editor.show_section(FILES_KEY)
        self.editor.changed()

    def remove_file(self, index: int) -> None:
        """Take a file out of the report (its item stays in the queue)."""
        entry = self._record.draft.files.pop(index)
        if entry.item_id is not None:
            self._record.overrides.pop(entry.item_id, None)
        self.editor.rebuild([FILES_KEY])
        self.editor.changed()

    def _viewed_toggled(self, index: int, viewed: bool) -> None:
        entry = self._record.draft.files[index]
        logged = self.editor.logged.get(entry.item_id) if entry.item_id else None
        if logged is None or viewed == logged:
            self.set_file_viewed(index, viewed)
            return
        name = entry.details.text("originalFileName") or f"file {index + 1}"
        dialog = ViewedReasonDialog(name, viewed, self.editor)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._viewed_dialog_closed)
        dialog.accepted.connect(lambda: self.set_file_viewed(index, viewed, dialog.reason))
        dialog.rejected.connect(lambda: self.editor.rebuild([FILES_KEY]))  # back to what the report says
        self.viewed_dialog = dialog
        dialog.open()

    def _viewed_dialog_closed(self) -> None:
        self.viewed_dialog = None

    def set_file_viewed(self, index: int, viewed: bool, reason: str = "") -> None:
        """Set the flag; ``ViewedOverrideReasonRequired`` if it departs from the log without a reason."""
        entry = self._record.draft.files[index]
        logged = self.editor.logged.get(entry.item_id, viewed) if entry.item_id else viewed
        set_file_viewed(self._record, index, viewed, reason, logged)
        self.editor.rebuild([FILES_KEY])
        self.editor.files_page.cards[index].viewed_box.setFocus()
        self.editor.changed()

    def apply_synced(self, result: SaveResult) -> None:
        """Take over viewed flags the save brought in line with the log (a reveal since loading)."""
        changed = False
        for index in result.synced_files:
            stored = result.record.draft.files[index] if index < len(result.record.draft.files) else None
            files = self._record.draft.files
            if stored is None or index >= len(files) or files[index].item_id != stored.item_id:
                continue
            files[index].details.set("fileViewedByEsp", file_viewed(stored))
            if stored.item_id is not None and stored.item_id not in self._record.overrides:
                self.editor.logged[stored.item_id] = file_viewed(stored)
            changed = True
        if changed:
            self.editor.rebuild([FILES_KEY])

    # -- profile and citations ---------------------------------------------------------------------

    def use_profile(self) -> None:
        """Replace the reporter part with the saved profile."""
        worker = self.editor.pool.run(self.editor.service.reporter_profile, context=self.editor)
        worker.result.connect(self._profile_arrived)
        worker.error.connect(self._failed)

    def _profile_arrived(self, profile: Node | None) -> None:
        if profile is None:
            self.editor.profile_bar.show_status("No profile saved yet: fill in this section and save it.")
            return
        report = self._record.draft.report
        report.remove("reporter")
        report.append(profile)
        self.editor.rebuild(["reporter"])
        self.editor.profile_bar.show_status("Filled from your saved profile.")
        self.editor.changed()

    def save_profile(self) -> None:
        """Keep the reporter part as the profile for new reports."""
        reporter = self._record.draft.report.get("reporter")
        if reporter is None:
            return
        worker = self.editor.pool.run(self.editor.service.save_reporter_profile, reporter.copy(), context=self.editor)
        worker.result.connect(self._profile_saved)
        worker.error.connect(self._failed)

    def _profile_saved(self, _: object) -> None:
        self.editor.profile_bar.show_status("Saved as your reporter profile.")

    def cite(self, offer: PriorReport) -> None:
        """Add an earlier report's NCMEC id to the reported user's prior reports."""
        persons = self._record.draft.report.all("personOrUserReported")
        if offer.person_index >= len(persons):
            return
        persons[offer.person_index].add("priorCTReports", offer.ncmec_report_id)
        self.editor.rebuild(["reported"])
        self.editor.prior_box.show_offers([])
        self.editor.changed()

    # -- NCMEC's report id ------------------------------------------------------------------------------

    def record_ncmec_report_id(self, text: str) -> None:
        """Check the typed id now; record it in a worker (a custody event), then show it."""
        bar = self.editor.ncmec_bar
        try:
            number = ncmec_report_id_from_text(text)
        except NcmecReportIdInvalid as problem:
            bar.show_problem(problem.message)
            return
        worker = self.editor.pool.run(
            self.editor.service.record_ncmec_report_id, self.editor.report_id, number, context=self.editor
        )
        worker.result.connect(self._ncmec_id_recorded)
        worker.error.connect(self._ncmec_id_failed)

    def _ncmec_id_failed(self, exc: BaseException) -> None:
        # Anything but an expected error already went to the crash handler; the button comes back either way.
        self.editor.ncmec_bar.show_problem(exc.message if isinstance(exc, EvidenceDeskError) else "")

    def _ncmec_id_recorded(self, stored: ReportRecord) -> None:
        record, number = self._record, stored.ncmec_report_id
        if record is None or number is None:
            return
        previous = record.ncmec_report_id
        record.ncmec_report_id = number  # the draft's own copy: later autosaves keep the stored one anyway
        known = self.editor.known_ids - ({previous} if previous is not None else set())
        self.editor.known_ids = known | {number}
        self.editor.ncmec_bar.show_recorded(
            number, "Recorded. Later reports about the same account will offer to cite it."
        )
        self.editor.refresh_findings()  # the file details now carry NCMEC's id
        self.editor.ncmec_id_recorded.emit(stored)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):  # anything else already went to the crash handler
            QMessageBox.warning(self.editor, "Report", exc.message)
