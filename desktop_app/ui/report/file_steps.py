"""The report editor's steps on its files: add them from the queue, take them out, and their viewed flags.

Each is a draft edit, so the usual recheck and autosave follow. A file's "viewed by the ESP" flag
follows the custody log (was the item revealed?); setting it against the log asks for a reason
first, and a save that brought flags in line with the log (a reveal since loading) is taken over
here. ``FileSteps`` works on the editor's state through ``FilesState``, which
``ReportEditorController`` satisfies; it never imports the controller.
"""

from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.cybertipline.model import DraftFile
from desktop_app.core.domain.items import Item
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.services.report_building import file_viewed, fill_reported_user, set_file_viewed
from desktop_app.core.services.reports import ReportRecord, ReportService, SaveResult
from desktop_app.ui.report.dialogs import QueuePickerDialog, ViewedReasonDialog
from desktop_app.ui.report.files_page import FilesPage
from desktop_app.ui.report.sections import FILES_KEY
from desktop_app.ui.worker import WorkerPool


def read_files(service: ReportService, item_ids: list[str], record: ReportRecord) -> tuple[list[Item], list[DraftFile]]:
    """Runs in the worker: the items to add (those not in ``record`` yet) and their files, matches recorded."""
    items = service.files_for_items(item_ids, record)
    return items, service.draft_files(items)


class FilesView(Protocol):
    """The parts of the editor these steps update."""

    files_page: FilesPage

    def rebuild(self, keys: list[str] | None = None) -> None: ...  # noqa: D102 - the widget documents it
    def show_section(self, key: str) -> None: ...  # noqa: D102


class FilesState(Protocol):
    """What the steps need of the editor's controller."""

    logged: dict[str, bool]

    @property
    def record(self) -> ReportRecord | None: ...  # noqa: D102

    def changed(self) -> None: ...  # noqa: D102


class FileSteps(QObject):
    """The files of one report being edited.

    Args:
        state: The editor's controller (the record, the log's viewed flags, ``changed``).
        view: The editor widget.
        service: The report service.
        pool: Reads the items to add.
        widget: The editor as a QWidget: the parent of these steps and of their dialogs.
    """

    def __init__(
        self, state: FilesState, view: FilesView, service: ReportService, pool: WorkerPool, widget: QWidget
    ) -> None:
        super().__init__(widget)
        self._state, self._view, self._service, self._pool, self._widget = state, view, service, pool, widget
        self.viewed_dialog: ViewedReasonDialog | None = None
        self.picker: QueuePickerDialog | None = None
        view.files_page.add_requested.connect(self.open_queue_picker)
        view.files_page.viewed_toggled.connect(self._viewed_toggled)
        view.files_page.remove_requested.connect(self.remove_file)

    @property
    def _record(self) -> ReportRecord:
        record = self._state.record
        assert record is not None  # the files page has nothing to act on before the report loaded
        return record

    def open_queue_picker(self) -> QueuePickerDialog:
        """Let the reviewer choose queue items to add."""
        present = {entry.item_id for entry in self._record.draft.files if entry.item_id}
        picker = QueuePickerDialog(self._service, self._pool, present, self._widget)
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
        if not item_ids or self._state.record is None:
            return
        worker = self._pool.run(read_files, self._service, item_ids, self._record.copy(), context=self)
        worker.result.connect(self._items_arrived)
        worker.error.connect(self._failed)

    def _items_arrived(self, read: tuple[list[Item], list[DraftFile]]) -> None:
        record = self._record
        present = {entry.item_id for entry in record.draft.files}
        fresh = [(item, entry) for item, entry in zip(*read, strict=True) if item.item_id not in present]
        for item, entry in fresh:
            record.draft.files.append(entry)  # with its hash-list matches, from the service
            self._state.logged[item.item_id] = item.viewed
        pages = [FILES_KEY]
        if fill_reported_user(record.draft.report, [item for item, _ in fresh]):
            pages.append("reported")
        self._view.rebuild(pages)
        self._view.show_section(FILES_KEY)
        self._state.changed()

    def remove_file(self, index: int) -> None:
        """Take a file out of the report (its item stays in the queue)."""
        entry = self._record.draft.files.pop(index)
        if entry.item_id is not None:
            self._record.overrides.pop(entry.item_id, None)
        self._view.rebuild([FILES_KEY])
        self._state.changed()

    def _viewed_toggled(self, index: int, viewed: bool) -> None:
        entry = self._record.draft.files[index]
        logged = self._state.logged.get(entry.item_id) if entry.item_id else None
        if logged is None or viewed == logged:
            self.set_file_viewed(index, viewed)
            return
        name = entry.details.text("originalFileName") or f"file {index + 1}"
        dialog = ViewedReasonDialog(name, viewed, self._widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._viewed_dialog_closed)
        dialog.accepted.connect(lambda: self.set_file_viewed(index, viewed, dialog.reason))
        dialog.rejected.connect(lambda: self._view.rebuild([FILES_KEY]))  # back to what the report says
        self.viewed_dialog = dialog
        dialog.open()

    def _viewed_dialog_closed(self) -> None:
        self.viewed_dialog = None

    def set_file_viewed(self, index: int, viewed: bool, reason: str = "") -> None:
        """Set the flag; ``ViewedOverrideReasonRequired`` if it departs from the log without a reason."""
        entry = self._record.draft.files[index]
        logged = self._state.logged.get(entry.item_id, viewed) if entry.item_id else viewed
        set_file_viewed(self._record, index, viewed, reason, logged)
        self._view.rebuild([FILES_KEY])
        self._view.files_page.cards[index].viewed_box.setFocus()
        self._state.changed()

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
                self._state.logged[stored.item_id] = file_viewed(stored)
            changed = True
        if changed:
            self._view.rebuild([FILES_KEY])

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):  # anything else already went to the crash handler
            QMessageBox.warning(self._widget, "Report", exc.message)
