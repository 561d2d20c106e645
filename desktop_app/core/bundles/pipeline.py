"""The export's threads: the vault read ahead on one, the output hashed and written on another.

Exporting is three passes over every byte: the vault's AES-GCM, age's ChaCha20-Poly1305, and the
SHA-256 of the finished file the recipient compares (the vault's own SHA-256 re-check is not
needed for an export: decisions.md §6). ``cryptography`` (since 51) and hashlib release the GIL
inside those calls for buffers over 2 KiB (verified by the GIL probe in
``benchmarks/bundle_bench.py``), so three threads overlap them on two cores: the vault is
decrypted ahead of the writer (``prefetched``), the caller seals age chunks, and the output is
hashed and written behind it (``HashingWriter``). Measured per byte, hashing and writing the
output is the largest share, so sealing age chunks on more threads would not shorten the export. Each
hand-over is a bounded queue of ~1 MiB pieces, so memory stays a few MiB for any size; a piece
handed over is never touched again by the side that gave it.

Why three threads, measured at 512 MiB on two cores (best of 8, alternating, output in memory):
the output hashed on one thread and written on a fourth took 0.66 s against these three's 0.63 s
(more CPU handing pieces over than the overlap won back); sealing on the read-ahead thread (two
threads) took 0.64 s against 0.60 s. The export is bound by its CPU time (about 1.9 ns a byte
in all, against 1.3 for its passes alone), not by one thread.
"""

import hashlib
import queue
import threading
from collections.abc import Iterator
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


class HashingWriter:
    """A write-only file object that hashes (SHA-256) and writes to ``out`` on a thread of its own.

    ``write`` takes ownership of the buffer it is given: the caller must not change it afterwards
    (``StreamEncryptor`` hands over a fresh buffer per batch for this). A failed write (disk full)
    is raised by the next ``write`` or by ``finish``.
    """

    def __init__(self, out: BinaryIO, depth: int = DEPTH) -> None:
        self._out = out
        self._pieces: queue.Queue[object] = queue.Queue(depth)
        self._digest = hashlib.sha256()
        self._size = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._consume, name="bundle-hash-write", daemon=True)
        self._thread.start()
        self._closed = False

    def _consume(self) -> None:
        while not isinstance(piece := self._pieces.get(), _End):
            if self._error is not None:
                continue  # keep draining so the writer never blocks on a dead consumer
            try:
                assert isinstance(piece, bytes | bytearray | memoryview)
                self._digest.update(piece)
                self._out.write(piece)
                self._size += len(memoryview(piece))
            except BaseException as exc:  # raised on the caller's thread by write/finish
                self._error = exc

    def write(self, data: Piece) -> int:
        """Queue ``data`` (now owned by this writer) to be hashed and written."""
        if self._error is not None:
            raise self._error
        if self._closed:
            raise ValueError("write to a finished HashingWriter")
        self._pieces.put(data)
        return len(memoryview(data))

    def finish(self) -> tuple[str, int]:
        """Wait for every piece to be written; returns the SHA-256 (hex) and size of all written."""
        self._stop()
        if self._error is not None:
            raise self._error
        return self._digest.hexdigest(), self._size

    def abort(self) -> None:
        """Stop without raising (the caller is already handling an error). Idempotent."""
        if not self._closed:
            self._error = self._error or RuntimeError("aborted")
        self._stop()

    def _stop(self) -> None:
        if not self._closed:
            self._closed = True
            self._pieces.put(_END)
        self._thread.join()
