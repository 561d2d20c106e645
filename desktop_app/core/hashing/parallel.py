"""Digests computed on their own threads while the caller goes on with the same bytes.

hashlib releases the GIL for buffers over 2 KiB, so each digest on its own thread runs beside
encryption and disk writes instead of after them (security.md 2.4: SHA-256 ~1.2 GB/s, MD5 ~0.5 GB/s
on one core). A bounded queue per digest keeps memory flat when a digest is slower than the reader.
"""

import hashlib
import queue
import threading
from collections.abc import Iterable

_QUEUE_CHUNKS = 16
_DONE = None


class ParallelDigests:
    """Feeds every chunk to each named digest on a thread of its own."""

    def __init__(self, names: Iterable[str] = ("sha256",)) -> None:
        self._hashes = {name: hashlib.new(name) for name in names}
        self._queues: dict[str, queue.Queue[bytes | None]] = {}
        self._threads = []
        for name, digest in self._hashes.items():
            chunks: queue.Queue[bytes | None] = queue.Queue(_QUEUE_CHUNKS)
            thread = threading.Thread(target=self._consume, args=(digest, chunks), name=f"digest-{name}", daemon=True)
            thread.start()
            self._queues[name] = chunks
            self._threads.append(thread)
        self._finished = False

    @staticmethod
    def _consume(digest: "hashlib._Hash", chunks: "queue.Queue[bytes | None]") -> None:
        while (chunk := chunks.get()) is not _DONE:
            digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        """Hand an immutable chunk to every digest (blocks only if a digest falls far behind)."""
        for chunks in self._queues.values():
            chunks.put(chunk)

    def close(self) -> None:
        """Stop the threads (idempotent); called by ``hexdigests`` and on abort."""
        if self._finished:
            return
        self._finished = True
        for chunks in self._queues.values():
            chunks.put(_DONE)
        for thread in self._threads:
            thread.join()

    def hexdigests(self) -> dict[str, str]:
        """Wait for every digest and return them by name."""
        self.close()
        return {name: digest.hexdigest() for name, digest in self._hashes.items()}
