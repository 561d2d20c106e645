"""The anchor: the latest signed checkpoint, kept outside the data folder.

Restoring an old copy of the data folder restores an old log that verifies perfectly on its own.
The anchor lives elsewhere (the config folder, and in exported bundles), so the restored log is
compared with a checkpoint it cannot satisfy. The anchor also pins the signing key: a database
whose public key differs from the anchor's was replaced, not merely rolled back.
"""

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.crypto.signed_note import MAX_NOTE_BYTES
from desktop_app.core.errors import CheckpointUnreadable
from desktop_app.core.platform.files import TooLarge, atomic_write_bytes, read_bounded

_SEPARATOR = "\n--- checkpoint ---\n"
# A verifier key line is well under a kilobyte; the note has its own cap.
MAX_ANCHOR_BYTES = MAX_NOTE_BYTES + 4096


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


def read_anchor_file(path: Path) -> Anchor:
    """An anchor or exported checkpoint file, read at most to its cap.

    Raises:
        FileNotFoundError: there is no such file.
        CheckpointUnreadable: too large, not UTF-8, or not a readable regular file.
    """
    try:
        raw = read_bounded(path, MAX_ANCHOR_BYTES)
        return parse_anchor_text(raw.decode("utf-8"))
    except FileNotFoundError:
        raise
    except TooLarge:
        raise CheckpointUnreadable(
            f"{path} is larger than any checkpoint ({MAX_ANCHOR_BYTES:,} bytes at most): it is not one."
        ) from None
    except UnicodeDecodeError:
        raise CheckpointUnreadable(f"{path} is not UTF-8 text, so it is not a checkpoint file.") from None
    except OSError as exc:
        raise CheckpointUnreadable(f"{path} cannot be read: {exc.strerror or exc}.") from None


def read_anchor(path: Path) -> Anchor | None:
    """The anchor at ``path``, or None if there is none (``CheckpointUnreadable`` if damaged)."""
    try:
        return read_anchor_file(path)
    except FileNotFoundError:
        return None


def write_anchor(path: Path, anchor: Anchor) -> None:
    """Replace the anchor atomically (callers check that the new one extends the old)."""
    atomic_write_bytes(path, anchor.to_text().encode("utf-8"))


def superseded_path(path: Path, stamp: str) -> Path:
    """Where an anchor replaced by an acknowledged break is kept (never deleted: it is evidence)."""
    return path.with_name(f"{path.stem}.superseded-{stamp}.txt")
