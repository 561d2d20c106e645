"""The outcomes of checking a workspace: the custody log's verification, the vault's, the blob sweep.

Plain values, shared by the storage that produces them, the services that act on them and the
front ends (window, CLI) that show them; they carry no keys and do no I/O.
"""

from dataclasses import dataclass, field

from desktop_app.core.errors import LogIntegrityError


@dataclass(frozen=True)
class Verification:
    """The outcome of a verification pass. ``problem`` is None when the log is intact."""

    entries: int
    checkpoints: int
    with_keys: bool
    problem: str | None = None
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        """Whether nothing was wrong."""
        return self.problem is None

    def raise_if_bad(self) -> None:
        """Turn a failed verification into ``LogIntegrityError``."""
        if self.problem is not None:
            raise LogIntegrityError(self.problem, self.first_bad_seq)


@dataclass(frozen=True)
class BlobProblem:
    """One blob that failed vault verification."""

    blob_id: str
    code: str  # missing | unreadable-key | damaged | digest-mismatch | size-mismatch | tampered-row
    message: str


@dataclass(frozen=True)
class VaultVerification:
    """The outcome of authenticating every blob of the vault."""

    blobs: int
    bytes: int
    problems: tuple[BlobProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every blob authenticated and matched its recorded digest and size."""
        return not self.problems


@dataclass(frozen=True)
class SweepReport:
    """What the sweep of the blob folder found and, once applied (``tidy``), did.

    ``scan`` only looks; ``tidy`` acts, and only after the workspace's verification has passed:
    nothing irreversible happens to evidence before then. Temp files are ciphertext whose key was
    never stored (noise), so they are deleted. Blob files no row names are *quarantined*, never
    deleted: they may be newer evidence that a restored older database does not know about, and
    ``tidy`` moves them back as soon as a row names them again.
    """

    removed_temp_files: int = 0
    unreferenced_blobs: list[str] = field(default_factory=list)  # quarantined once tidied
    missing_blobs: list[str] = field(default_factory=list)
    damaged_blobs: list[str] = field(default_factory=list)
    restored_blobs: list[str] = field(default_factory=list)  # back from quarantine once tidied
    applied: bool = False

    @property
    def clean(self) -> bool:
        """Whether the sweep found nothing at all."""
        return not (
            self.removed_temp_files
            or self.unreferenced_blobs
            or self.missing_blobs
            or self.damaged_blobs
            or self.restored_blobs
        )
