"""Taking scanned jobs into the workspace: one read per file, batched commits, analysis after.

Per file: open safely, then each 1 MiB chunk goes once to MD5 | SHA-1 + SHA-256 (two digest
threads) and to the vault's encryptor; the sealed blob waits under a temp name. Finished blobs
are committed in batches (one directory fsync, one transaction) together with their items,
sources and custody events: a batch closes after ``batch_files`` jobs or ``batch_seconds``,
so a folder of 10,000 small files costs a few hundred commits, not 10,000, and a large file is
committed as soon as it is done.

Duplicates (same SHA-256, found through the vault's blind index) become one more source of the
existing item; a source identical to one already recorded is not added again, so importing the
same folder or manifest twice changes nothing.

Cancelling (between files or chunks) drops the file being read, commits what was finished and
returns a summary marked cancelled: the queue is always consistent. Analysis (decoding, PDQ) is
an injected step: once an item is committed its blob is handed to ``analyse``, and each result is
recorded in its own transaction with its own custody event when it arrives.
"""

import logging
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import Digests, IntakeOutcome, ItemKind, ItemSource, SourceFields
from desktop_app.core.hashing.parallel import INTAKE_GROUPS
from desktop_app.core.intake.analysis import Analyse, AnalysisQueue, Append, EventScope
from desktop_app.core.intake.manifest import DEFAULT_MAX_MANIFEST_SIZE, Manifest
from desktop_app.core.intake.reading import CHUNK_SIZE, DEFAULT_MAX_FILE_SIZE, NotReadable, ReadFacts, SafeFile
from desktop_app.core.intake.scan import Job, ScanResult
from desktop_app.core.intake.summary import ImportPhase, ImportProgress, ImportSummary, IntakeResult
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.item_records import ItemMeta
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.vault import EvidenceVault, SealedBlob, StoredBlob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeLimits:
    """Caps and batching. The file cap is checked against ``st_size`` before anything is read."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_manifest_size: int = DEFAULT_MAX_MANIFEST_SIZE
    batch_files: int = 256
    batch_seconds: float = 0.5


@dataclass
class _Pending:
    job: Job
    kind: ItemKind
    sealed: SealedBlob | None = None
    refused: NotReadable | None = None
    facts: ReadFacts | None = None


def _source(job: Job, facts: ReadFacts | None) -> ItemSource:
    fields = job.fields or SourceFields()
    name = fields.original_name
    if name is None and job.path is not None:
        name = os.path.basename(job.path)
    return ItemSource(
        source_id=secrets.token_hex(16),
        added_at=datetime.now(UTC),
        path=job.path,
        original_name=name,
        content_url=fields.content_url,
        uploader_account_id=fields.uploader_account_id,
        uploader_screen_name=fields.uploader_screen_name,
        upload_ip=fields.upload_ip,
        upload_port=fields.upload_port,
        upload_time=fields.upload_time,
        message_id=fields.message_id,
        manifest=job.manifest,
        extra=dict(fields.extra),
        file_modified=facts.modified if facts else None,
    )


def _digests(values: dict[str, str]) -> Digests:
    return Digests(values["md5"], values["sha1"], values["sha256"])


@dataclass
class _Run:
    results: list[IntakeResult] = field(default_factory=list)
    bytes_read: int = 0
    files_done: int = 0


class Importer:
    """Runs one import over scanned jobs. Built by ``ItemService``; not shared between threads."""

    def __init__(
        self,
        vault: EvidenceVault,
        db: WorkspaceDatabase,
        store: ItemStore,
        scope: EventScope,
        analyse: Analyse | None = None,
        limits: IntakeLimits = IntakeLimits(),
    ) -> None:
        self._vault = vault
        self._db = db
        self._store = store
        self._scope = scope
        self._limits = limits
        self.analyses = AnalysisQueue(vault, db, store, scope, analyse)

    def run(
        self,
        scanned: ScanResult,
        manifest: Manifest | None = None,
        cancel: CancelToken | None = None,
        log_summary: bool = True,
    ) -> ProgressGenerator[ImportSummary]:
        """Take every job in; returns the summary (``cancelled`` set if the token fired)."""
        run = _Run()
        pending: list[_Pending] = []
        batch_started = time.monotonic()
        total, count = scanned.total_bytes, len(scanned.jobs)
        cancelled = False
        yield ImportProgress(0, total, "importing", ImportPhase.IMPORTING, files_done=0, files_total=count)
        try:
            for job in scanned.jobs:
                if cancel is not None and cancel.cancelled:
                    cancelled = True
                    break
                taken = yield from self._take(job, run, total, count, cancel)
                if taken is None:
                    cancelled = True
                    break
                if not pending:
                    batch_started = time.monotonic()
                pending.append(taken)
                run.files_done += 1
                limits = self._limits
                if len(pending) >= limits.batch_files or time.monotonic() - batch_started >= limits.batch_seconds:
                    batch, pending = pending, []
                    self._flush(batch, run)
                self.analyses.record_done()
                yield ImportProgress(
                    run.bytes_read,
                    total,
                    "importing",
                    ImportPhase.IMPORTING,
                    files_done=run.files_done,
                    files_total=count,
                )
        except BaseException:
            # Keep what was finished if the database still takes it; the error goes on regardless.
            try:
                self._flush(pending, run)
            except Exception:  # noqa: BLE001 - the original error matters more
                self._vault.discard(p.sealed for p in pending if p.sealed is not None)
            raise
        self._flush(pending, run)
        outstanding = self.analyses.outstanding
        yield from self.analyses.drain(cancel, outstanding)
        cancelled = cancelled or bool(cancel is not None and cancel.cancelled)
        summary = ImportSummary(
            tuple(run.results),
            scanned.findings,
            cancelled,
            run.bytes_read,
            self.analyses.recorded,
            self.analyses.failed,
        )
        if log_summary:
            self._log_summary(summary, manifest)
        return summary

    def _take(
        self, job: Job, run: _Run, total: int, count: int, cancel: CancelToken | None
    ) -> ProgressGenerator[_Pending | None]:
        """Read one job into a sealed blob (or a record of why not); None when cancelled midway."""
        if job.record is not None:
            return _Pending(job, job.record.kind, refused=job.record)
        if job.text is not None:
            writer = self._vault.writer(INTAKE_GROUPS)
            try:
                writer.write(job.text.encode("utf-8"))
                sealed = writer.seal()
            except BaseException:
                writer.abort()
                raise
            run.bytes_read += sealed.size
            return _Pending(job, ItemKind.TEXT, sealed=sealed)
        assert job.path is not None
        try:
            source = SafeFile(job.path, self._limits.max_file_size, job.identity)
        except NotReadable as refused:
            return _Pending(job, refused.kind, refused=refused)
        current = os.path.basename(job.path).decode("utf-8", "replace")
        writer = self._vault.writer(INTAKE_GROUPS)
        try:
            while chunk := source.read(CHUNK_SIZE):
                writer.write(chunk)
                run.bytes_read += len(chunk)
                if cancel is not None and cancel.cancelled:
                    writer.abort()
                    source.close()
                    return None
                yield ImportProgress(
                    run.bytes_read,
                    total,
                    "importing",
                    ImportPhase.IMPORTING,
                    files_done=run.files_done,
                    files_total=count,
                    current=current,
                )
            facts = source.finish()
            sealed = writer.seal()
        except NotReadable as refused:  # an I/O error part-way: nothing partial is kept
            writer.abort()
            source.close()
            return _Pending(job, refused.kind, refused=refused)
        except BaseException:
            writer.abort()
            source.close()
            raise
        return _Pending(job, ItemKind.FILE, sealed=sealed, facts=facts)

    def _flush(self, pending: list[_Pending], run: _Run) -> None:
        if not pending:
            return
        sealed = [p.sealed for p in pending if p.sealed is not None]
        results: list[IntakeResult] = []
        new_blobs: list[tuple[str, str]] = []

        def write(conn: sqlite3.Connection, stored: list[StoredBlob], append: Append) -> None:
            blobs = iter(stored)
            for entry in pending:
                if entry.sealed is not None:
                    blob = next(blobs)
                    result = self._write_blob_item(conn, entry, blob, append)
                    if result.new_item and entry.kind == ItemKind.FILE and result.item_id:
                        new_blobs.append((result.item_id, blob.blob_id))
                else:
                    result = self._write_record_item(conn, entry, append)
                results.append(result)

        with self._scope() as append:
            self._vault.commit_batch(sealed, lambda conn, stored: write(conn, stored, append))
        run.results.extend(results)
        for item_id, blob_id in new_blobs:
            self.analyses.submit(item_id, blob_id)

    def _write_blob_item(
        self, conn: sqlite3.Connection, entry: _Pending, blob: StoredBlob, append: Append
    ) -> IntakeResult:
        job = entry.job
        digests = _digests(blob.digests)
        changed = entry.facts is not None and entry.facts.changed
        outcome = IntakeOutcome.CHANGED_WHILE_READ if changed else IntakeOutcome.OK
        detail = entry.facts.detail if entry.facts is not None else ""
        source = _source(job, entry.facts)
        base = IntakeResult(entry.kind, outcome, detail, job.path, size=blob.size, digests=digests)
        item_id = self._store.item_for_blob(conn, blob.blob_id)
        if item_id is not None:
            if self._store.has_source(conn, item_id, source):
                return replace(base, item_id=item_id)
            self._store.insert_source(conn, item_id, source)
            append(
                conn,
                EventType.ITEM_SOURCE_ADDED,
                {"source_id": source.source_id, "sha256": digests.sha256, "outcome": str(outcome)},
                item_id,
            )
            return replace(base, item_id=item_id, source_id=source.source_id, new_source=True)
        item_id = secrets.token_hex(16)
        meta = ItemMeta(outcome, source.original_name, blob.size, digests, detail)
        self._store.insert_item(conn, item_id, entry.kind, source.added_at, meta, blob.blob_id)
        self._store.insert_source(conn, item_id, source)
        append(
            conn,
            EventType.ITEM_ADDED,
            {
                "kind": str(entry.kind),
                "blob_id": blob.blob_id,
                "new_blob": blob.created,
                "md5": digests.md5,
                "sha1": digests.sha1,
                "sha256": digests.sha256,
                "size": blob.size,
                "outcome": str(outcome),
                "source_id": source.source_id,
            },
            item_id,
        )
        return replace(base, item_id=item_id, source_id=source.source_id, new_item=True, new_source=True)

    def _write_record_item(self, conn: sqlite3.Connection, entry: _Pending, append: Append) -> IntakeResult:
        refused = entry.refused
        assert refused is not None
        source = _source(entry.job, None)
        meta = ItemMeta(refused.outcome, source.original_name, refused.size, None, refused.detail, refused.link_target)
        known = self._store.record_item_with_source(conn, source, meta)
        if known is not None:  # recorded before from the same place with the same finding
            return IntakeResult(refused.kind, refused.outcome, refused.detail, entry.job.path, known, size=refused.size)
        item_id = secrets.token_hex(16)
        self._store.insert_item(conn, item_id, refused.kind, source.added_at, meta)
        self._store.insert_source(conn, item_id, source, meta)
        append(
            conn,
            EventType.ITEM_ADDED,
            {"kind": str(refused.kind), "outcome": str(refused.outcome), "source_id": source.source_id},
            item_id,
        )
        return IntakeResult(
            refused.kind,
            refused.outcome,
            refused.detail,
            entry.job.path,
            item_id,
            source.source_id,
            new_item=True,
            new_source=True,
            size=refused.size,
        )

    def _log_summary(self, summary: ImportSummary, manifest: Manifest | None) -> None:
        data = {
            "items_added": summary.items_added,
            "sources_added": summary.sources_added,
            "not_read": sum(
                r.outcome not in (IntakeOutcome.OK, IntakeOutcome.CHANGED_WHILE_READ) for r in summary.results
            ),
            "changed_while_read": sum(r.outcome == IntakeOutcome.CHANGED_WHILE_READ for r in summary.results),
            "bytes_read": summary.bytes_read,
            "manifest_sha256": manifest.sha256 if manifest else None,
            "manifest_findings": len(summary.findings),
            "cancelled": summary.cancelled,
        }
        with self._scope() as append, self._db.write() as conn:
            append(conn, EventType.INTAKE_FINISHED, data, None)
