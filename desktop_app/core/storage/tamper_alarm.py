"""The persistent *tampering detected* state, kept beside the anchor, outside the data folder.

A failed verification is written here before anything else happens, and only an explicit,
logged acknowledgement removes it (``Workspace.acknowledge_tampering``). It cannot live in the
database: the database is what was tampered with, and an append to it would re-seal the very head
that gave the tampering away. It lives outside the data folder for the reason the anchor does:
restoring an old data folder must not restore an old, quiet state.

The file fails closed: if it exists but cannot be read, that is still an alarm.
"""

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.core.platform.files import TooLarge, atomic_write_bytes, fsync_directory, read_bounded

_MAX_BYTES = 1 << 20
_MAX_DETECTIONS = 50  # the first detections matter most; a loop of failures must not grow the file


@dataclass(frozen=True)
class Detection:
    """One failed verification, as found."""

    detected_at: str
    problem: str
    first_bad_seq: int | None
    entries: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form (also what the acknowledgement event records)."""
        return {
            "detected_at": self.detected_at,
            "problem": self.problem,
            "first_bad_seq": self.first_bad_seq,
            "entries": self.entries,
        }


@dataclass(frozen=True)
class TamperAlarm:
    """Every unacknowledged detection, oldest first."""

    detections: tuple[Detection, ...]

    @property
    def first(self) -> Detection:
        """The detection that raised the alarm."""
        return self.detections[0]

    def summary(self) -> str:
        """One paragraph for a reviewer: what was found, when, and what to do."""
        first = self.first
        more = f" ({len(self.detections) - 1} later checks failed too)" if len(self.detections) > 1 else ""
        return (
            f"Tampering detected on {first.detected_at}{more}: {first.problem} Nothing is written to the "
            "workspace until you acknowledge it (evidence-desk log acknowledge --reason TEXT, or the app's "
            "Acknowledge button); the acknowledgement is recorded in the custody log."
        )


def alarm_path(anchors_dir: Path, workspace_id_hex: str) -> Path:
    """Where the tampering state of one workspace lives (next to its anchor)."""
    return anchors_dir / f"{workspace_id_hex}.tampering"


def read_alarm(path: Path) -> TamperAlarm | None:
    """The alarm at ``path``; None if there is none; an alarm saying so if the file is unreadable."""
    try:
        record = json.loads(read_bounded(path, _MAX_BYTES))
        detections = tuple(
            Detection(str(d["detected_at"]), str(d["problem"]), d.get("first_bad_seq"), int(d["entries"]))
            for d in record["detections"]
        )
        if not detections:
            raise ValueError("no detections")
        return TamperAlarm(detections)
    except FileNotFoundError:
        return None
    except (OSError, TooLarge, ValueError, KeyError, TypeError):
        stamp = datetime.fromtimestamp(_mtime(path), UTC).isoformat(timespec="seconds")
        return TamperAlarm(
            (Detection(stamp, f"The record of detected tampering ({path}) is itself damaged.", None, 0),)
        )


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return datetime.now(UTC).timestamp()


def raise_alarm(path: Path, problem: str, first_bad_seq: int | None, entries: int) -> TamperAlarm:
    """Add a detection (creating the alarm if needed) and return the alarm as now stored."""
    detection = Detection(datetime.now(UTC).isoformat(timespec="seconds"), problem, first_bad_seq, entries)
    existing = read_alarm(path)
    detections = (existing.detections if existing else ()) + (detection,)
    alarm = TamperAlarm(detections[:_MAX_DETECTIONS])
    body = {"detections": [d.to_dict() for d in alarm.detections]}
    atomic_write_bytes(path, json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8"))
    return alarm


def clear_alarm(path: Path) -> None:
    """Remove the alarm (only after the acknowledgement is committed to the log)."""
    path.unlink(missing_ok=True)
    fsync_directory(path.parent)


def acknowledged_path(alarm_file: Path) -> Path:
    """Where the findings a person has acknowledged are kept (beside the alarm)."""
    return alarm_file.with_suffix(".acknowledged")


def read_acknowledged(path: Path) -> frozenset[str]:
    """The acknowledged findings; none if the file is missing or unreadable (then they alarm again)."""
    try:
        record = json.loads(read_bounded(path, _MAX_BYTES))
        return frozenset(str(problem) for problem in record["problems"])
    except (OSError, TooLarge, ValueError, KeyError, TypeError):
        return frozenset()


def add_acknowledged(path: Path, problems: Iterable[str]) -> frozenset[str]:
    """Remember findings a person acknowledged, so the same finding does not block work again."""
    known = read_acknowledged(path) | {p for p in problems if p}
    atomic_write_bytes(path, json.dumps({"problems": sorted(known)}, indent=1, ensure_ascii=False).encode("utf-8"))
    return known
