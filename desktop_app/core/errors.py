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


class WorkspaceDamaged(EvidenceDeskError):
    """SQLite found the workspace database file itself damaged (a malformed page, not a database)."""

    code = "database-damaged"


class ItemRecordDamaged(EvidenceDeskError):
    """An item's row holds a value this version cannot read (an unknown state or kind, a bad time)."""

    code = "item-record-damaged"


class ReportNotAsLogged(EvidenceDeskError):
    """A report's row is not the version the custody log saved last (an older copy was put back)."""

    code = "report-not-as-logged"


class ProfileNotAsLogged(EvidenceDeskError):
    """The reporter profile's row is not the version the custody log saved last (an older copy was put back)."""

    code = "profile-not-as-logged"


class MatchesNotAsLogged(EvidenceDeskError):
    """An item's stored hash-list matches are not the version the custody log recorded last (an older copy)."""

    code = "matches-not-as-logged"


class ListNotAsLogged(EvidenceDeskError):
    """A hash list's stored settings are not the version the custody log recorded last (an older copy)."""

    code = "list-not-as-logged"


class LogIntegrityError(EvidenceDeskError):
    """The custody log failed verification; ``seq`` names the first bad entry when known."""

    code = "log-integrity"

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class TamperingDetected(LogIntegrityError):
    """Verification failed earlier and nobody has acknowledged it yet: nothing is written until then."""

    code = "tampering-detected"


class NothingToAcknowledge(EvidenceDeskError):
    """An acknowledgement was asked for but no tampering is on record for this workspace."""

    code = "nothing-to-acknowledge"


class AcknowledgementReasonRequired(EvidenceDeskError):
    """Acknowledging detected tampering needs a reason: it is what the custody log keeps."""

    code = "acknowledgement-reason-required"


class CheckpointUnreadable(EvidenceDeskError):
    """A checkpoint or anchor file that is not a readable checkpoint (too large, not UTF-8, unreadable)."""

    code = "checkpoint-unreadable"


class OperationCancelled(EvidenceDeskError):
    """The reviewer cancelled a long operation; nothing was half-written."""

    code = "cancelled"


# -- intake and items (issue 3) ------------------------------------------------------------------


class ManifestUnreadable(EvidenceDeskError):
    """A manifest file cannot be used at all (not CSV/JSON, not UTF-8, too large, not a file)."""

    code = "manifest-unreadable"


class ImportPathMissing(EvidenceDeskError):
    """A file or folder named for import does not exist (nothing was imported)."""

    code = "import-path-missing"


class ItemNotFound(EvidenceDeskError):
    """An item id that is not in this workspace."""

    code = "item-not-found"


class DismissReasonRequired(EvidenceDeskError):
    """Dismissing an item needs a reason (it is what the custody log and a later audit show)."""

    code = "dismiss-reason-required"


class ItemHasNoContent(EvidenceDeskError):
    """The item holds no preserved bytes (a link, a device, an unreadable or destroyed file)."""

    code = "item-has-no-content"


class ReportDocumentRejected(EvidenceDeskError):
    """A CyberTipline XML document that cannot be read (malformed, a DTD, too large, a wrong root)."""

    code = "report-document-rejected"


class XsdUnusable(EvidenceDeskError):
    """An XSD that cannot be used: unreadable, not a schema, or one that would reach the network."""

    code = "xsd-unusable"


class DecoderUnavailable(EvidenceDeskError):
    """The sandboxed decoder process could not be started (damaged installation or no resources)."""

    code = "decoder-unavailable"


# -- reports (issue 4) ---------------------------------------------------------------------------


class ReportNotFound(EvidenceDeskError):
    """A report id (or id prefix) that names no report in this workspace, or more than one."""

    code = "report-not-found"


class ReportUnreadable(EvidenceDeskError):
    """A stored report written by a newer Evidence Desk (its model or record format is unknown here)."""

    code = "report-unreadable"


class ViewedOverrideReasonRequired(EvidenceDeskError):
    """A file's "viewed by your company" would depart from the custody log's record without a reason."""

    code = "viewed-override-reason-required"


class NcmecReportIdInvalid(EvidenceDeskError):
    """Text that is not a CyberTipline report number (NCMEC's are whole numbers from 1, an ``xs:long``)."""

    code = "ncmec-report-id-invalid"


class NcmecReportIdInUse(EvidenceDeskError):
    """An NCMEC report id already recorded for another report of this workspace (one id, one report)."""

    code = "ncmec-report-id-in-use"


class ReportHasErrors(EvidenceDeskError):
    """The report has errors NCMEC would reject it for, so it was not exported; ``findings`` lists them."""

    code = "report-has-errors"

    def __init__(self, message: str, findings: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.findings = findings


# -- the CyberTipline API ------------------------------------------------------------------------


class EndpointRefused(EvidenceDeskError):
    """A CyberTipline address Evidence Desk will not send to (not HTTPS, or malformed)."""

    code = "endpoint-refused"


class CredentialsMissing(EvidenceDeskError):
    """No NCMEC user name and password are saved for this CyberTipline address."""

    code = "credentials-missing"


class CyberTiplineUnreachable(EvidenceDeskError):
    """The CyberTipline could not be reached (network, TLS, time-out); nothing was changed there."""

    code = "cybertipline-unreachable"


class CyberTiplineAuthFailed(EvidenceDeskError):
    """NCMEC refused the user name and password (HTTP 401)."""

    code = "cybertipline-auth-failed"


class CyberTiplineRefused(EvidenceDeskError):
    """NCMEC answered with an error: ``response_code`` is its code (None if the body had none)."""

    code = "cybertipline-refused"

    def __init__(
        self, message: str, *, response_code: int | None, http_status: int, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.response_code = response_code
        self.http_status = http_status
        self.request_id = request_id


class CyberTiplineOutcomeUnknown(EvidenceDeskError):
    """A request may have reached NCMEC but no usable answer came back (time-out, dropped connection)."""

    code = "cybertipline-outcome-unknown"


# -- submissions (issue 9) -----------------------------------------------------------------------


class SubmissionRefused(EvidenceDeskError):
    """A submission step that cannot start: the report has errors, is already at NCMEC, or needs a decision."""

    code = "submission-refused"


class SubmissionNotAsLogged(SubmissionRefused):
    """A submission's row is not the version the custody log saved last (an older copy was put back)."""

    code = "submission-not-as-logged"


class SubmissionFailed(EvidenceDeskError):
    """A submission stopped; ``status`` says where the report stands and what to do."""

    code = "submission-failed"

    def __init__(self, message: str, status: object = None) -> None:
        super().__init__(message)
        self.status = status


class UploadMismatch(EvidenceDeskError):
    """NCMEC's MD5 of an uploaded file differs from the MD5 of the bytes sent: the transfer was damaged."""

    code = "upload-mismatch"


class ReportSent(EvidenceDeskError):
    """The report is with NCMEC (being sent, open there, or finished): it cannot be changed now."""

    code = "report-sent"
