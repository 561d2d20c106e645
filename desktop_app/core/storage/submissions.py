"""The submission tables (schema v5): each report's journey through NCMEC's API, and preservation holds.

One row per report that was ever sent: the state and environment in clear (what lists filter on;
they say nothing about content or people), everything else sealed JSON bound to its row
(``FieldCipher``): NCMEC's ids, the files and their ids, the exact draft that was sent, times,
NCMEC's last answer, the history of earlier attempts. ``preservation_holds`` keeps, per item, the
start and end of the preservation a finished report asks for. Writes take the caller's connection,
so every step commits together with its custody event.

Every write reseals ``record_ct`` (a fresh nonce) and returns its SHA-256 (``SUBMISSION_DIGEST``),
which the caller logs in the same transaction: the row tag binds the row's columns together, the
log binds that digest to the submission's latest write, so an older copy of the row put back with
its still-valid tag is told apart (docs/row-binding.md).
"""

import sqlite3
from datetime import datetime
from typing import Any

from desktop_app.core.domain.submission_record import SubmissionRecord
from desktop_app.core.storage.fields import FieldCipher
from desktop_app.core.storage.reports import draft_digest

_V5 = """
CREATE TABLE submissions (
    report_id TEXT PRIMARY KEY REFERENCES reports (report_id) ON DELETE CASCADE,
    state TEXT NOT NULL,            -- SubmissionState
    environment TEXT NOT NULL,      -- Environment
    updated_at TEXT NOT NULL,       -- ISO 8601 UTC
    record_ct BLOB NOT NULL,        -- sealed JSON: SubmissionRecord without the draft
    draft_ct BLOB NOT NULL          -- sealed JSON: the draft as checked and sent (once per attempt)
) STRICT;
CREATE INDEX submissions_by_state ON submissions (state);

CREATE TABLE preservation_holds (
    item_id TEXT NOT NULL,
    report_id TEXT NOT NULL,
    basis TEXT NOT NULL,            -- '2258A(h)': a finished CyberTipline report
    started_at TEXT NOT NULL,       -- ISO 8601 UTC: when NCMEC finished the report
    until TEXT NOT NULL,            -- the earliest end of the preservation
    PRIMARY KEY (item_id, report_id, basis)
) STRICT;
"""

HOLD_BASIS = "2258A(h)"
SUBMISSION_DIGEST = "submission_sha256"  # the custody log's field naming the sealed record a write stored
# row_tags.BOUND["submissions"], in its order, then the tag
_COLUMNS = "report_id, state, environment, updated_at, record_ct, draft_ct, row_tag"


def stored_submission_digest(conn: sqlite3.Connection, report_id: str) -> str | None:
    """The SHA-256 of a submission's stored sealed record (as ``save`` returns it), or None without a row."""
    row = conn.execute("SELECT record_ct FROM submissions WHERE report_id = ?", (report_id,)).fetchone()
    return None if row is None else draft_digest(row[0])


def v5_submissions(conn: sqlite3.Connection) -> None:
    """Create the submission tables (runs inside the migration's write transaction)."""
    for statement in _V5.split(";\n"):
        if statement.strip():
            conn.execute(statement)


class SubmissionStore:
    """Reads and writes submission rows; writes run inside the caller's transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    def save(
        self, conn: sqlite3.Connection, record: SubmissionRecord, updated_at: datetime, *, with_draft: bool = False
    ) -> str:
        """Insert or update the row of ``record`` (its draft too on insert or ``with_draft``).

        The report's own status follows the submission's state. Returns the stored record's digest,
        for the custody entry the caller writes in the same transaction (``SUBMISSION_DIGEST``).
        """
        sealed = self._fields.seal_json("submissions", "record_ct", record.report_id, record.to_json())
        values = (record.report_id, str(record.state), str(record.environment), updated_at.isoformat(), sealed)
        with self._fields.rows.write(conn, "submissions", record.report_id):  # its row tag (storage.row_tags)
            updated = conn.execute(
                "UPDATE submissions SET state = ?, environment = ?, updated_at = ?, record_ct = ? WHERE report_id = ?",
                (*values[1:], record.report_id),
            ).rowcount
            if not updated or with_draft:
                draft = self._fields.seal_json("submissions", "draft_ct", record.report_id, record.draft)
                conn.execute(
                    "INSERT INTO submissions (report_id, state, environment, updated_at, record_ct, draft_ct) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (report_id) DO UPDATE SET draft_ct = excluded.draft_ct",
                    (*values, draft),
                )
        # The report list shows where each report stands without opening the submission. The
        # report's row tag covers its status: checked before, renewed after (storage.row_tags).
        self._fields.rows.check_stored(conn, "reports", record.report_id)
        conn.execute("UPDATE reports SET status = ? WHERE report_id = ?", (str(record.state), record.report_id))
        self._fields.rows.retag(conn, "reports", record.report_id)
        return draft_digest(sealed)

    def load(self, conn: sqlite3.Connection, report_id: str) -> SubmissionRecord | None:
        """The submission of one report, or None if it was never sent."""
        row = conn.execute(f"SELECT {_COLUMNS} FROM submissions WHERE report_id = ?", (report_id,)).fetchone()
        return self._open(*row) if row is not None else None

    def load_in_states(self, conn: sqlite3.Connection, states: tuple[str, ...]) -> list[SubmissionRecord]:
        """Every submission in one of ``states``, oldest change first."""
        marks = ",".join("?" for _ in states)
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM submissions WHERE state IN ({marks}) ORDER BY updated_at",
            states,
        ).fetchall()
        return [self._open(*row) for row in rows]

    def load_all(self, conn: sqlite3.Connection) -> list[SubmissionRecord]:
        """Every submission, most recent change first."""
        rows = conn.execute(f"SELECT {_COLUMNS} FROM submissions ORDER BY updated_at DESC").fetchall()
        return [self._open(*row) for row in rows]

    def _open(self, *row: Any) -> SubmissionRecord:
        self._fields.rows.check("submissions", row[:-1], row[-1])
        report_id, sealed, sealed_draft = row[0], row[4], row[5]
        data: dict[str, Any] = self._fields.open_json("submissions", "record_ct", report_id, sealed)
        draft: dict[str, Any] = self._fields.open_json("submissions", "draft_ct", report_id, sealed_draft)
        return SubmissionRecord.from_json(report_id, data, draft)

    def add_hold(
        self, conn: sqlite3.Connection, item_id: str, report_id: str, started_at: datetime, until: datetime
    ) -> None:
        """Record the preservation a finished report asks for (kept if already recorded)."""
        with self._fields.rows.write(conn, "preservation_holds", (item_id, report_id, HOLD_BASIS)):
            conn.execute(
                "INSERT OR IGNORE INTO preservation_holds (item_id, report_id, basis, started_at, until) "
                "VALUES (?, ?, ?, ?, ?)",
                (item_id, report_id, HOLD_BASIS, started_at.isoformat(), until.isoformat()),
            )

    @staticmethod
    def holds(conn: sqlite3.Connection, item_id: str) -> list[tuple[str, datetime, datetime]]:
        """The holds on an item: (report id, start, end)."""
        rows = conn.execute(
            "SELECT report_id, started_at, until FROM preservation_holds WHERE item_id = ? ORDER BY started_at",
            (item_id,),
        ).fetchall()
        return [(str(r), datetime.fromisoformat(s), datetime.fromisoformat(u)) for r, s, u in rows]
