"""Non-secret application settings: auto-lock, the safe-display defaults, the CyberTipline address.

The file (``AppPaths.settings_file``) is JSON that a reviewer or support may edit by hand, so it is
untrusted: unknown keys are ignored, wrong types fall back to the default, numbers are clamped to
their range, and every correction is logged as a warning. A missing or unreadable file gives the
defaults; the app must always start. Secrets never go here (house style 13).
"""

import json
import logging
import math
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, cast

from desktop_app.core.cybertipline.endpoint import TEST_URL, check_endpoint
from desktop_app.core.errors import EndpointRefused
from desktop_app.core.platform.files import atomic_write_bytes

log = logging.getLogger(__name__)

RevealMode = Literal["click", "hold"]
REVEAL_MODES: tuple[RevealMode, ...] = ("click", "hold")
AUTO_LOCK_MAX_MINUTES = 24 * 60
BLUR_STRENGTH_MIN = 4
BLUR_STRENGTH_MAX = 64
THUMBNAIL_SIZE_MIN = 32
THUMBNAIL_SIZE_MAX = 128
# The inclusive range of every integer setting: one table for validation and for correcting a bad file.
INT_RANGES: dict[str, tuple[int, int]] = {
    "auto_lock_minutes": (0, AUTO_LOCK_MAX_MINUTES),
    "blur_strength": (BLUR_STRENGTH_MIN, BLUR_STRENGTH_MAX),
    "thumbnail_size": (THUMBNAIL_SIZE_MIN, THUMBNAIL_SIZE_MAX),
    "backup_reminder_days": (0, 365),
}
FORMAT_VERSION = 1


@dataclass(frozen=True)
class AppSettings:
    """What the reviewer can change in Settings.

    Attributes:
        auto_lock_minutes: Lock the workspace after this many idle minutes; 0 means never.
        blur_by_default: Show evidence blurred until revealed.
        greyscale_by_default: Show evidence in greyscale until revealed.
        blur_strength: Blur radius in pixels (4-64), measured on a 256-pixel picture and scaled with
            the picture, so one setting hides as much in a thumbnail as in the viewer.
        reveal_mode: "click" toggles a reveal; "hold" reveals only while the button is held.
        thumbnail_size: Edge of the square thumbnails in the queue, in pixels (32-128).
        cybertipline_endpoint: The CyberTipline API address: NCMEC's test service until the
            reviewer chooses production (its credentials are in the OS keyring, never here).
        second_person_confirmation: Destroying evidence and exporting it in full need a second
            passphrase-holder's confirmation on this machine, logged with both names.
        backup_reminder_days: Remind at unlock when the last backup is older than this many days;
            0 means never.
    """

    auto_lock_minutes: int = 10
    blur_by_default: bool = True
    greyscale_by_default: bool = True
    blur_strength: int = 24
    reveal_mode: RevealMode = "click"
    thumbnail_size: int = 64
    cybertipline_endpoint: str = TEST_URL
    second_person_confirmation: bool = False
    backup_reminder_days: int = 7

    def __post_init__(self) -> None:
        # Construction is the one gate, so an out-of-range value can never reach the UI.
        for name, (low, high) in INT_RANGES.items():
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name} must be {low}-{high}")
        if self.reveal_mode not in REVEAL_MODES:
            raise ValueError(f"reveal_mode must be one of {REVEAL_MODES}")
        try:
            normalised = check_endpoint(self.cybertipline_endpoint)
        except EndpointRefused as refused:
            raise ValueError(refused.message) from None
        if normalised != self.cybertipline_endpoint:
            raise ValueError("cybertipline_endpoint must be normalised (check_endpoint)")

    @classmethod
    def load(cls, path: Path) -> "AppSettings":
        """Read settings, falling back to defaults (with a logged warning) for anything unusable."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("Settings file %s is unreadable (%s); using the defaults", path, exc)
            return cls()
        if not isinstance(raw, dict):
            log.warning("Settings file %s does not hold a JSON object; using the defaults", path)
            return cls()
        return cls.from_mapping(raw)

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> "AppSettings":
        """Build settings from untrusted values, correcting each bad one to something safe."""
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in asdict(defaults).items():
            if name not in raw:
                continue
            value = raw[name]
            corrected = _correct(name, value, default)
            if corrected != value:
                log.warning("Setting %s=%r is invalid; using %r", name, value, corrected)
            values[name] = corrected
        unknown = set(raw) - {f.name for f in fields(cls)} - {"version"}
        if unknown:
            log.info("Ignoring unknown settings: %s", ", ".join(sorted(unknown)))
        return replace(defaults, **values)

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old file or the new one, never half of each."""
        document = {"version": FORMAT_VERSION, **asdict(self)}
        atomic_write_bytes(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8"))

    def changed_keys(self, other: "AppSettings") -> list[str]:
        """Names of the settings whose values differ between ``self`` and ``other``, in field order."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


def _correct(name: str, value: Any, default: Any) -> Any:
    """Return ``value`` if it is valid for setting ``name``, else the nearest safe value."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else default
    if isinstance(default, int):
        # bool is an int subclass; "true" for a number is a mistake, not 1.
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return default
        low, high = INT_RANGES[name]
        return min(high, max(low, int(value)))
    if name == "reveal_mode":
        return cast(RevealMode, value) if value in REVEAL_MODES else default
    if name == "cybertipline_endpoint":
        try:
            return check_endpoint(value) if isinstance(value, str) else default
        except EndpointRefused:
            return default
    return default
