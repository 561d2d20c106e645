"""Faults on demand: what the practice server does instead of (or to) its normal answer.

A fault names an endpoint (or ``*``), which call to it (the n-th since the faults were set, or every
call), and a kind. ``applied`` is the question a client most needs answered: did the request take
effect before the answer went wrong? ``applied=True``: the server processes the request (opens the
report, stores the file, finishes...) and then the answer is lost, mangled or replaced.
``applied=False``: the server rejects it before any effect, and whatever answer is sent says so.

Kinds (fields that matter in brackets):

* ``status`` - answer with HTTP ``status`` and ``body``: ``empty``, ``xml`` (a reportResponse with
  ``code``), ``html``, or any other text sent as is. [status, body, code, retry_after]
* ``code`` - an NCMEC error ``code`` in an XML body with HTTP ``status`` (default 200: NCMEC's older
  behaviour), with ``root`` ``reportResponse`` or ``reportDoneResponse``. [code, status, root]
* ``html`` - an HTML page (a proxy's or a portal's) with HTTP ``status`` (default 200).
* ``delay`` - wait ``seconds``, then answer normally (``applied``) or with the refusal.
* ``hang`` - never answer: hold the connection until the server stops or ``seconds`` (default 600)
  pass, then close it.
* ``trickle`` - send the answer at ``rate`` bytes a second (default 1).
* ``drop`` - close the connection without any answer.
* ``truncate`` - announce the whole answer's length, send ``keep`` bytes of it (default half), close.

For ``delay``, ``trickle`` and ``truncate`` with ``applied=False`` the answer that is delayed,
trickled or cut is the refusal: ``code`` (default 1000, server error) with its usual HTTP status.
``retry_after`` adds a ``Retry-After`` header to any answer that has headers.

A fault file is JSON: ``{"faults": [{"endpoint": "/submit", "call": 1, "kind": "drop",
"applied": true}, ...]}`` (a bare list works too; ``"call": "every"`` fires on every call).
"""

import json
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

ENDPOINTS = ("/status", "/xsd", "/submit", "/upload", "/fileinfo", "/finish", "/retract")
KINDS = ("status", "code", "html", "delay", "hang", "trickle", "drop", "truncate")
BODIES = ("empty", "xml", "html")
ROOTS = ("reportResponse", "reportDoneResponse")
DEFAULT_HANG_SECONDS = 600.0
EVERY = "every"


@dataclass(frozen=True)
class Fault:
    """One fault; see the module docstring for the kinds and what their fields mean."""

    endpoint: str
    kind: str
    call: int | None = 1  # None: every call
    applied: bool = False
    status: int | None = None
    code: int | None = None
    body: str | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    rate: float = 1.0
    keep: int | None = None
    root: str = "reportResponse"

    def __post_init__(self) -> None:
        self._check_types()
        if self.endpoint != "*" and self.endpoint not in ENDPOINTS:
            raise ValueError(f"fault endpoint {self.endpoint!r} is not one of {', '.join(ENDPOINTS)} or '*'")
        if self.kind not in KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.call is not None and (not isinstance(self.call, int) or self.call < 1):
            raise ValueError(f"fault call must be 1 or more (or every call); got {self.call!r}")
        if self.kind == "status" and self.status is None:
            raise ValueError("a 'status' fault needs the HTTP status to answer with")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"HTTP status {self.status} is not between 100 and 599")
        if self.seconds < 0 or self.rate <= 0:
            raise ValueError("fault seconds must be 0 or more and rate more than 0")
        if self.keep is not None and self.keep < 0:
            raise ValueError("fault keep must be 0 or more bytes")
        if self.root not in ROOTS:
            raise ValueError(f"fault root {self.root!r} is not one of {', '.join(ROOTS)}")

    def _check_types(self) -> None:
        # A fault file is JSON written by hand: say which field has the wrong kind of value.
        expected: dict[str, tuple[type, ...]] = {
            "endpoint": (str,),
            "kind": (str,),
            "applied": (bool,),
            "status": (int, type(None)),
            "code": (int, type(None)),
            "body": (str, type(None)),
            "retry_after": (str, type(None)),
            "seconds": (int, float),
            "rate": (int, float),
            "keep": (int, type(None)),
            "root": (str,),
        }
        for name, types in expected.items():
            value = getattr(self, name)
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                raise ValueError(f"fault field {name!r} has the wrong type of value: {value!r}")

    @property
    def refusal_code(self) -> int:
        """The NCMEC code a refusal or an XML fault body carries."""
        return self.code if self.code is not None else 1000

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Fault":
        """A fault from its JSON form (the dataclass fields; ``"call": "every"`` for every call)."""
        if not isinstance(data, dict):
            raise ValueError(f"a fault is a JSON object, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        values = dict(data)
        if values.get("call") == EVERY:
            values["call"] = None
        try:
            return cls(**values)
        except TypeError as problem:
            raise ValueError(f"fault {data!r}: {problem}") from None

    def to_data(self) -> dict[str, Any]:
        """The JSON form."""
        data = {k: v for k, v in asdict(self).items() if v is not None}
        data["call"] = EVERY if self.call is None else self.call
        return data


def load_faults(source: str | Path | bytes) -> list[Fault]:
    """Faults from a JSON file (a path) or JSON bytes; ``ValueError`` saying what is wrong."""
    text = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        data = json.loads(text)
    except ValueError as problem:
        raise ValueError(f"the fault file is not JSON: {problem}") from None
    entries = data.get("faults") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError('a fault file holds a list of faults, or {"faults": [...]}')
    return [Fault.from_data(entry) for entry in entries]


class FaultPlan:
    """The faults in force and how many calls each endpoint has had since they were set."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._lock = threading.Lock()
        self._faults: tuple[Fault, ...] = ()
        self._calls: dict[str, int] = {}
        self.replace(faults)

    def replace(self, faults: Iterable[Fault]) -> None:
        """Put ``faults`` in force and start counting calls afresh."""
        checked = tuple(faults)
        for fault in checked:
            if not isinstance(fault, Fault):
                raise TypeError(f"not a Fault: {fault!r}")
        with self._lock:
            self._faults = checked
            self._calls = {}

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults in force."""
        with self._lock:
            return self._faults

    def next_call(self, endpoint: str) -> Fault | None:
        """Count one call to ``endpoint``; the first fault that fires on it, if any."""
        with self._lock:
            number = self._calls.get(endpoint, 0) + 1
            self._calls[endpoint] = number
            for fault in self._faults:
                if fault.endpoint in (endpoint, "*") and fault.call in (None, number):
                    return fault
            return None
