"""The anchor: the latest signed checkpoint, kept outside the data folder.

Restoring an old copy of the data folder restores an old log that verifies perfectly on its own.
The anchor lives elsewhere (the config folder, and in exported bundles), so the restored log is
compared with a checkpoint it cannot satisfy. The anchor also pins the signing key: a database
whose public key differs from the anchor's was replaced, not merely rolled back.
"""

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.platform.files import atomic_write_bytes

_SEPARATOR = "\n--- checkpoint ---\n"


@dataclass(frozen=True)
class Anchor:
    """The verifier key line and the latest checkpoint note of one workspace."""

    verifier_key: str
    note: str

    def to_text(self) -> str:
        """File form: the verifier key line, a separator, the note."""
        return self.verifier_key + _SEPARATOR + self.note


def anchor_path(anchors_dir: Path, workspace_id_hex: str) -> Path:
    """Where the anchor of one workspace lives."""
    return anchors_dir / f"{workspace_id_hex}.anchor"


def parse_anchor_text(text: str) -> Anchor:
    """Read an anchor or exported checkpoint; a bare checkpoint note (no key line) is accepted too."""
    key, sep, note = text.partition(_SEPARATOR)
    return Anchor(key.strip(), note) if sep else Anchor("", text)


def read_anchor(path: Path) -> Anchor | None:
    """The anchor at ``path``, or None if there is none."""
    try:
        return parse_anchor_text(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def write_anchor(path: Path, anchor: Anchor) -> None:
    """Replace the anchor atomically."""
    atomic_write_bytes(path, anchor.to_text().encode("utf-8"))
