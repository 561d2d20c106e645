"""Analyses in flight: the decoder's results recorded as they arrive, each batch in its own transaction.

Analysis (decoding, PDQ / vPDQ) is an injected step (``Analyse``: the decoder pool's
``submit_analyse``). An item is committed first; its blob is then handed over, and the result is
recorded with an ``item.analysed`` custody event when it comes back. A failure of the decoder
infrastructure (not of the media: bad media come back as an analysis with a problem) leaves the
item unanalysed, for ``ItemService.analyse_missing`` to retry.
"""

import logging
import queue
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any

from desktop_app.core.crypto.stream import EncryptedFile
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.media import MediaAnalysis
from desktop_app.core.intake.summary import ImportPhase, ImportProgress
from desktop_app.core.progress import CancelToken
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.vault import EvidenceVault

log = logging.getLogger(__name__)

Analyse = Callable[[EncryptedFile], "Future[MediaAnalysis]"]
# Appends one custody event inside the caller's transaction: (conn, type, data, subject) -> seq.
Append = Callable[[sqlite3.Connection, EventType, dict[str, Any], str | None], int]
# Opens a scope for the events of one transaction; it is left normally only once that committed.
EventScope = Callable[[], AbstractContextManager[Append]]


class AnalysisQueue:
    """Analyses in flight; results are recorded in their own transaction as they arrive."""

    def __init__(
        self, vault: EvidenceVault, db: WorkspaceDatabase, store: ItemStore, scope: EventScope, analyse: Analyse | None
    ) -> None:
        self._vault = vault
        self._db = db
        self._store = store
        self._scope = scope
        self._analyse = analyse
        self._pending: dict[Future[MediaAnalysis], str] = {}
        # Finished futures arrive here from the analyser's threads (done-callbacks), so recording
        # costs nothing per pending analysis: 10,000 queued pictures are not scanned after each file.
        self._finished: queue.SimpleQueue[Future[MediaAnalysis]] = queue.SimpleQueue()
        self.recorded = 0
        self.failed = 0

    def submit(self, item_id: str, blob_id: str) -> None:
        """Hand a committed item's blob to the analyser."""
        if self._analyse is None:
            return
        future = self._analyse(self._vault.encrypted_file(blob_id))
        self._pending[future] = item_id
        future.add_done_callback(self._finished.put)

    @property
    def outstanding(self) -> int:
        """Analyses not yet recorded."""
        return len(self._pending)

    def record_done(self, wait_seconds: float = 0.0) -> None:
        """Record every analysis that has finished (waiting up to ``wait_seconds`` for one), in one transaction."""
        done: list[Future[MediaAnalysis]] = []
        try:
            done.append(self._finished.get(timeout=wait_seconds) if wait_seconds else self._finished.get_nowait())
            while True:
                done.append(self._finished.get_nowait())
        except queue.Empty:
            pass
        results = []
        for future in done:
            item_id = self._pending.pop(future, None)
            if item_id is None or future.cancelled():
                continue  # abandoned on cancel
            try:
                results.append((item_id, future.result()))
            except Exception:  # noqa: BLE001 - the decoder pool failed, not the media: leave for a retry
                log.warning("analysis of item %s failed in the decoder infrastructure", item_id, exc_info=True)
                self.failed += 1
        if not results:
            return
        with self._scope() as append, self._db.write() as conn:
            for item_id, analysis in results:
                self._store.set_analysis(conn, item_id, analysis)
                append(conn, EventType.ITEM_ANALYSED, _analysis_event(analysis), item_id)
        self.recorded += len(results)

    def drain(self, cancel: CancelToken | None, total: int) -> Iterator[ImportProgress]:
        """Wait for the rest, recording as they come; cancelling abandons what is still running."""
        while self._pending:
            if cancel is not None and cancel.cancelled:
                for future in self._pending:
                    future.cancel()
                self._pending.clear()
                return
            self.record_done(wait_seconds=0.2)
            done = total - len(self._pending)
            yield ImportProgress(done, total, "analysing", ImportPhase.ANALYSING, files_done=done, files_total=total)


def _analysis_event(analysis: MediaAnalysis) -> dict[str, Any]:
    return {
        "kind": str(analysis.kind),
        "format": analysis.format,
        "pdq": analysis.pdq.hex if analysis.pdq else None,
        "quality": analysis.pdq.quality if analysis.pdq else None,
        "vpdq_frames": len(analysis.vpdq),
        "problem": str(analysis.problem) if analysis.problem else None,
    }
