"""Taking items in from the UI: files, folders, manifests, text items and drag and drop.

One import runs at a time, on the database pool, as the item service's progress generator; more
requests while it runs are queued and start when it ends. The progress strip shows what the
import reports, the queue re-reads the items every couple of seconds while it runs (so items and
their analysis appear as they land) and once more at the end. Per-item problems are listed in the
queue; the strip ends with one summary, and nothing here ever opens an error dialog per file.
"""

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.domain.items import SourceFields
from desktop_app.core.errors import EvidenceDeskError, OperationCancelled
from desktop_app.core.intake.summary import ImportPhase, ImportProgress, ImportSummary, IntakeResult
from desktop_app.core.platform.interpreter import long_lived_allocation
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.ui.dialogs.text_item_dialog import TextItemDialog
from desktop_app.ui.review import ReviewController
from desktop_app.ui.widgets.import_progress import ImportProgressWidget, ImportStatus
from desktop_app.ui.worker import Worker, WorkerPool

log = logging.getLogger(__name__)

REFRESH_MS = 2000  # how often the queue re-reads during an import: live enough, and cheap
# A re-read reads and decrypts every item; on a big queue that is real work competing with the
# import, so re-reads are spaced to keep them under about a fifth of the time.
REFRESH_SHARE = 5
MANIFEST_FILTER = "Manifests (*.csv *.json);;All files (*)"


class IntakePort(Protocol):
    """What intake needs from the item service (``core.services.items.ItemService``)."""

    def import_paths(  # noqa: D102 - documented by the service
        self, paths: list[Path], manifest: Path | None = None, cancel: CancelToken | None = None
    ) -> ProgressGenerator[ImportSummary]: ...

    def add_text(self, text: str, fields: SourceFields | None = None) -> IntakeResult: ...  # noqa: D102

    def analyse_missing(self, cancel: CancelToken | None = None) -> ProgressGenerator[int]: ...  # noqa: D102


@dataclass(frozen=True)
class FinishedImport:
    """An import's summary and the words that tell the reviewer about it."""

    summary: ImportSummary
    outcome: tuple[str, str, str]  # (title, sentence, style), from ``outcome_of``


def _import(
    items: IntakePort, paths: list[Path], manifest: Path | None, cancel: CancelToken
) -> ProgressGenerator[FinishedImport]:
    """Worker: the service's import, with full garbage collections deferred (see core/platform/interpreter.py)."""
    with long_lived_allocation():
        summary = yield from items.import_paths(paths, manifest, cancel)
    # Worded here, not on the GUI thread: ``outcome_of`` walks every result four times, and for
    # 10,000 files, with the queue's reload and the analysis running, that stalled the window
    # for 40 ms (benchmarks/ui_bench.py).
    return FinishedImport(summary, outcome_of(summary))


@dataclass(frozen=True)
class ImportRequest:
    """One thing to import: paths, and optionally the manifest that describes them."""

    paths: tuple[Path, ...]
    manifest: Path | None = None

    def describe(self) -> str:
        """'picture.png', '3 files and folders', 'manifest export.csv'."""
        if self.manifest is not None:
            return f"manifest {self.manifest.name}"
        if len(self.paths) == 1:
            return self.paths[0].name or str(self.paths[0])
        return f"{len(self.paths):,} files and folders"


def status_of(progress: ImportProgress) -> ImportStatus:
    """What the strip shows for one progress record."""
    if progress.phase == ImportPhase.SCANNING:
        return ImportStatus(progress.files_done, None, message="Looking through folders…", unit="files found")
    if progress.phase == ImportPhase.ANALYSING:
        return ImportStatus(
            progress.files_done,
            progress.files_total,
            message="Hashing pictures and videos (PDQ, vPDQ)",
            unit="analysed",
        )
    current = f"Reading {progress.current}" if progress.current else ""
    return ImportStatus(progress.files_done, progress.files_total, 0, progress.done, progress.total, current)


def outcome_of(summary: ImportSummary) -> tuple[str, str, str]:
    """(title, sentence, style) for a finished import."""
    added, duplicates, problems = summary.items_added, summary.sources_added, len(summary.problems)
    here, empty = summary.already_here, summary.empty_files
    parts = [plural(added, "new item")] if added or not (here or duplicates) else []
    if here:  # imported again: say so, rather than a bare "0 new items"
        parts.append(f"{plural(here, 'file')} already in the workspace")
    if empty:
        parts.append(f"{plural(empty, 'empty file')} (marked in the queue)")
    if duplicates:
        parts.append(f"{plural(duplicates, 'duplicate')} added as sources")
    if problems:
        parts.append(f"{problems:,} with problems (marked in the queue; tick “Problems only” to list them)")
    if summary.findings:
        first = summary.findings[0]
        parts.append(f"{len(summary.findings):,} manifest rows could not be used (first: {first.message})")
    if summary.analysis_failed:
        parts.append(f"{summary.analysis_failed:,} not analysed yet (decoder unavailable; retried later)")
    sentence = "; ".join(parts) + "."
    if summary.cancelled:
        return "Import cancelled", f"Stopped on request. Kept: {sentence}", "notice"
    return "Import finished", sentence, "ok" if summary.ok and not empty else "notice"


class IntakeController(QObject):
    """Runs imports and text additions for the queue page.

    Args:
        items: The item service.
        pool: The database pool.
        review: The queue's controller (re-reads items as they land).
        progress: The progress strip.
        parent: The owning QObject.
    """

    import_finished = Signal(object)  # ImportSummary, or the EvidenceDeskError that stopped it
    message = Signal(str)

    def __init__(
        self,
        items: IntakePort,
        pool: WorkerPool,
        review: ReviewController,
        progress: ImportProgressWidget,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.items = items
        self._pool = pool
        self._review = review
        self.progress = progress
        self.progress.cancel_requested.connect(self.cancel)
        self.worker: Worker | None = None
        # Files imported while a decoder was unavailable are analysed again after each unlock.
        self.analysis = AnalysisRetry(items, pool, review, self)
        self.analysis.message.connect(self.message)
        self._closed = False
        self._waiting: deque[ImportRequest] = deque()
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._refresh_queue)

    @property
    def running(self) -> bool:
        """Whether an import is under way."""
        return self.worker is not None

    # -- asking --------------------------------------------------------------------------------

    def add_files(self, parent: QWidget) -> None:
        """Ask for files and import them."""
        chosen, _ = QFileDialog.getOpenFileNames(parent, "Add files", str(Path.home()))
        if chosen:
            self.import_paths([Path(path) for path in chosen])

    def add_folder(self, parent: QWidget) -> None:
        """Ask for a folder and import it (recursively; links are recorded, never followed)."""
        chosen = QFileDialog.getExistingDirectory(parent, "Add folder", str(Path.home()))
        if chosen:
            self.import_paths([Path(chosen)])

    def import_manifest(self, parent: QWidget) -> None:
        """Ask for a manifest (CSV or JSON) and import the files it lists, with their metadata."""
        chosen, _ = QFileDialog.getOpenFileName(parent, "Import manifest", str(Path.home()), MANIFEST_FILTER)
        if chosen:
            self.import_paths([], manifest=Path(chosen))

    def add_text(self, parent: QWidget) -> None:
        """Ask for a text item and add it."""
        dialog = TextItemDialog(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.add_text_item(dialog.text, dialog.fields)
        finally:
            dialog.deleteLater()  # owned by the window, which would otherwise keep every one

    # -- doing ---------------------------------------------------------------------------------

    def import_paths(self, paths: list[Path], manifest: Path | None = None) -> None:
        """Import now, or after the running import if there is one."""
        request = ImportRequest(tuple(paths), manifest)
        if self._closed:
            return
        if self.running:
            self._waiting.append(request)
            self.message.emit(f"Queued: {request.describe()} will be imported after the current import.")
            return
        self._start(request)

    def add_text_item(self, text: str, fields: SourceFields | None) -> None:
        """Add a text item in a worker, then re-read the queue."""
        worker = self._pool.run(self.items.add_text, text, fields, context=self)
        worker.result.connect(self._text_added)
        worker.error.connect(self._text_failed)
        worker.finished.connect(self._review.reload)

    def _text_added(self, _: IntakeResult) -> None:
        self.message.emit("Text item added to the queue.")

    def retry_analysis(self) -> None:
        """Analyse, in the background, files whose analysis could not run before (decoder unavailable)."""
        if not self._closed:
            self.analysis.start()

    def cancel(self) -> None:
        """Stop the running import after its current file, and forget the queued ones."""
        self._waiting.clear()
        if self.worker is not None:
            self.worker.cancel()
        self.analysis.cancel()

    def shutdown(self) -> None:
        """The window is closing: stop the import and start nothing after it."""
        self._closed = True
        self.cancel()

    def _start(self, request: ImportRequest) -> None:
        token = CancelToken()
        # The token goes to the generator (which polls it) and to the worker (so ``cancel()`` sets it).
        worker = Worker(_import, self.items, list(request.paths), request.manifest, token, cancel=token, context=self)
        worker.progress.connect(self._progressed)
        worker.result.connect(self._succeeded)
        worker.error.connect(self._failed)
        worker.finished.connect(self._ended)
        self.worker = worker
        self.progress.start(request.describe())
        self._refresh.start()
        self._pool.start(worker)

    def _progressed(self, progress: object) -> None:
        if isinstance(progress, ImportProgress) and not self._closed:
            self.progress.show_progress(status_of(progress))

    def _succeeded(self, finished: FinishedImport) -> None:
        summary = finished.summary
        log.info(  # counts only: what support needs to follow an import, nothing about the files
            "import %s: %d new items, %d more sources, %d problems, %d manifest findings, %d analysed, "
            "%d analyses to retry, %d bytes",
            "cancelled" if summary.cancelled else "finished",
            summary.items_added,
            summary.sources_added,
            len(summary.problems),
            len(summary.findings),
            summary.analysed,
            summary.analysis_failed,
            summary.bytes_read,
        )
        if self._closed:
            return  # the window is gone; what was imported is in the workspace and its log
        title, sentence, role = finished.outcome
        self.progress.finish(title, sentence, role)
        self.message.emit(f"{title}: {sentence}")
        self.import_finished.emit(finished.summary)

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        if isinstance(exc, OperationCancelled):
            self.progress.finish(
                "Import cancelled", "Stopped while looking through folders; nothing was taken in.", "notice"
            )
        elif isinstance(exc, EvidenceDeskError):
            self.progress.finish("Import stopped", exc.message, "problem")
        else:
            self.progress.finish("Import stopped", "An unexpected error stopped it; see the crash report.", "problem")
        self.import_finished.emit(exc)

    def _ended(self) -> None:
        self.worker = None
        self._refresh.stop()
        if self._closed:
            return
        self._review.reload()
        if self._waiting:
            self._start(self._waiting.popleft())

    def _refresh_queue(self) -> None:
        review = self._review
        if not review.reloading and review.seconds_since_load() >= REFRESH_SHARE * review.last_load_seconds:
            review.reload()

    def _text_failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError):
            self.message.emit(f"The text item was not added: {exc.message}")


class AnalysisRetry(QObject):
    """Analyses, in the background, the files whose analysis could not run at import (decoder unavailable).

    One run at a time; the queue is re-read when it recorded anything.

    Signals:
        message(str): why it stopped, for the status bar.
    """

    message = Signal(str)

    def __init__(self, items: IntakePort, pool: WorkerPool, review: ReviewController, parent: QObject) -> None:
        super().__init__(parent)
        self._items, self._pool, self._review = items, pool, review
        self._worker: Worker | None = None

    def start(self) -> None:
        """Start a run, unless one is under way."""
        if self._worker is not None:
            return
        token = CancelToken()
        worker = Worker(self._items.analyse_missing, token, cancel=token, context=self)
        worker.result.connect(self._recorded)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)
        self._worker = worker
        self._pool.start(worker)

    def cancel(self) -> None:
        """Stop the run at its next file."""
        if self._worker is not None:
            self._worker.cancel()

    def _recorded(self, recorded: int) -> None:
        if recorded:
            self._review.reload()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError) and not isinstance(exc, OperationCancelled):
            self.message.emit(f"Analysing earlier imports stopped: {exc.message}")

    def _finished(self) -> None:
        self._worker = None


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files and folders a drag carries (remote URLs are not ours to fetch)."""
    mime = event.mimeData()
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


class DropImporter(QObject):
    """An event filter that turns files and folders dropped on a window into an import.

    Args:
        allowed: Whether drops are accepted now (only while unlocked).
        on_drop: Called with the dropped paths.
        parent: The owning QObject.
    """

    def __init__(
        self, allowed: Callable[[], bool], on_drop: Callable[[list[Path]], None], parent: QObject | None = None
    ):
        super().__init__(parent)
        self._allowed = allowed
        self._on_drop = on_drop

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept drag-enter, drag-move and drop events that carry local paths."""
        kinds = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if isinstance(event, QDropEvent) and event.type() in kinds:
            paths = dropped_paths(event)
            if not paths or not self._allowed():
                event.ignore()
                return True
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self._on_drop(paths)
            return True
        return super().eventFilter(watched, event)
