"""The intake queue's use cases: import, text items, listing, review states, reveals.

Every change writes its custody event in the same transaction. Whether the reviewer viewed an
item is derived from the log's ``item.revealed`` events (``viewed_item_ids``), never stored as a
flag that could disagree with the log. Decrypting the whole log for every listing would be slow
(100,000 items mean 200,000+ entries), so the derived set is cached together with the log
position it reflects, and advanced only over events this service committed itself, contiguously;
anything else (another writer, an unlock, a checkpoint) makes the next listing re-derive it.
"""

import itertools
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from desktop_app.core.crypto.stream import EncryptedFile
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import Item, ItemKind, RevealMode, ReviewState, SourceFields, viewed_item_ids
from desktop_app.core.domain.readable_text import SHOWN_BYTES, ReadableText, decode_for_reading
from desktop_app.core.errors import (
    DismissReasonRequired,
    ImportPathMissing,
    ItemHasNoContent,
    ItemNotFound,
    ItemRecordDamaged,
)
from desktop_app.core.intake.analysis import Analyse, Append
from desktop_app.core.intake.importer import Importer, IntakeLimits
from desktop_app.core.intake.manifest import read_manifest
from desktop_app.core.intake.scan import Job, ScanResult, scan
from desktop_app.core.intake.summary import ImportPhase, ImportProgress, ImportSummary, IntakeResult
from desktop_app.core.platform.interpreter import collector_paused, release_gradually
from desktop_app.core.progress import CancelToken, ProgressGenerator, run_to_completion
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.item_cache import ItemCache
from desktop_app.core.storage.items import ItemStore

PathLike = str | bytes | os.PathLike[str] | os.PathLike[bytes]


def _abs_bytes(path: PathLike) -> bytes:
    return os.path.abspath(os.fsencode(path))


class _ViewedCache:
    """The derived viewed set and the log position it reflects."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: set[str] | None = None
        self._seq = 0

    def get(self, log_size: int) -> set[str] | None:
        with self._lock:
            return set(self._ids) if self._ids is not None and self._seq == log_size else None

    def reset(self, ids: set[str], seq: int) -> None:
        with self._lock:
            self._ids, self._seq = set(ids), seq

    def advance(self, seqs: Sequence[int], revealed: Iterable[str]) -> None:
        """Move over events this service just committed, if they directly follow the cached position."""
        if not seqs:
            return
        with self._lock:
            contiguous = list(seqs) == list(range(self._seq + 1, self._seq + 1 + len(seqs)))
            if self._ids is None or not contiguous:
                self._ids = None  # something else wrote in between: derive again on the next read
                return
            self._ids |= set(revealed)
            self._seq = seqs[-1]


class ItemService:
    """The queue of one unlocked workspace. ``analyse`` is the decoder (``DecoderPool.submit_analyse``)."""

    def __init__(self, workspace: Workspace, analyse: Analyse | None = None, limits: IntakeLimits | None = None):
        self._workspace = workspace
        self._analyse = analyse
        self._limits = limits or IntakeLimits()
        self._viewed = _ViewedCache()
        self._cache = ItemCache()  # decrypted items for quick re-listing, see ItemCache

    @property
    def _store(self) -> ItemStore:
        return ItemStore(self._workspace.fields())

    @contextmanager
    def _events(self) -> Iterator[Append]:
        """Track the events of one transaction; left normally only after it committed."""
        seqs: list[int] = []
        revealed: list[str] = []

        def append(conn: Any, kind: EventType, data: dict[str, Any], subject: str | None) -> int:
            seq = self._workspace.append_event(conn, kind, data, subject)
            seqs.append(seq)
            if kind == EventType.ITEM_REVEALED and data.get("mode") == RevealMode.FULL and subject:
                revealed.append(subject)
            return seq

        yield append
        self._viewed.advance(seqs, revealed)

    def _importer(self) -> Importer:
        return Importer(
            self._workspace.vault(), self._workspace.db, self._store, self._events, self._analyse, self._limits
        )

    # -- intake --------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[PathLike],
        manifest: PathLike | None = None,
        cancel: CancelToken | None = None,
        allow_outside: Sequence[PathLike] = (),
    ) -> ProgressGenerator[ImportSummary]:
        """Import files and folders (and a manifest's rows); yields ``ImportProgress``.

        A manifest row naming a file outside the manifest's folder and ``paths`` becomes a finding
        unless the reviewer confirmed it in ``allow_outside`` (files, or folders to allow below).

        A manifest that cannot be used at all raises ``ManifestUnreadable`` before anything is
        taken in; bad rows only become findings in the summary. Cancelling while scanning raises
        ``OperationCancelled`` (nothing was changed); cancelling later returns a summary marked
        ``cancelled`` with everything finished so far committed.
        """
        self._workspace.vault()  # fail now, not after a long walk, if the workspace is locked
        missing = [p for p in paths if not os.path.lexists(p)]
        if missing:
            # A mistyped path is the command line's error, not a vanished file to keep as evidence.
            named = ", ".join(os.fsdecode(p) for p in missing[:3]) + (" and more" if len(missing) > 3 else "")
            raise ImportPathMissing(f"No such file or folder: {named}. Nothing was imported; check the path.")
        parsed = read_manifest(_abs_bytes(manifest), self._limits.max_manifest_size) if manifest is not None else None
        walk = scan([_abs_bytes(p) for p in paths], parsed, cancel, [_abs_bytes(p) for p in allow_outside])
        while True:
            try:
                step = next(walk)
            except StopIteration as done:
                scanned: ScanResult = done.value
                break
            yield ImportProgress(step.done, None, "scanning", ImportPhase.SCANNING, files_done=step.done)
        return (yield from self._importer().run(scanned, parsed, cancel))

    def add_text(self, text: str, fields: SourceFields | None = None) -> IntakeResult:
        """Add a text-only item (a message transcript), preserved as UTF-8."""
        if not text.strip():
            raise ValueError("a text item needs text")  # the UI does not offer an empty one
        summary = run_to_completion(
            self._importer().run(ScanResult((Job(text=text, fields=fields),)), log_summary=False)
        )
        return summary.results[0]

    def analyse_missing(self, cancel: CancelToken | None = None) -> ProgressGenerator[int]:
        """Hand every file item that has no analysis yet to the analyser; returns how many were recorded."""
        if self._analyse is None:
            return 0
        with self._workspace.db.read() as reader:
            rows = reader.conn.execute(
                "SELECT item_id, blob_id FROM items WHERE kind = ? AND blob_id IS NOT NULL AND analysis_ct IS NULL",
                (str(ItemKind.FILE),),
            ).fetchall()
        queue = self._importer().analyses
        for item_id, blob_id in rows:
            queue.submit(item_id, blob_id)
        yield from queue.drain(cancel, len(rows))
        return queue.recorded

    # -- the queue -----------------------------------------------------------------------------

    def viewed_item_ids(self) -> set[str]:
        """Items the reviewer revealed in full, derived from the custody log."""
        with self._workspace.db.read() as reader:
            return self._viewed_in(reader.conn)

    def _viewed_in(self, conn: Any) -> set[str]:
        log = self._workspace.custody_log()
        cached = self._viewed.get(log.size(conn))
        if cached is not None:
            return cached
        events = list(log.events(conn))
        viewed = viewed_item_ids(logged.event for logged in events)
        self._viewed.reset(viewed, events[-1].seq if events else 0)
        return viewed

    def iter_items(self, batch_size: int = 2000) -> Iterator[list[Item]]:
        """Every item, oldest first, in batches: for a queue that shows the first rows early.

        The database is only held while the sealed rows are fetched (fast); decryption, the slow
        part, happens afterwards, batch by batch, without blocking writers.
        """
        store = self._store
        with self._workspace.db.read() as reader:
            viewed = self._viewed_in(reader.conn)
            sealed = store.fetch_all(reader.conn)
        cache = self._cache.successor()
        opened = store.open_all(sealed, viewed, cache)
        while True:
            with collector_paused():
                batch = list(itertools.islice(opened, batch_size))
            if not batch:
                break
            yield batch
        self._cache = cache  # only a complete listing replaces the cache (an assignment: thread-safe)
        cache.settle()
        release_gradually(sealed.sources)  # 100,000 lists of fetched rows: freed at once, they hold the GIL

    def forget(self) -> None:
        """Drop the decrypted items kept for quick re-listing (call when the workspace locks)."""
        self._cache = ItemCache()

    def list_items(self) -> list[Item]:
        """Every item, oldest first, decrypted, with its derived viewed state."""
        return [item for batch in self.iter_items() for item in batch]

    def get(self, item_id: str) -> Item:
        """One item; ``ItemNotFound`` if it is not in this workspace."""
        with self._workspace.db.read() as reader:
            viewed = item_id in self._viewed_in(reader.conn)
            item = self._store.load(reader.conn, item_id, viewed)
        if item is None:
            raise ItemNotFound(f"Item {item_id} is not in this workspace.")
        return item

    def set_state(self, item_ids: Iterable[str], state: ReviewState, reason: str = "") -> int:
        """Move items to ``state`` in one transaction; returns how many changed.

        Dismissing needs a reason. Unknown ids change nothing at all (``ItemNotFound``).
        """
        ids = list(dict.fromkeys(item_ids))
        reason = reason.strip()
        if state == ReviewState.DISMISSED and not reason:
            raise DismissReasonRequired("Say why these items are dismissed; the reason goes into the custody log.")
        if state != ReviewState.DISMISSED:
            reason = ""
        store = self._store
        changed = 0
        with self._events() as append, self._workspace.db.write() as conn:
            current = store.states(conn, ids)
            missing = [item_id for item_id in ids if item_id not in current]
            if missing:
                raise ItemNotFound(f"{len(missing)} of the items are not in this workspace (first: {missing[0]}).")
            for item_id in ids:
                if current[item_id] == state and state != ReviewState.DISMISSED:
                    continue
                store.set_state(conn, item_id, state, reason)
                data = {"from": str(current[item_id]), "to": str(state)}
                if reason:
                    data["reason"] = reason
                append(conn, EventType.ITEM_STATE_CHANGED, data, item_id)
                changed += 1
        return changed

    def record_reveal(self, item_id: str, mode: RevealMode) -> None:
        """Log that the reviewer revealed an item (in full, or its EXIF as text)."""
        mode = RevealMode(mode)
        with self._events() as append, self._workspace.db.write() as conn:
            exists, blob_id = self._store.blob_of(conn, item_id)
            if not exists:
                raise ItemNotFound(f"Item {item_id} is not in this workspace.")
            if blob_id is None:
                raise ItemHasNoContent("This item holds no preserved content, so there is nothing to reveal.")
            append(conn, EventType.ITEM_REVEALED, {"mode": str(mode)}, item_id)

    def _blob_id(self, item_id: str) -> tuple[str, str | None]:
        """The item's blob and the SHA-256 the item recorded for it (its row tag checked on the way)."""
        with self._workspace.db.read() as reader:
            item = self._store.load(reader.conn, item_id, viewed=False)
        if item is None:
            raise ItemNotFound(f"Item {item_id} is not in this workspace.")
        if item.kind == ItemKind.DAMAGED:  # never hand out a blob through a record that does not check out
            raise ItemRecordDamaged(item.outcome_detail)
        if item.blob_id is None:
            raise ItemHasNoContent("This item holds no preserved content (a link, a device, or an unread file).")
        return item.blob_id, item.digests.sha256 if item.digests is not None else None

    def encrypted_file(self, item_id: str) -> EncryptedFile:
        """The item's blob and key, for a sandboxed decoder (previews, analysis); the blob must be the item's."""
        return self._workspace.vault().encrypted_file(*self._blob_id(item_id))

    def read_bytes(self, item_id: str) -> bytes:
        """The item's preserved bytes, authenticated and checked against the item's SHA-256, in memory."""
        return self._workspace.vault().read_bytes(*self._blob_id(item_id))

    def read_text(self, item_id: str) -> ReadableText:
        """A text item's or text file's words for the viewer: bounded, decoded, neutralised, in memory.

        Only the first ``SHOWN_BYTES`` are kept, but the whole blob is read through, so what is shown
        has passed the same end-of-stream and SHA-256 checks as ``read_bytes`` without holding a
        large file in memory.
        """
        head = bytearray()
        total = 0
        for chunk in self._workspace.vault().iter_plaintext(*self._blob_id(item_id)):
            total += len(chunk)
            if len(head) < SHOWN_BYTES:
                head += chunk[: SHOWN_BYTES - len(head)]
        return decode_for_reading(bytes(head), total)
