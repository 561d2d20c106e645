"""The workspace's evidence vault: storing, destroying and verifying blobs, and tidying the folder.

Every blob written or erased carries its custody event in the same transaction. The blob folder is
only looked at when the workspace opens; it is tidied (quarantine, never deletion) once a
verification has passed, and rows from before row tags are tagged at the same moment.
"""

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from desktop_app.core.domain.events import EventType
from desktop_app.core.progress import CancelToken, ProgressGenerator
from desktop_app.core.services.workspace_context import WorkspaceContext
from desktop_app.core.services.workspace_custody import WorkspaceCustody
from desktop_app.core.storage import vault_sweep
from desktop_app.core.storage.hashlists import OUTCOME_DIGEST, SETTINGS_DIGEST
from desktop_app.core.storage.reports import DRAFT_DIGEST, PROFILE_DIGEST, draft_digest, stored_profile_digest
from desktop_app.core.storage.row_tags import bind_new_tables
from desktop_app.core.storage.submissions import SUBMISSION_DIGEST
from desktop_app.core.storage.vault import EvidenceVault, StoredBlob, SweepReport, VaultKeys, VaultVerification


class WorkspaceVault:
    """The blobs of one workspace, each stored or erased with its custody event."""

    def __init__(self, context: WorkspaceContext, custody: WorkspaceCustody) -> None:
        self._context = context
        self._custody = custody
        # Only looked at now; tidied once verification has passed (nothing irreversible before).
        self.sweep_report: SweepReport = vault_sweep.scan(context.blob_dir, context.db)

    def vault(self) -> EvidenceVault:
        """The evidence vault (needs the workspace unlocked)."""
        keys = self._context.require().subkeys
        return EvidenceVault(self.blob_dir, self._context.db, VaultKeys(keys.dek_wrap, self._context.fields()))

    @property
    def blob_dir(self) -> Path:
        """The folder of encrypted blobs."""
        return self._context.blob_dir

    def store_blob(
        self, chunks: Iterable[bytes], total: int | None = None, cancel: CancelToken | None = None
    ) -> ProgressGenerator[StoredBlob]:
        """Store content in the vault with its custody event in the same transaction."""

        def log_stored(conn: sqlite3.Connection, blob: StoredBlob) -> None:
            self._custody.append(
                conn,
                EventType.BLOB_STORED,
                {"sha256": blob.sha256, "size": blob.size, "new": blob.created},
                blob.blob_id,
            )

        return (yield from self.vault().store(chunks, total, cancel, log_stored))

    def destroy_blob(self, blob_id: str, reason: str) -> None:
        """Cryptographically erase a blob, log why, and seal a checkpoint."""
        self.vault().destroy(
            blob_id, lambda conn: self._custody.append(conn, EventType.BLOB_DESTROYED, {"reason": reason}, blob_id)
        )
        self._custody.checkpoint()

    def verify_vault(self, cancel: CancelToken | None = None) -> ProgressGenerator[VaultVerification]:
        """Authenticate every blob against its recorded digest and size (read-only; yields progress)."""
        return (yield from self.vault().verify_all(cancel))

    def settle(self, conn: sqlite3.Connection) -> None:
        """After a passed verification: tidy the blob folder, tag rows from before row tags; log both."""
        self.sweep_report = vault_sweep.tidy(self.blob_dir, self.sweep_report)
        if not self.sweep_report.clean:
            self._custody.append(
                conn,
                EventType.SWEEP_REPORT,
                {
                    "removed_temp_files": self.sweep_report.removed_temp_files,
                    "quarantined_blobs": self.sweep_report.unreferenced_blobs,
                    "restored_blobs": self.sweep_report.restored_blobs,
                    "missing_blobs": self.sweep_report.missing_blobs,
                    "damaged_blobs": self.sweep_report.damaged_blobs,
                },
            )
        session = self._context.require()
        counts = bind_new_tables(conn, session.row_tag_key, session.rows_bound)
        if counts is not None:
            self._custody.append(conn, EventType.ROWS_BOUND, counts)
            session.rows_bound |= frozenset(counts)
        self._record_drafts(conn)

    def _record_drafts(self, conn: sqlite3.Connection) -> None:
        """Once, for rows last written before writes logged their digest: record it now.

        Reports, the reporter profile, submissions, matched items' outcomes and lists' settings. The
        verification that just passed vouches for these rows; from here on an older copy of one (its
        row tag still valid) no longer matches the log (``storage.reconciliation``). One
        ``report.drafts-recorded`` entry covers them all.
        """
        reconciliation = self._custody.reconciliation
        if reconciliation is None:
            return
        data: dict[str, object] = {}
        if drafts := _digests(conn, "reports", "draft_ct", reconciliation.unrecorded_drafts):
            data[DRAFT_DIGEST] = drafts
        if reconciliation.unrecorded_profile and (profile := stored_profile_digest(conn)) is not None:
            data[PROFILE_DIGEST] = profile
        if submissions := _digests(conn, "submissions", "record_ct", reconciliation.unrecorded_submissions):
            data[SUBMISSION_DIGEST] = submissions
        if outcomes := _digests(conn, "item_matches", "outcome_ct", reconciliation.unrecorded_outcomes, "item_id"):
            data[OUTCOME_DIGEST] = outcomes
        if settings := _digests(conn, "hash_lists", "settings_ct", reconciliation.unrecorded_lists, "list_id"):
            data[SETTINGS_DIGEST] = settings
        if data:
            self._custody.append(conn, EventType.REPORT_DRAFTS_RECORDED, data)


def _digests(
    conn: sqlite3.Connection, table: str, column: str, row_ids: Sequence[str], key: str = "report_id"
) -> dict[str, str]:
    """Row id -> the SHA-256 of the row's sealed ``column`` in ``table`` (rows that exist), sorted."""
    found: dict[str, str] = {}
    for start in range(0, len(row_ids), 500):  # SQLite's limit on bound values
        chunk = row_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT {key}, {column} FROM {table} WHERE {key} IN ({marks})", chunk)
        found.update((str(row_id), draft_digest(sealed)) for row_id, sealed in rows)
    return dict(sorted(found.items()))
