"""What the decoder pool tells support: which worker, what kind of job and media, how long, how it ended.

Never which file: no path, blob id, name or hash reaches these lines, because the log is not
encrypted. Failure codes come from a process that decoded hostile bytes, so only known codes are
written. A timed-out, crashed or retired worker is a WARNING (the sandbox did its job, but support
wants to see it); a worker that cannot start at all is an ERROR (nothing gets analysed).
"""

import logging

from desktop_app.core.decoding.jobs import AnalyseJob, Job, PreviewJob, ProbeJob
from desktop_app.core.domain.media import MediaKind

log = logging.getLogger(__name__)

KNOWN_FAILURES = frozenset({"blob-integrity", "blob-missing", "blob-unreadable"})
_JOB_NAMES: dict[type, str] = {AnalyseJob: "analysis", PreviewJob: "preview", ProbeJob: "probe"}


def job_name(job: Job) -> str:
    """``analysis``, ``preview`` or ``probe``."""
    return _JOB_NAMES.get(type(job), type(job).__name__)


def started(worker: int, pid: int | None, seconds: float) -> None:
    """A worker process answered READY."""
    log.info("decoder %d: process %s ready in %.1f s", worker, pid, seconds)


def could_not_start(worker: int, reason: str, pid: int | None = None, exitcode: int | None = None) -> None:
    """No worker process: nothing gets analysed until one starts."""
    log.error("decoder %d: process %s did not start (%s, exit code %s)", worker, pid, reason, exitcode)


def timed_out(worker: int, job: Job, kind: MediaKind, seconds: float, pid: int | None) -> None:
    """A job ran past its wall-clock limit; its worker was killed."""
    log.warning(
        "decoder %d: %s job on %s media timed out after %.1f s; process %s killed",
        worker,
        job_name(job),
        kind,
        seconds,
        pid,
    )


def refused(worker: int, job: Job, code: str) -> None:
    """The worker answered with a failure (a vault blob it could not read, a bad job)."""
    shown = code if code in KNOWN_FAILURES else "unrecognised code"
    log.warning("decoder %d: %s job refused: %s", worker, job_name(job), shown)


def malformed(worker: int, job: Job, pid: int | None) -> None:
    """The worker's reply did not parse; it is not trusted with another job."""
    log.warning("decoder %d: malformed reply to a %s job; process %s retired", worker, job_name(job), pid)


def over_memory(worker: int, job: Job, kind: MediaKind, pid: int | None) -> None:
    """The worker hit its memory cap and retired."""
    log.warning(
        "decoder %d: %s job on %s media went over the memory cap; process %s retired", worker, job_name(job), kind, pid
    )


def died(worker: int, job: Job, kind: MediaKind, pid: int | None, exitcode: int | None, oom: bool) -> None:
    """The worker process ended without answering."""
    log.warning(
        "decoder %d: process %s died during a %s job on %s media (exit code %s%s)",
        worker,
        pid,
        job_name(job),
        kind,
        exitcode,
        ", killed: likely out of memory" if oom else "",
    )


def closed(workers: int) -> None:
    """The pool shut down."""
    log.info("decoder pool closed (%d workers)", workers)
