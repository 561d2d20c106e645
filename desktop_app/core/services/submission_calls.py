"""One call to NCMEC as the submission sees it: what the answer means, and when to try again.

NCMEC's answers are sorted into five outcomes. ``DONE``: code 0. ``ALREADY``: the report is already
where the step wanted it (5102 at finish, 5101 at retract). ``RETRY``: certainly not done, safe to
send again (no connection was made; HTTP 429/503, which by HTTP's definition were not processed;
NCMEC's own "failed, nothing saved" codes). ``UNKNOWN``: the request may have taken effect (a
time-out, a broken connection, an answer that is not NCMEC's XML). ``REJECTED``: NCMEC refused it
and will refuse it again (validation, permissions, a report it no longer holds).

Only steps that are safe to repeat are repeated on ``UNKNOWN`` (finish, retract); the caller
decides that. Calls run on a short-lived thread so the generator keeps yielding progress (and the
upload's speed) while httpx blocks.
"""

import random
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from desktop_app.core.cybertipline.advice import advice_for
from desktop_app.core.cybertipline.client import ApiResponse, CallLimits
from desktop_app.core.errors import CyberTiplineOutcomeUnknown, CyberTiplineUnreachable, OperationCancelled
from desktop_app.core.progress import CancelToken

T = TypeVar("T")
POLL_SECONDS = 0.1
# NCMEC's codes that say "it failed and nothing was changed": sending again is safe.
NOTHING_CHANGED = frozenset({1100, 1110, 1111, 1300, 4200})
# "Server error": an unexpected failure, which can come after the report or the file was saved (as a
# 500 without a body can); only finish and retract are sent again after it.
SERVER_ERROR = 1000


class Outcome(StrEnum):
    """What an answer means for the step."""

    DONE = "done"
    ALREADY = "already"
    RETRY = "retry"
    UNKNOWN = "unknown"
    REJECTED = "rejected"


@dataclass(frozen=True)
class StepResult:
    """The outcome of a step's last try: NCMEC's answer if one came, and a sentence about it."""

    outcome: Outcome
    response: ApiResponse | None
    message: str
    advice: str

    @property
    def code(self) -> int | None:
        """NCMEC's response code, if an answer with one came."""
        return self.response.response_code if self.response is not None else None

    @property
    def http_status(self) -> int | None:
        """The HTTP status, if an answer came."""
        return self.response.http_status if self.response is not None else None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a repeatable step is tried.

    ``attempts`` counts every try. Waits grow from ``first_delay`` by doubling up to ``max_delay``
    (with a little jitter, so many clients do not return in step); a ``Retry-After`` from NCMEC is
    honoured instead, unless it asks for more than ``longest_wait``, when the run stops and says so.
    """

    attempts: int = 4
    first_delay: float = 2.0
    max_delay: float = 60.0
    longest_wait: float = 600.0

    def delay(self, tries: int, retry_after: float | None) -> float | None:
        """Seconds to wait before try ``tries + 1``; None when the wait asked for is too long."""
        if retry_after is not None:
            return float(retry_after) if retry_after <= self.longest_wait else None
        base: float = min(self.max_delay, self.first_delay * 2.0 ** (tries - 1))
        return base * (1 + random.uniform(0, 0.1))  # noqa: S311 - jitter, not security


@dataclass(frozen=True)
class SubmissionSettings:
    """Limits of one submission service: per-call time limits, retries, restarts. Tests shorten them."""

    limits: CallLimits = CallLimits()
    retry: RetryPolicy = RetryPolicy()
    max_restarts: int = 2  # fresh submits after withdrawing a report whose content became unknown


def classify(step: str, response: ApiResponse) -> StepResult:
    """Sort an answer (of any HTTP status) into an outcome for ``step`` (``submit``, ``upload:3``...)."""
    kind = step.split(":", 1)[0]
    code, status = response.response_code, response.http_status
    advice = advice_for(code, status, step)
    said = f"code {code}: {response.description}" if code is not None else f"HTTP {status} without NCMEC's XML"
    support = f" (Request-ID {response.request_id})" if response.request_id else ""
    if response.ok:
        return StepResult(Outcome.DONE, response, "Done.", "")
    if (kind, code) in (("finish", 5102), ("retract", 5101)):
        return StepResult(Outcome.ALREADY, response, f"NCMEC answered {said}: already done.", "")
    if code == SERVER_ERROR:
        return StepResult(
            Outcome.UNKNOWN,
            response,
            f"NCMEC answered {said}{support}: whether the step took effect before the error is unknown.",
            advice,
        )
    if code is not None:
        outcome = Outcome.RETRY if code in NOTHING_CHANGED else Outcome.REJECTED
        return StepResult(outcome, response, f"NCMEC answered {said}{support}.", advice)
    if status == 401:
        return StepResult(Outcome.REJECTED, response, f"NCMEC answered {said}{support}.", advice)
    if status in (429, 503):
        return StepResult(Outcome.RETRY, response, f"NCMEC answered {said}{support}.", advice)
    if 300 <= status < 400:
        # Not followed (it would carry the report and the credentials elsewhere): the address is
        # what the reviewer must check, and a server that redirects may still have acted.
        return StepResult(
            Outcome.UNKNOWN,
            response,
            f"The address answered with a redirect (HTTP {status}){support}, which Evidence Desk never follows: check "
            "the address under Workspace > CyberTipline connection. Whether the step took effect there is unknown.",
            advice,
        )
    return StepResult(
        Outcome.UNKNOWN,
        response,
        f"The answer was HTTP {status} without NCMEC's XML{support}: whether the step took effect is unknown.",
        advice,
    )


def from_exception(step: str, problem: Exception) -> StepResult:
    """The outcome when no answer came back."""
    if isinstance(problem, CyberTiplineUnreachable):
        return StepResult(Outcome.RETRY, None, problem.message, advice_for(None, None, step))
    if isinstance(problem, CyberTiplineOutcomeUnknown):
        return StepResult(Outcome.UNKNOWN, None, problem.message, advice_for(None, None, step))
    raise problem


def in_thread(call: Callable[[], T], cancel: CancelToken | None = None) -> Generator[None, None, T]:
    """Run ``call`` on its own thread, yielding every ``POLL_SECONDS`` until it returns (or raises).

    The call is never abandoned half-way: its outcome must be recorded, so even a cancelled run
    waits for it (an upload stops at its next chunk when cancelled; other calls are short).
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as problem:  # noqa: BLE001 - handed to the generator's thread below
            box["error"] = problem

    thread = threading.Thread(target=run, name="cybertipline-call", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL_SECONDS)
        if thread.is_alive():
            yield
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def wait(seconds: float, cancel: CancelToken) -> Generator[None, None, None]:
    """Wait ``seconds``, yielding now and then; ``OperationCancelled`` if the reviewer cancels."""
    end = time.monotonic() + seconds
    while True:
        if cancel.cancelled:
            raise OperationCancelled("Cancelled by the reviewer while waiting to try again.")
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(POLL_SECONDS, left))
        yield
