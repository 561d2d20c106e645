"""Digests computed on their own threads while the caller goes on with the same bytes.

hashlib releases the GIL for buffers over 2 KiB, so digests on other threads run beside reading,
encryption and disk writes instead of after them. Digests are grouped per thread: measured on
2 cores (hashes.md §1), one thread for MD5 and one for SHA-1 + SHA-256 gives 424 MB/s, 92 % of
MD5 alone (MD5 is serial and caps one file at ~460 MB/s whatever the core count); one thread per
digest gives 390, because three hash threads and the reader fight over two cores. SHA-1 + SHA-256
on one thread (~510 MB/s) still outruns MD5, so the split stays the best layout on more cores too.

A bounded queue per thread keeps memory flat when a digest is slower than the reader. Small
inputs are hashed inline: starting two threads costs more than hashing a few hundred KiB, and an
intake of 10,000 small files would otherwise spend its time creating threads.
"""

import hashlib
import queue
import threading
from collections.abc import Iterable, Sequence

_QUEUE_CHUNKS = 16
_DONE = None
INLINE_BYTES = 1024 * 1024
# The measured best layout for MD5 + SHA-1 + SHA-256 (see the module docstring).
INTAKE_GROUPS: tuple[tuple[str, ...], ...] = (("md5",), ("sha1", "sha256"))

Group = Sequence["hashlib._Hash"]
Chunk = bytes | bytearray | memoryview  # never changed once handed over (it is hashed on other threads)


def _normalise(groups: Iterable[str | Iterable[str]]) -> list[tuple[str, ...]]:
    result = []
    for group in groups:
        names = (group,) if isinstance(group, str) else tuple(group)
        if not names:
            raise ValueError("an empty digest group")
        result.append(names)
    flat = [name for names in result for name in names]
    if len(set(flat)) != len(flat):
        raise ValueError(f"a digest is named twice: {flat}")
    return result


class ParallelDigests:
    """Feeds every chunk to each group of digests, one thread per group.

    ``groups`` lists digest names or tuples of names; each entry gets a thread of its own
    (``["sha256"]``, or ``INTAKE_GROUPS`` for the intake's three digests). The first
    ``inline_bytes`` are hashed on the caller's thread; threads start only when more arrive.
    """

    def __init__(self, groups: Iterable[str | Iterable[str]] = ("sha256",), inline_bytes: int = INLINE_BYTES) -> None:
        self._names = _normalise(groups)
        self._groups = [[hashlib.new(name) for name in names] for names in self._names]
        self._inline_left = inline_bytes
        self._queues: list[queue.Queue[Chunk | None]] = []
        self._threads: list[threading.Thread] = []
        self._finished = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every digest computed, in order."""
        return tuple(name for names in self._names for name in names)

    def _start(self) -> None:
        for names, group in zip(self._names, self._groups, strict=True):
            chunks: queue.Queue[Chunk | None] = queue.Queue(_QUEUE_CHUNKS)
            thread = threading.Thread(
                target=self._consume, args=(group, chunks), name=f"digest-{'+'.join(names)}", daemon=True
            )
            thread.start()
            self._queues.append(chunks)
            self._threads.append(thread)

    @staticmethod
    def _consume(group: Group, chunks: "queue.Queue[Chunk | None]") -> None:
        while (chunk := chunks.get()) is not _DONE:
            for digest in group:
                digest.update(chunk)

    def update(self, chunk: Chunk) -> None:
        """Hand an immutable chunk to every digest (blocks only if a digest falls far behind)."""
        if self._finished:
            raise RuntimeError("digests already finished")  # a bug in the caller
        if not self._threads:
            if len(chunk) <= self._inline_left:
                self._inline_left -= len(chunk)
                for group in self._groups:
                    for digest in group:
                        digest.update(chunk)
                return
            self._start()
        for chunks in self._queues:
            chunks.put(chunk)

    def close(self) -> None:
        """Stop the threads (idempotent); called by ``hexdigests`` and on abort."""
        if self._finished:
            return
        self._finished = True
        for chunks in self._queues:
            chunks.put(_DONE)
        for thread in self._threads:
            thread.join()

    def hexdigests(self) -> dict[str, str]:
        """Wait for every digest and return them by name."""
        self.close()
        return {
            name: digest.hexdigest()
            for names, group in zip(self._names, self._groups, strict=True)
            for name, digest in zip(names, group, strict=True)
        }
