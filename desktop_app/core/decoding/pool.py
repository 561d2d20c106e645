"""The decoder pool: untrusted pictures and videos are decoded in worker processes, never here.

Each worker is a "spawn"ed process (the app runs Qt threads, so fork is unsafe) with a memory
cap, no core dumps and Pillow's guards (see ``worker.py``). The pool owns one thread per worker:
the thread takes the next job from a shared queue (so jobs go to idle workers), sends it down the
worker's pipe and waits for the reply within the job's wall-clock limit. On a timeout, a crash or
a memory failure the thread kills the worker; a fresh one is spawned for the next job. Replies
are small (hashes, metadata, bounded previews) and parsed strictly (``wire.py``), because a
worker that decoded a hostile file is not trusted.

Nothing starts at import or construction: the first job starts the threads, and each thread its
process. The parent process never imports a decoder library for this.

Outcomes: ``analyse`` never raises for bad media: undecodable bytes give a ``MediaAnalysis`` with
a ``RenderProblem`` and a reviewer-facing ``problem_detail``; bytes that are no picture or video
at all (text, archives, random data) give ``kind=OTHER`` and ``problem=None``; a recognised
format we deliberately do not decode (HEIC, JPEG 2000, audio-only) gives ``UNSUPPORTED_FORMAT``;
a plaintext path that cannot be opened gives ``UNREADABLE``. It does raise typed errors for the
vault's own failures, which are not media problems: ``BlobIntegrityError`` (the blob failed
authentication), ``BlobMissing``, and ``DecoderUnavailable`` if no worker can start.
"""

import concurrent.futures
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from desktop_app.core.crypto.stream import EncryptedFile
from desktop_app.core.decoding import diagnostics, wire
from desktop_app.core.decoding.jobs import (
    DEFAULT_LIMITS,
    AnalyseJob,
    DecodeLimits,
    Job,
    MediaSource,
    PreviewJob,
    ProbeJob,
    portable,
)
from desktop_app.core.decoding.problems import describe
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, PreviewSet, RenderProblem
from desktop_app.core.errors import BlobIntegrityError, BlobMissing, DecoderUnavailable, OperationCancelled

__all__ = ["DecodeLimits", "DecoderPool", "MediaSource", "analyse_paths"]

_STARTUP_SECONDS = 60.0  # a cold spawn imports numpy, Pillow and FFmpeg; a busy laptop can be slow
# An idle worker whose pipe closes returns from its loop and exits on its own (flushing what an exiting
# Python flushes, e.g. coverage data in CI); one still busy after this long is killed.
_EXIT_GRACE_SECONDS = 2.0
_LOST_GRACE_SECONDS = 0.5
Outcome = MediaAnalysis | PreviewSet


def _worker_entry(conn: Connection, limits: DecodeLimits) -> None:
    # Imported here, in the child, so the app process never loads the decoders for the pool.
    from desktop_app.core.decoding.worker import worker_main

    worker_main(conn, limits)


def _limit_outcome(job: Job, problem: RenderProblem, kind: MediaKind) -> Outcome:
    detail = describe(problem, kind)
    if isinstance(job, PreviewJob):
        return PreviewSet(problem=problem, problem_detail=detail)
    return MediaAnalysis(kind, problem=problem, problem_detail=detail)


def _failure(job: Job, code: str) -> Exception:
    source = job.source if isinstance(job, AnalyseJob | PreviewJob) else None
    blob = source.path.name if isinstance(source, EncryptedFile) else "?"
    if code == "blob-integrity":
        return BlobIntegrityError(
            f"Evidence blob {blob} failed authentication: it was altered or truncated on disk. "
            "Restore the workspace from a backup; the custody log records the failure."
        )
    if code in ("blob-missing", "blob-unreadable"):
        return BlobMissing(f"Evidence blob {blob} is recorded but its file cannot be read. Restore it from a backup.")
    return RuntimeError(f"the decoder refused the job ({code})")  # a programming error, not a user's


class _Worker:
    """One worker process and the pool thread that feeds it."""

    def __init__(self, pool: "DecoderPool", index: int) -> None:
        self._pool = pool
        self.index = index
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._busy = False  # a job is on its way to, or in, the process
        self.thread = threading.Thread(target=self._serve, name=f"decoder-{index}", daemon=True)

    def _serve(self) -> None:
        while True:
            item = self._pool._jobs.get()
            if item is None:
                break
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue
            with self._lock:
                self._busy = True
            try:
                outcome = self._run(job)
            except BaseException as exc:  # noqa: BLE001 - delivered to the caller through the future
                future.set_exception(exc)
            else:
                future.set_result(outcome)
            finally:
                with self._lock:
                    self._busy = False
        self.stop(grace=_EXIT_GRACE_SECONDS)

    def _start(self) -> Connection:
        with self._lock:
            if self._pool._closing.is_set():
                raise OperationCancelled("The decoder pool is closing.")
            if self._process is not None and self._process.is_alive() and self._conn is not None:
                return self._conn
            self._reap_locked()
            ctx = get_context("spawn")
            parent_conn, child_conn = ctx.Pipe(duplex=True)
            process = ctx.Process(
                target=_worker_entry, args=(child_conn, self._pool.limits), name="evidence-desk-decoder", daemon=True
            )
            started = time.monotonic()
            try:
                process.start()
            except OSError as exc:
                parent_conn.close()
                diagnostics.could_not_start(self.index, exc.strerror or type(exc).__name__)
                raise DecoderUnavailable(f"The decoder process could not be started ({exc.strerror}).") from None
            finally:
                child_conn.close()
            self._process, self._conn = process, parent_conn
        ready = wait([parent_conn, process.sentinel], _STARTUP_SECONDS)
        try:
            if parent_conn in ready and parent_conn.recv_bytes(64) == wire.READY:
                diagnostics.started(self.index, process.pid, time.monotonic() - started)
                return parent_conn
        except (EOFError, OSError):
            pass
        pid = process.pid
        exitcode = self.stop()
        if self._pool._closing.is_set():
            raise OperationCancelled("The decoder pool is closing.")
        diagnostics.could_not_start(self.index, f"no answer within {_STARTUP_SECONDS:.0f} s", pid, exitcode)
        raise DecoderUnavailable("The decoder process did not start. Reinstall Evidence Desk if this persists.")

    def _run(self, job: Job) -> Outcome:
        conn = self._start()
        process = self._process
        assert process is not None
        pid = process.pid  # for the log: the process object is closed once stopped
        started = time.monotonic()
        deadline = started + self._pool.limits.seconds
        kind = MediaKind.OTHER
        try:
            conn.send(portable(job))
        except (OSError, ValueError):
            return self._lost(job, kind)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                diagnostics.timed_out(self.index, job, kind, time.monotonic() - started, pid)
                return _limit_outcome(job, RenderProblem.TIMED_OUT, kind)
            wait([conn, process.sentinel], remaining)
            if not conn.poll(0):
                if process.is_alive():
                    continue  # woke without a message: wait for the rest of the time
                return self._lost(job, kind)
            try:
                message = conn.recv_bytes(wire.MAX_MESSAGE_BYTES)
            except (EOFError, OSError):
                return self._lost(job, kind)
            tag, body = message[:1], message[1:]
            try:
                if tag == wire.STAGE:
                    kind = MediaKind(body.decode("ascii"))
                    if kind is MediaKind.VIDEO:
                        deadline = started + self._pool.limits.video_seconds
                    continue
                if tag == wire.FAILURE:
                    code = wire.decode_failure(body)[0]
                    diagnostics.refused(self.index, job, code)
                    raise _failure(job, code)
                outcome: Outcome
                if tag == wire.PREVIEWS and isinstance(job, PreviewJob):
                    outcome = wire.decode_previews(body)
                elif tag == wire.ANALYSIS and isinstance(job, AnalyseJob | ProbeJob):
                    outcome = wire.decode_analysis(body)
                else:
                    raise wire.WireError("unexpected message")
            except (wire.WireError, ValueError):
                self.stop()  # a worker that talks nonsense is not trusted with another job
                diagnostics.malformed(self.index, job, pid)
                return _limit_outcome(job, RenderProblem.DECODER_CRASHED, kind)
            if outcome.problem is RenderProblem.TOO_MUCH_MEMORY:
                self.stop()  # the worker retires itself too; make sure before the next job
                diagnostics.over_memory(self.index, job, kind, pid)
            return outcome

    def _lost(self, job: Job, kind: MediaKind) -> Outcome:
        """The worker died without answering: a crash, or the OOM killer."""
        pid = self._process.pid if self._process is not None else None
        # Its pipe closed because it is exiting: a moment to finish, so its exit code can be read
        # (killed by us, it would have none; the OOM killer's SIGKILL is what tells memory apart).
        exitcode = self.stop(grace=_LOST_GRACE_SECONDS)
        if self._pool._closing.is_set():
            raise OperationCancelled("Decoding was stopped because the decoder pool is closing.")
        oom = exitcode == -signal.SIGKILL if hasattr(signal, "SIGKILL") else False
        diagnostics.died(self.index, job, kind, pid, exitcode, oom)
        return _limit_outcome(job, RenderProblem.TOO_MUCH_MEMORY if oom else RenderProblem.DECODER_CRASHED, kind)

    def kill(self) -> None:
        """Kill the worker if it is running a job (from another thread; the feeding thread cleans up).

        An idle worker is left to exit on its own when the feeding thread closes its pipe.
        """
        with self._lock:
            if self._busy and self._process is not None and self._process.is_alive():
                self._process.kill()

    def stop(self, grace: float = 0.0) -> int | None:
        """End the worker (given ``grace`` seconds to exit by itself); its exit code unless we killed it."""
        with self._lock:
            return self._reap_locked(grace)

    def _reap_locked(self, grace: float = 0.0) -> int | None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if grace > 0:
            process.join(grace)
        killed = False
        if process.is_alive():
            process.kill()
            killed = True
        process.join(5)
        exitcode = process.exitcode
        if exitcode is not None:
            process.close()
        return None if killed else exitcode


class DecoderPool:
    """Decode untrusted media in sandboxed worker processes. Thread-safe; a context manager.

    Args:
        workers: number of worker processes (default: one per CPU).
        limits: memory, time, pixel and video caps applied to every job.
    """

    def __init__(self, workers: int | None = None, limits: DecodeLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._size = max(1, workers or os.cpu_count() or 1)
        self._jobs: queue.SimpleQueue[tuple[Job, concurrent.futures.Future[Any]] | None] = queue.SimpleQueue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()

    @property
    def size(self) -> int:
        """Number of worker processes (started on first use)."""
        return self._size

    def _submit(self, job: Job) -> "concurrent.futures.Future[Any]":
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            if self._closing.is_set():
                raise RuntimeError("the decoder pool is closed")
            if not self._workers:
                self._workers = [_Worker(self, i) for i in range(self._size)]
                for worker in self._workers:
                    worker.thread.start()
            self._jobs.put((job, future))
        return future

    def submit_analyse(self, source: MediaSource) -> "concurrent.futures.Future[MediaAnalysis]":
        """Queue an analysis; the future holds the ``MediaAnalysis`` (or a typed vault error)."""
        return self._submit(AnalyseJob(source))

    def analyse(self, source: MediaSource) -> MediaAnalysis:
        """Decode once: kind, size, PDQ or vPDQ, metadata. Blocks; never raises for bad media."""
        result: MediaAnalysis = self.submit_analyse(source).result()
        return result

    def submit_previews(
        self, source: MediaSource, max_side: int = 256, keyframes: int = 9
    ) -> "concurrent.futures.Future[PreviewSet]":
        """Queue a preview job (see ``previews``)."""
        return self._submit(PreviewJob(source, max_side, keyframes))

    def previews(self, source: MediaSource, max_side: int = 256, keyframes: int = 9) -> PreviewSet:
        """Bounded RGB previews: one upright picture, or ``keyframes`` frames spread over a video."""
        result: PreviewSet = self.submit_previews(source, max_side, keyframes).result()
        return result

    def close(self) -> None:
        """Cancel queued jobs, stop running ones (their futures raise ``OperationCancelled``), end workers."""
        with self._lock:
            if self._closing.is_set():
                return
            self._closing.set()
            workers = list(self._workers)
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1].cancel()
        for _ in workers:
            self._jobs.put(None)
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.thread.join()
        if workers:
            diagnostics.closed(len(workers))

    def __enter__(self) -> "DecoderPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def analyse_paths(
    paths: Iterable[Path], pool: DecoderPool | None = None, limits: DecodeLimits = DEFAULT_LIMITS
) -> Iterator[tuple[Path, MediaAnalysis]]:
    """Analyse plaintext files named on the command line (``evidence-desk hash FILE...``), in order.

    The files are the user's own, not vault blobs, but still untrusted media, so they go through
    the same sandbox: ``pool``, or a private one closed at the end. A bounded number of jobs is in
    flight at a time. A path that cannot be opened yields ``RenderProblem.UNREADABLE``; nothing
    here raises for a bad file.
    """
    active = DecoderPool(limits=limits) if pool is None else pool
    window = 4 * active.size
    pending: deque[tuple[Path, concurrent.futures.Future[MediaAnalysis]]] = deque()
    try:
        for path in paths:
            pending.append((path, active.submit_analyse(path)))
            if len(pending) >= window:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        for _, future in pending:
            future.cancel()
        if pool is None:
            active.close()
