"""Expected failures a reviewer can act on.

Anything that is not one of these is a bug and goes to the crash handler. Each error carries a
stable ``code`` (for tests, the CLI's JSON output and support) and a message written for the
reviewer: what happened and what to do next.
"""


class EvidenceDeskError(Exception):
    """Base class for expected, actionable failures."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PassphraseRejected(EvidenceDeskError):
    """A passphrase that can never be right (empty, or too long to be typed)."""

    code = "passphrase-rejected"


class WrongPassphrase(EvidenceDeskError):
    """The key slot did not open: wrong passphrase, or a damaged key slot."""

    code = "wrong-passphrase"


class WrongRecoveryKey(EvidenceDeskError):
    """The recovery key is mistyped or does not belong to this workspace."""

    code = "wrong-recovery-key"


class KdfParametersRejected(EvidenceDeskError):
    """Stored key-derivation parameters are outside what this app will ever run."""

    code = "kdf-parameters-rejected"


class WorkspaceMissing(EvidenceDeskError):
    """No workspace exists where one was expected."""

    code = "workspace-missing"


class WorkspaceExists(EvidenceDeskError):
    """A workspace (or the anchor of one) already exists where a new one was to be created."""

    code = "workspace-exists"


class WorkspaceInUse(EvidenceDeskError):
    """Another running Evidence Desk holds this workspace."""

    code = "workspace-in-use"


class WorkspaceLocked(EvidenceDeskError):
    """The workspace is locked; unlock it first."""

    code = "workspace-locked"


class DatabaseTooNew(EvidenceDeskError):
    """The workspace was written by a newer Evidence Desk."""

    code = "database-too-new"


class UnsupportedSqlite(EvidenceDeskError):
    """The linked SQLite library is too old or unsafe for the workspace."""

    code = "unsupported-sqlite"


class BlobIntegrityError(EvidenceDeskError):
    """An evidence blob failed authentication: it was altered, truncated or reordered."""

    code = "blob-integrity"


class BlobMissing(EvidenceDeskError):
    """An evidence blob recorded in the database is not on disk."""

    code = "blob-missing"


class LogIntegrityError(EvidenceDeskError):
    """The custody log failed verification; ``seq`` names the first bad entry when known."""

    code = "log-integrity"

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class OperationCancelled(EvidenceDeskError):
    """The reviewer cancelled a long operation; nothing was half-written."""

    code = "cancelled"
