"""Progress records and cancellation for long work written as generators.

Long operations in core are plain generators: they yield small frozen ``Progress`` records, check a
``CancelToken`` between chunks, and ``return`` their typed result (delivered as
``StopIteration.value``). The UI worker bridge and the CLI both drive them; core never knows who
is watching.
"""

from collections.abc import Generator
from dataclasses import dataclass
from threading import Event
from typing import TypeVar

from desktop_app.core.errors import OperationCancelled

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a long operation has come. ``total`` is None when unknown."""

    done: int
    total: int | None
    message: str = ""


ProgressGenerator = Generator[Progress, None, T]


class CancelToken:
    """Thread-safe flag a long operation polls between chunks."""

    def __init__(self) -> None:
        self._event = Event()

    def cancel(self) -> None:
        """Ask the operation to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was requested."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise ``OperationCancelled`` if cancellation was requested."""
        if self._event.is_set():
            raise OperationCancelled("Cancelled by the reviewer; nothing was changed.")


def run_to_completion(gen: "Generator[Progress, None, T]") -> T:
    """Drive a progress generator without reporting, returning its result."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
