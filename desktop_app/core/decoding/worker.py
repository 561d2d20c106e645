"""The decoder worker process: where untrusted pictures and videos are decoded.

Started by ``pool.DecoderPool`` with the "spawn" method, it sets its own limits before it takes
any job: an address-space cap (RLIMIT_AS) above what its libraries already use, no core dumps
(a core file would hold decrypted evidence), one malloc arena, and Pillow's guards. It then
answers jobs one at a time over its pipe until the pipe closes. Evidence is read straight from
the vault through ``open_encrypted`` (decrypted in memory, chunk by chunk) or from a plain file
the user named; nothing is written anywhere.

A job's result is always a message, never an exception: decoder errors become a
``RenderProblem``; a vault blob that fails authentication or is missing becomes a failure the
app raises as a typed error. After a ``MemoryError`` the worker answers and then exits, so the
next job gets a fresh heap. Time limits and crashes are the app's side of the pipe.
"""

import contextlib
import ctypes
import io
import os
import signal
import stat
import sys
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from desktop_app.core.crypto.stream import EncryptedFile, EncryptedReader, StreamError, open_encrypted
from desktop_app.core.decoding import wire
from desktop_app.core.decoding.images import analyse_image, configure_pillow, preview_image
from desktop_app.core.decoding.jobs import AnalyseJob, DecodeLimits, Job, PreviewJob, ProbeJob, restore
from desktop_app.core.decoding.problems import describe
from desktop_app.core.decoding.sniff import HEAD_BYTES, Sniffed, sniff
from desktop_app.core.decoding.video import VideoRefused, analyse_video, iso_media_truncated, preview_video
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, PreviewSet, RenderProblem
from desktop_app.core.domain.readable_text import TEXT_FORMAT, looks_like_text

_READ_BUFFER = 64 * 1024
_MAX_PREVIEW_BYTES = 48 * 1024 * 1024
_M_ARENA_MAX = -8  # glibc mallopt parameter


def _virtual_size() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_process(limits: DecodeLimits) -> None:
    """Memory cap and no core dumps; best effort where the platform lacks them (see the report)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle, not each worker's
    if sys.platform.startswith("linux"):
        # Every thread's malloc arena reserves 64 MiB of address space; one arena keeps RLIMIT_AS honest.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1)
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time limit and process isolation still apply
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    baseline = _virtual_size()
    if baseline is not None:
        cap = baseline + limits.memory_bytes
        with contextlib.suppress(ValueError, OSError):  # macOS does not support RLIMIT_AS
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def worker_main(conn: Connection, limits: DecodeLimits) -> None:
    """Entry point of a worker process: set limits, then serve jobs until the pipe closes."""
    configure_pillow(limits)
    Image.init()  # load every plugin module now, inside the baseline the memory cap is added to
    _limit_process(limits)
    conn.send_bytes(wire.READY)
    while True:
        try:
            job = restore(conn.recv())  # from the app: trusted
        except (EOFError, OSError):
            return
        message, retire = run_job(job, limits, conn)
        conn.send_bytes(message)
        if retire:
            return


def run_job(job: Job, limits: DecodeLimits, conn: Connection | None = None) -> tuple[bytes, bool]:
    """The reply to one job and whether this worker should retire after sending it."""
    try:
        if isinstance(job, ProbeJob):
            return _probe(job, limits), False
        if isinstance(job, AnalyseJob | PreviewJob):
            return _decode(job, limits, conn)
        return wire.encode_failure("bad-job", type(job).__name__), False
    except MemoryError:
        problem = RenderProblem.TOO_MUCH_MEMORY
        if isinstance(job, PreviewJob):
            return wire.encode_previews(PreviewSet(problem=problem, problem_detail=describe(problem))), True
        return wire.encode_analysis(
            MediaAnalysis(MediaKind.OTHER, problem=problem, problem_detail=describe(problem))
        ), True


def _probe(job: ProbeJob, limits: DecodeLimits) -> bytes:
    if not limits.enable_probes:
        return wire.encode_failure("bad-job", "probes are disabled")
    if job.action == "allocate":
        block = bytearray(job.amount * 1024 * 1024)
        block[::4096] = b"\x01" * len(block[::4096])  # touch every page
        del block
    elif job.action == "sleep":
        time.sleep(job.amount)
    elif job.action == "crash":
        os._exit(job.amount)
    elif job.action == "garbage":  # what an exploited decoder might send back
        return wire.ANALYSIS + b'{"kind": "image", "pdq": ["not-a-hash", 100]}'
    return wire.encode_analysis(MediaAnalysis(MediaKind.OTHER))


def _open_plain(path: Path) -> BinaryIO:
    # O_NONBLOCK: a FIFO must not block the worker; fstat on the descriptor (not the name) decides.
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to fear here
    fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(f"{path.name} is not a regular file")
        if nonblocking:
            os.set_blocking(fd, True)
        return open(fd, "rb", buffering=_READ_BUFFER)  # noqa: SIM115 - caller closes
    except BaseException:
        os.close(fd)
        raise


def _unreadable(job: AnalyseJob | PreviewJob, exc: OSError) -> bytes:
    detail = describe(RenderProblem.UNREADABLE, hint=exc.strerror or type(exc).__name__)
    if isinstance(job, PreviewJob):
        return wire.encode_previews(PreviewSet(problem=RenderProblem.UNREADABLE, problem_detail=detail))
    return wire.encode_analysis(MediaAnalysis(MediaKind.OTHER, problem=RenderProblem.UNREADABLE, problem_detail=detail))


def _decode(job: AnalyseJob | PreviewJob, limits: DecodeLimits, conn: Connection | None) -> tuple[bytes, bool]:
    """Decode a source; after a ``MemoryError`` the worker retires (its heap may be fragmented)."""
    reader: EncryptedReader | None = None
    try:
        if isinstance(job.source, EncryptedFile):
            reader = open_encrypted(job.source)
            fp: BinaryIO = io.BufferedReader(reader, buffer_size=_READ_BUFFER)
        else:
            fp = _open_plain(job.source)
    except StreamError as exc:
        return wire.encode_failure("blob-integrity", str(exc)), False
    except FileNotFoundError as exc:
        if isinstance(job.source, EncryptedFile):
            return wire.encode_failure("blob-missing", "the blob file is gone"), False
        return _unreadable(job, exc), False
    except OSError as exc:
        if isinstance(job.source, EncryptedFile):
            return wire.encode_failure("blob-unreadable", exc.strerror or type(exc).__name__), False
        return _unreadable(job, exc), False
    with fp:
        try:
            head = fp.read(HEAD_BYTES)
            fp.seek(0)
        except StreamError as exc:
            return wire.encode_failure("blob-integrity", str(exc)), False
        sniffed = sniff(head)
        if sniffed is not None and sniffed.supported and conn is not None:
            conn.send_bytes(wire.encode_stage(sniffed.kind))
        try:
            if isinstance(job, PreviewJob):
                return wire.encode_previews(_previews(fp, sniffed, job, limits)), False
            return wire.encode_analysis(_analysis(fp, sniffed, limits, head)), False
        except Exception as exc:  # noqa: BLE001 - hostile bytes make decoders raise anything
            message = _problem_message(job, sniffed, exc, fp)
            # A decoder may report a failed read as its own error: authentication failures win.
            if reader is not None and reader.integrity_error is not None:
                return wire.encode_failure("blob-integrity", str(reader.integrity_error)), False
            return message, isinstance(exc, MemoryError)


def _analysis(fp: BinaryIO, sniffed: Sniffed | None, limits: DecodeLimits, head: bytes) -> MediaAnalysis:
    if sniffed is None:  # not a picture or video at all: nothing to decode, but text is worth saying
        return MediaAnalysis(MediaKind.OTHER, format=TEXT_FORMAT if looks_like_text(head) else None)
    if not sniffed.supported:
        detail = describe(RenderProblem.UNSUPPORTED_FORMAT, sniffed.kind, sniffed.name)
        return MediaAnalysis(sniffed.kind, format=sniffed.display, problem=RenderProblem.UNSUPPORTED_FORMAT,
                             problem_detail=detail)  # fmt: skip
    if sniffed.kind is MediaKind.IMAGE:
        return analyse_image(fp, sniffed.name, limits)
    try:
        return replace(analyse_video(fp, sniffed.name, limits), format=sniffed.display)
    except VideoRefused as refused:
        return MediaAnalysis(
            refused.kind, format=sniffed.display, problem=refused.problem, problem_detail=refused.detail
        )


def _previews(fp: BinaryIO, sniffed: Sniffed | None, job: PreviewJob, limits: DecodeLimits) -> PreviewSet:
    if sniffed is None or not sniffed.supported:
        name = sniffed.name if sniffed else "not a picture or video"
        kind = sniffed.kind if sniffed else MediaKind.OTHER
        return PreviewSet(problem=RenderProblem.UNSUPPORTED_FORMAT,
                          problem_detail=describe(RenderProblem.UNSUPPORTED_FORMAT, kind, name))  # fmt: skip
    side = max(16, min(job.max_side, limits.max_preview_side))
    if sniffed.kind is MediaKind.IMAGE:
        return preview_image(fp, sniffed.name, side)
    count = max(1, min(job.keyframes, limits.max_keyframes))
    # Keep the whole grid bounded, however many keyframes are asked for.
    side = min(side, int((_MAX_PREVIEW_BYTES / (3 * count)) ** 0.5))
    try:
        return preview_video(fp, sniffed.name, limits, side, count)
    except VideoRefused as refused:
        return PreviewSet(problem=refused.problem, problem_detail=refused.detail)


def classify(exc: BaseException) -> RenderProblem:
    """Map a decoder exception to the problem it means (``MemoryError`` first: it can be anything)."""
    if isinstance(exc, MemoryError):
        return RenderProblem.TOO_MUCH_MEMORY
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return RenderProblem.TOO_MANY_PIXELS
    message = str(exc).lower()
    if isinstance(exc, EOFError) or "truncated" in message or "end of file" in message:
        return RenderProblem.TRUNCATED
    # Anything else a decoder raises on hostile bytes (OSError, SyntaxError, struct.error,
    # ValueError, IndexError, ...) means the same thing to the reviewer.
    return RenderProblem.CORRUPT


def _problem_message(job: AnalyseJob | PreviewJob, sniffed: Sniffed | None, exc: Exception, fp: BinaryIO) -> bytes:
    problem = classify(exc)
    kind = sniffed.kind if sniffed else MediaKind.OTHER
    if problem is RenderProblem.CORRUPT and sniffed is not None and sniffed.name == "mov":
        try:
            if iso_media_truncated(fp):
                problem = RenderProblem.TRUNCATED
        except (OSError, ValueError, StreamError):  # cannot even be walked: leave it "corrupt"
            pass
    detail = describe(problem, kind, f"{type(exc).__name__}: {exc}")
    if isinstance(job, PreviewJob):
        return wire.encode_previews(PreviewSet(problem=problem, problem_detail=detail))
    return wire.encode_analysis(
        MediaAnalysis(kind, format=sniffed.display if sniffed else None, problem=problem, problem_detail=detail)
    )
