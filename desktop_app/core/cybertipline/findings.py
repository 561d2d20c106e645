"""Findings: what validation says about one field of a report, as data.

Every check in this package (the offline structure check, the business rules, NCMEC's XSD, the
referral-readiness hints) yields immutable ``Finding`` records. ``path`` names the field in the
model's path syntax (see ``model``), so the form can land on it; ``code`` is stable and is what
tests, the CLI's JSON and the form's logic key on; ``message`` is for the reviewer. Referral hints
also carry ``why``: one line on why law enforcement needs the missing information.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters.

    ``ERROR``: NCMEC would reject the document (XSD or documented business rule), so nothing may be
    sent. ``WARNING``: the document would be accepted, but something is probably wrong or makes the
    report less actionable (referral readiness). ``HINT``: a suggestion.
    """

    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.HINT: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing validation found, attached to one field."""

    path: str
    severity: Severity
    code: str
    message: str
    why: str = ""  # referral hints: why law enforcement needs this

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json`` output and stored drafts use it)."""
        record: dict[str, Any] = {
            "path": self.path,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }
        if self.why:
            record["why"] = self.why
        return record


def lower_label(label: str) -> str:
    """A label inside a sentence: "Profile URL" -> "profile URL", "IP address event" stays."""
    words = label.split(" ")
    first = words[0]
    if first[1:2].isupper():  # an acronym (IP, URL, EXIF) keeps its case
        return label
    return " ".join([first[:1].lower() + first[1:], *words[1:]])


def times(count: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def error(path: str, code: str, message: str) -> Finding:
    """An error finding."""
    return Finding(path, Severity.ERROR, code, message)


def warning(path: str, code: str, message: str, why: str = "") -> Finding:
    """A warning finding."""
    return Finding(path, Severity.WARNING, code, message, why)


def hint(path: str, code: str, message: str, why: str = "") -> Finding:
    """A hint finding."""
    return Finding(path, Severity.HINT, code, message, why)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error (the document must not be sent)."""
    return any(f.severity is Severity.ERROR for f in findings)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; by path within each; duplicates dropped."""
    unique = dict.fromkeys(findings)
    return sorted(unique, key=lambda f: (_RANK[f.severity], f.path, f.code))
