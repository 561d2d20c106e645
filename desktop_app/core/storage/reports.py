"""The report tables (schema v3): drafts sealed whole, the accounts they name, the reporter profile.

A draft is sealed as one JSON document (``ReportRecord``): the report and file details exactly as
the model holds them, the reviewer's departures from the custody log's viewed state (with their
reasons) and, once NCMEC has issued one, NCMEC's report id. The accounts a report names are kept
as blind indexes so "earlier reports about this account" needs no plaintext account id on disk.
Writes take the caller's connection, so each change commits together with its custody event.
"""

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop_app.core.cybertipline.model import Node, ReportDraft
from desktop_app.core.cybertipline.schema import REPORT
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.row_tags import all_children_values, children_value

RECORD_FORMAT = 1
DRAFT = "draft"
DRAFT_DIGEST = "draft_sha256"  # the custody log's field naming the sealed draft a write stored
PROFILE_DIGEST = "profile_sha256"  # likewise for the sealed reporter profile (``profile_ct``)


def draft_digest(sealed: bytes) -> str:
    """The SHA-256 of a sealed draft (``draft_ct``), as the custody log records it.

    Each seal is fresh (a new nonce), so the digest names one version of the row: the row tag binds
    the ciphertext to its report, the log binds the digest to the report's latest write.
    """
    return hashlib.sha256(sealed).hexdigest()


def stored_profile_digest(conn: sqlite3.Connection) -> str | None:
    """The SHA-256 of the stored sealed reporter profile (as ``save_profile`` returns it), or None."""
    row = conn.execute("SELECT profile_ct FROM reporter_profile WHERE profile_id = 1").fetchone()
    return None if row is None else draft_digest(row[0])


@dataclass(frozen=True)
class ViewedOverride:
    """A ``fileViewedByEsp`` the reviewer set against the custody log's record, and why."""

    viewed: bool
    reason: str


@dataclass
class ReportRecord:
    """One report as stored: the draft and what goes with it.

    ``overrides`` is keyed by item id: a file's viewed flag follows the log (did the reviewer reveal
    the item?) unless the reviewer said otherwise with a reason. ``ncmec_report_id`` is NCMEC's id
    once the report was opened there; it is what later reports about the same account cite.
    """

    report_id: str
    draft: ReportDraft
    created_at: datetime
    updated_at: datetime
    status: str = DRAFT
    overrides: dict[str, ViewedOverride] = field(default_factory=dict)
    ncmec_report_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The sealed part (ids and times live in clear columns)."""
        return {
            "v": RECORD_FORMAT,
            "draft": self.draft.to_json(),
            "overrides": {k: {"viewed": o.viewed, "reason": o.reason} for k, o in sorted(self.overrides.items())},
            "ncmec_report_id": self.ncmec_report_id,
        }

    @classmethod
    def from_json(
        cls, report_id: str, created_at: datetime, updated_at: datetime, status: str, data: dict[str, Any]
    ) -> "ReportRecord":
        """Rebuild a record; ``ValueError`` for one written by a newer app."""
        if data.get("v", 0) > RECORD_FORMAT:
            raise ValueError(f"report record format {data.get('v')}; this app knows up to {RECORD_FORMAT}")
        overrides = {k: ViewedOverride(bool(o["viewed"]), str(o["reason"])) for k, o in data["overrides"].items()}
        return cls(
            report_id,
            ReportDraft.from_json(data["draft"]),
            created_at,
            updated_at,
            status,
            overrides,
            data.get("ncmec_report_id"),
        )

    def copy(self) -> "ReportRecord":
        """A deep copy (the editor hands copies to worker threads)."""
        return ReportRecord.from_json(self.report_id, self.created_at, self.updated_at, self.status, self.to_json())


_COLUMNS = "report_id, created_at, updated_at, status, draft_ct"  # row_tags.BOUND["reports"], in order


class ReportStore:
    """Reads and writes report rows; writes run inside the caller's transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    # -- drafts ----------------------------------------------------------------------------------

    def insert(self, conn: sqlite3.Connection, record: ReportRecord) -> str:
        """Add a new report; the stored draft's digest, for the custody event (``DRAFT_DIGEST``)."""
        sealed = self._seal(record)
        conn.execute(
            f"INSERT INTO reports ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            (
                record.report_id,
                record.created_at.isoformat(),
                record.updated_at.isoformat(),
                record.status,
                sealed,
            ),
        )
        self._fields.rows.retag(conn, "reports", record.report_id)
        return draft_digest(sealed)

    def update(self, conn: sqlite3.Connection, record: ReportRecord) -> str:
        """Replace a report's sealed content and its update time; the new draft's digest (as ``insert``)."""
        self._fields.rows.check_stored(conn, "reports", record.report_id)
        sealed = self._seal(record)
        conn.execute(
            "UPDATE reports SET updated_at = ?, status = ?, draft_ct = ? WHERE report_id = ?",
            (record.updated_at.isoformat(), record.status, sealed, record.report_id),
        )
        self._fields.rows.retag(conn, "reports", record.report_id)
        return draft_digest(sealed)

    def _seal(self, record: ReportRecord) -> bytes:
        return self._fields.seal_json("reports", "draft_ct", record.report_id, record.to_json())

    def _open(self, row: tuple[Any, ...], accounts: bytes) -> ReportRecord:
        # Its status, times and the accounts it names are its own (the tag covers them).
        self._fields.rows.check("reports", (*row[:-1], accounts), row[-1])
        report_id, created_at, updated_at, status, sealed, _ = row
        data = self._fields.open_json("reports", "draft_ct", report_id, sealed)
        return ReportRecord.from_json(
            report_id, datetime.fromisoformat(created_at), datetime.fromisoformat(updated_at), status, data
        )

    def load(self, conn: sqlite3.Connection, report_id: str) -> ReportRecord | None:
        """One report, or None."""
        row = conn.execute(f"SELECT {_COLUMNS}, row_tag FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return self._open(row, children_value(conn, "reports", report_id)) if row is not None else None

    def load_all(self, conn: sqlite3.Connection) -> list[ReportRecord]:
        """Every report, most recently changed first."""
        rows = conn.execute(f"SELECT {_COLUMNS}, row_tag FROM reports ORDER BY updated_at DESC, report_id").fetchall()
        accounts = all_children_values(conn, "reports")
        return [self._open(row, accounts.get(row[0], b"")) for row in rows]

    def ncmec_report_ids(self, conn: sqlite3.Connection) -> dict[int, str]:
        """NCMEC's report id -> the report it was recorded for, over every report of the workspace.

        The id lives in the sealed record (like everything that says what was reported), so this
        opens each one; a workspace holds hundreds of reports, not millions.
        """
        found: dict[int, str] = {}
        for report_id, sealed in conn.execute("SELECT report_id, draft_ct FROM reports ORDER BY created_at"):
            number = self._fields.open_json("reports", "draft_ct", report_id, sealed).get("ncmec_report_id")
            if number is not None:
                found.setdefault(int(number), str(report_id))
        return found

    @staticmethod
    def ids_starting_with(conn: sqlite3.Connection, prefix: str) -> list[str]:
        """Report ids that start with ``prefix`` (the CLI accepts a unique prefix)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute("SELECT report_id FROM reports WHERE report_id LIKE ? ESCAPE '\\'", (escaped + "%",))
        return sorted(str(row[0]) for row in rows)

    # -- accounts named by a report ----------------------------------------------------------------

    def _account_index(self, account: str) -> bytes:
        return self._fields.blind_index("report-account", account.encode("utf-8"))

    def set_accounts(self, conn: sqlite3.Connection, report_id: str, accounts: Iterable[str]) -> None:
        """Replace the accounts a report names (normalised keys, see ``services.reports.account_keys``)."""
        self._fields.rows.check_stored(conn, "reports", report_id)
        conn.execute("DELETE FROM report_accounts WHERE report_id = ?", (report_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO report_accounts (report_id, account_index) VALUES (?, ?)",
            [(report_id, self._account_index(account)) for account in set(accounts)],
        )
        self._fields.rows.retag(conn, "reports", report_id)  # the report's tag covers its accounts

    def reports_naming(self, conn: sqlite3.Connection, accounts: Iterable[str]) -> dict[str, set[str]]:
        """The reports naming any of ``accounts``: report id -> the accounts it names among them."""
        found: dict[str, set[str]] = {}
        for account in set(accounts):
            rows = conn.execute(
                "SELECT report_id FROM report_accounts WHERE account_index = ?", (self._account_index(account),)
            )
            for (report_id,) in rows:
                found.setdefault(str(report_id), set()).add(account)
        return found

    # -- the reporter profile ----------------------------------------------------------------------

    def load_profile(self, conn: sqlite3.Connection) -> Node | None:
        """The saved ``<reporter>`` element, or None if none was saved."""
        row = conn.execute(
            "SELECT profile_id, updated_at, profile_ct, row_tag FROM reporter_profile WHERE profile_id = 1"
        ).fetchone()
        if row is None:
            return None
        self._fields.rows.check("reporter_profile", row[:-1], row[-1])
        data = self._fields.open_json("reporter_profile", "profile_ct", "1", row[2])
        return Node.from_data(REPORT.child("reporter"), data["reporter"])

    def save_profile(self, conn: sqlite3.Connection, reporter: Node, updated_at: datetime) -> str:
        """Store the reporter profile (one per workspace); the sealed profile's digest (``PROFILE_DIGEST``)."""
        sealed = self._fields.seal_json(
            "reporter_profile", "profile_ct", "1", {"v": RECORD_FORMAT, "reporter": reporter.to_data()}
        )
        conn.execute(
            "INSERT INTO reporter_profile (profile_id, updated_at, profile_ct) VALUES (1, ?, ?) "
            "ON CONFLICT (profile_id) DO UPDATE SET updated_at = excluded.updated_at, profile_ct = excluded.profile_ct",
            (updated_at.isoformat(), sealed),
        )
        self._fields.rows.retag(conn, "reporter_profile", 1)
        return draft_digest(sealed)
