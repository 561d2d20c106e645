"""The Hash lists page: every list with its counts and activity, suppressions, importing, re-matching.

``ListsPage(hashlists, pool)`` reads the service on the worker pool; importing runs the core
generator (read, merge, seal, log) and then re-matches the queue, both on a worker, with
progress; *Re-match queue* re-matches alone. Either emits ``matches_changed`` when done, so the
queue re-reads its rows. ``clear()`` empties it when the workspace locks.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.hashlists import ListActivity, ListImportSummary, MatchRunSummary
from desktop_app.core.hashlists.errors import ListNotFound
from desktop_app.core.hashlists.readers import guess_format
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.services.hashlists import HashListService
from desktop_app.ui.lists.import_dialog import ListImportDialog
from desktop_app.ui.lists.lists_model import ListsModel
from desktop_app.ui.lists.settings_dialog import ListSettingsDialog
from desktop_app.ui.worker import Worker, WorkerPool

# Items matched per call into the lists' indexes while the window is up: their numpy steps hold the
# GIL, and the window waits for each (match_queue_bench.py; the command line uses bigger batches).
UI_QUERY_BATCH = 32


class ListsPage(QWidget):
    """The lists, their counts and the workspace's suppressions."""

    message = Signal(str)
    matches_changed = Signal()  # the queue was re-matched (after an import, or on request)
    lists_read = Signal(list)  # (list id, name) of every list, whenever the page reads them
    cleared = Signal()  # the workspace locked: nothing decrypted is shown

    def __init__(self, hashlists: HashListService, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = hashlists
        self._pool = pool
        self.model = ListsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.import_button = QPushButton("Import list…")
        self.import_button.setProperty("role", "primary")
        self.import_button.clicked.connect(self.choose_file)
        self.settings_button = QPushButton("List settings…")
        self.settings_button.setToolTip("Source, licence note, PDQ threshold and whether the chosen list is used")
        self.settings_button.clicked.connect(lambda: self.open_settings_dialog())
        self.rematch_button = QPushButton("Re-match queue")
        self.rematch_button.setToolTip("Match every queue item against the enabled lists again (on a worker)")
        self.rematch_button.clicked.connect(lambda: self.rematch())
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.suppressed = QListWidget()
        top = QHBoxLayout()
        title = QLabel("Hash lists")
        title.setProperty("role", "title")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.settings_button)
        top.addWidget(self.rematch_button)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("Not a match / suppressed entries (with the reviewer's reason)"))
        layout.addWidget(self.suppressed, 1)

    def reload(self) -> None:
        """Read the lists again (on a worker)."""
        worker = self._pool.run(self._read, context=self)
        worker.result.connect(self._show)

    def _read(self) -> tuple[list[Any], list[dict[str, object]], dict[str, ListActivity]]:
        rows = [(s, c, len(self._service.imports(s.list_id))) for s, c in self._service.lists()]
        return rows, self._service.suppressions(), self._service.activity()

    def _show(self, read: tuple[list[Any], list[dict[str, object]], dict[str, ListActivity]]) -> None:
        rows, suppressions, activity = read
        self.model.set_rows(rows, activity)
        self.lists_read.emit([(settings.list_id, settings.name) for settings, _, _ in rows])
        self.table.resizeColumnsToContents()
        self.suppressed.clear()
        for s in suppressions:
            scope = f"item {str(s['item_id'])[:12]}" if s["item_id"] else "everywhere"
            self.suppressed.addItem(f"{s['entry']}  ({scope}): {s['reason']}")

    def clear(self) -> None:
        """Show nothing (the workspace locked); the lists' decrypted indexes are dropped too."""
        self._service.forget()
        self.model.set_rows([])
        self.suppressed.clear()
        self.status.clear()
        self.cleared.emit()

    def choose_file(self) -> None:
        """Ask for a list file, then what it is."""
        name, _ = QFileDialog.getOpenFileName(self, "Import a hash list")
        if name:
            self.open_import_dialog(Path(name))

    def open_import_dialog(self, file: Path) -> ListImportDialog:
        """The import dialog for ``file`` (started when accepted)."""
        try:
            proposed = guess_format(file)
        except OSError:
            proposed = None
        names = [s.name for s, _, _ in self.model.rows]
        dialog = ListImportDialog(file, names, proposed, self, saved_mapping=self._service.saved_mapping)
        dialog.accepted.connect(lambda: self.start_import(dialog))
        dialog.open()
        return dialog

    def _import(self, dialog_values: tuple[str, Path, Any, Any], cancel: CancelToken) -> ProgressGenerator[Any]:
        name, file, fmt, options = dialog_values
        try:
            target = self._service.find(name)
        except ListNotFound:
            target = self._service.create_list(name)
        summary = yield from self._service.import_file(target.list_id, file, fmt, options, cancel)
        rematch = yield from self._service.match_items(cancel=cancel, query_batch=UI_QUERY_BATCH)
        return summary, rematch

    def start_import(self, dialog: ListImportDialog) -> Worker:
        """Import on a worker, with progress; the queue is re-matched afterwards."""
        values = (dialog.list_field.currentText().strip(), dialog.file, dialog.format, dialog.options())
        token = CancelToken()
        return self._start(Worker(self._import, values, token, cancel=token, context=self), self._imported)

    def open_settings_dialog(self) -> ListSettingsDialog | None:
        """The settings of the chosen list; saving changes them and re-matches the queue."""
        chosen = self.table.selectionModel().selectedRows()
        if not chosen:
            self.status.setText("Choose a list in the table first.")
            return None
        settings = self.model.rows[chosen[0].row()][0]
        dialog = ListSettingsDialog(settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(settings.list_id, dialog.changes()))
        dialog.open()
        return dialog

    def apply_settings(self, list_id: str, changes: dict[str, object]) -> Worker | None:
        """Change a list's settings (a custody event), then re-match the queue: both on a worker."""
        if not changes:
            return None
        token = CancelToken()
        worker = Worker(self._change_then_rematch, list_id, changes, token, cancel=token, context=self)
        return self._start(worker, self._rematched)

    def _change_then_rematch(
        self, list_id: str, changes: dict[str, object], cancel: CancelToken
    ) -> ProgressGenerator[MatchRunSummary]:
        self._service.change_settings(list_id, **changes)
        return (yield from self._service.match_items(None, cancel, UI_QUERY_BATCH))

    def rematch(self) -> Worker:
        """Match the whole queue again on a worker, with progress (``matches_changed`` when done)."""
        token = CancelToken()
        worker = Worker(self._service.match_items, None, token, UI_QUERY_BATCH, cancel=token, context=self)
        return self._start(worker, self._rematched)

    def _start(self, worker: Worker, done: Callable[[Any], None]) -> Worker:
        """Run a long list job with the progress bar, its buttons off until it ends."""
        worker.progress.connect(self._progressed)
        worker.result.connect(done)
        worker.error.connect(self._failed)
        worker.finished.connect(self._import_finished)
        for button in (self.import_button, self.rematch_button, self.settings_button):
            button.setEnabled(False)
        self.progress.show()
        return self._pool.start(worker)

    def _rematched(self, summary: MatchRunSummary) -> None:
        self.status.setText(
            f"Re-matched {plural(summary.items, 'item')}: {summary.matched:,} match, {summary.changed:,} changed."
        )

    def _progressed(self, step: object) -> None:
        if isinstance(step, Progress):
            self.progress.setRange(0, step.total or 0)
            self.progress.setValue(step.done if step.total else 0)
            self.progress.setFormat(step.message)

    def _imported(self, result: tuple[ListImportSummary, Any]) -> None:
        summary, rematch = result
        bad = ""
        if summary.bad_rows:
            bad = f" {plural(summary.bad_row_count, 'bad row')} (the first at line {summary.bad_rows[0].line})."
        self.status.setText(
            f"{summary.list_name}: {summary.added:,} added, {summary.withdrawn:,} withdrawn.{bad} "
            f"Re-matched {plural(rematch.items, 'item')}: {rematch.matched:,} match."
        )
        self.message.emit(f"Imported {summary.file_name} into {summary.list_name}")

    def _failed(self, exc: object) -> None:
        self.status.setText(getattr(exc, "message", str(exc)))

    def _import_finished(self) -> None:
        for button in (self.import_button, self.rematch_button, self.settings_button):
            button.setEnabled(True)
        self.progress.hide()
        self.reload()
        self.matches_changed.emit()
