"""The export's threads: the vault read ahead on one, the output hashed on another and written on a third.

Exporting is three passes over every byte: the vault's AES-GCM, age's ChaCha20-Poly1305, and the
SHA-256 of the finished file the recipient compares (the vault's own SHA-256 re-check is not
needed for an export: decisions.md §6), plus the reads and writes. ``cryptography`` (since 51) and
hashlib release the GIL inside those calls for buffers over 2 KiB, and so do file reads and writes
(verified by the GIL probe in ``benchmarks/bundle_bench.py``), so four threads share them over two
cores: the vault is read and decrypted ahead of the sealer (``prefetched``), the caller seals age
chunks, and the output is hashed on one thread and written on another behind it
(``HashingWriter``). The output's SHA-256 is the one pass that cannot be split (one serial stream,
the longest per byte), so nothing else shares its thread; when the write shared it, the hash thread
was the export's critical path. Each hand-over is a bounded queue of ~1 MiB pieces, so memory
stays a few MiB for any size; a piece handed over is never touched again by the side that gave it.
"""

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

Piece = bytes | bytearray | memoryview
DEPTH = 4  # pieces in flight per hand-over: enough to ride out scheduling jitter, a few MiB at most


class _End:
    pass


_END = _End()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _drain(pieces: "queue.Queue[object]") -> None:
    while True:
        try:
            pieces.get_nowait()
        except queue.Empty:
            return


def prefetched(source: Iterator[Piece], depth: int = DEPTH) -> Iterator[Piece]:
    """Yield ``source``'s pieces, produced on a thread of its own up to ``depth`` ahead.

    The first piece is taken on the caller's thread: a vault stream does its database reads
    before its first piece, and SQLite connections belong to the thread that opened them.
    Closing this generator (cancel, error) stops the thread and closes ``source``; an error in
    ``source`` is raised here, after the pieces that came before it.
    """
    first = next(source, _END)
    if isinstance(first, _End):
        return
    yield first
    pieces: queue.Queue[object] = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in source:
                pieces.put(piece)
                if stop.is_set():
                    return
            pieces.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            pieces.put(_Failed(exc))

    thread = threading.Thread(target=produce, name="bundle-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = pieces.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]  # only bytes-like pieces are queued besides the markers
    finally:
        stop.set()
        _drain(pieces)  # unblocks a producer waiting to put; it then sees ``stop``
        thread.join()
        close = getattr(source, "close", None)
        if close is not None:
            close()  # the source's own clean-up (its file handle) on this thread, after the producer ended


class _Consumer:
    """One thread applying ``step`` to every piece queued to it, in order; keeps the first error."""

    def __init__(self, step: "Callable[[Piece], object]", name: str, depth: int) -> None:
        self._step = step
        self._pieces: queue.Queue[object] = queue.Queue(depth)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._consume, name=name, daemon=True)
        self._thread.start()

    def _consume(self) -> None:
        while not isinstance(piece := self._pieces.get(), _End):
            if self.error is not None:
                continue  # keep draining so the producer never blocks on a dead consumer
            try:
                self._step(piece)  # type: ignore[arg-type]  # only pieces are queued besides the marker
            except BaseException as exc:  # raised on the caller's thread by write/finish
                self.error = exc

    def put(self, piece: Piece) -> None:
        self._pieces.put(piece)

    def skip_the_rest(self) -> None:
        """Drop what is still queued instead of applying ``step`` to it (the export is abandoned)."""
        self.error = self.error or RuntimeError("aborted")

    def stop(self) -> None:
        self._pieces.put(_END)
        self._thread.join()


class HashingWriter:
    """A write-only file object that hashes (SHA-256) and writes to ``out``, each on a thread of its own.

    The output's SHA-256 is one serial stream and the export's longest pass, so it gets a thread to
    itself; writing (the kernel's copy into the page cache) overlaps it on another. Both read the
    same piece, so ``write`` takes ownership of the buffer it is given: the caller must not change
    it afterwards (``StreamEncryptor`` hands over a fresh buffer per batch for this). A failed
    write (disk full) is raised by the next ``write`` or by ``finish``.
    """

    def __init__(self, out: BinaryIO, depth: int = DEPTH) -> None:
        self._digest = hashlib.sha256()
        self._size = 0
        self._hasher = _Consumer(self._digest.update, "bundle-hash", depth)
        self._writer = _Consumer(out.write, "bundle-write", depth)
        self._closed = False

    def _error(self) -> BaseException | None:
        return self._writer.error or self._hasher.error

    def write(self, data: Piece) -> int:
        """Queue ``data`` (now owned by this writer) to be hashed and written."""
        if (error := self._error()) is not None:
            raise error
        if self._closed:
            raise ValueError("write to a finished HashingWriter")
        self._hasher.put(data)
        self._writer.put(data)
        size = len(memoryview(data))
        self._size += size
        return size

    def finish(self) -> tuple[str, int]:
        """Wait for every piece to be written; returns the SHA-256 (hex) and size of all written."""
        self._stop()
        if (error := self._error()) is not None:
            raise error
        return self._digest.hexdigest(), self._size

    def abort(self) -> None:
        """Stop without raising (the caller is already handling an error). Idempotent."""
        if not self._closed:
            self._hasher.skip_the_rest()
            self._writer.skip_the_rest()
        self._stop()

    def _stop(self) -> None:
        if not self._closed:
            self._closed = True
            self._hasher.stop()
            self._writer.stop()
