"""The follow-ups table: one row per follow-up, who and what sealed (they name agencies and cases)."""

import sqlite3
from datetime import datetime

from desktop_app.core.domain.followups import FollowUp, FollowUpKind
from desktop_app.core.storage.fields import FieldCipher

FOLLOWUPS_SCHEMA = """
CREATE TABLE followups (
    followup_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    kind TEXT NOT NULL,             -- FollowUpKind
    occurred_at TEXT NOT NULL,      -- ISO 8601 UTC
    record_ct BLOB NOT NULL         -- sealed JSON: counterpart, reference, note
) STRICT;
CREATE INDEX followups_by_report ON followups (report_id, occurred_at);
"""


class FollowUpStore:
    """Reads and writes follow-ups inside the caller's transaction."""

    def __init__(self, fields: FieldCipher) -> None:
        self._fields = fields

    def insert(self, conn: sqlite3.Connection, followup: FollowUp) -> None:
        """Store one follow-up."""
        sealed = self._fields.seal_json(
            "followups",
            "record_ct",
            followup.followup_id,
            {"counterpart": followup.counterpart, "reference": followup.reference, "note": followup.note},
        )
        occurred = followup.occurred_at.isoformat()
        values = (followup.followup_id, followup.report_id, str(followup.kind), occurred, sealed)
        conn.execute(
            "INSERT INTO followups (followup_id, report_id, kind, occurred_at, record_ct, row_tag) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (*values, self._fields.rows.tag("followups", values)),  # storage.row_tags
        )

    def for_reports(self, conn: sqlite3.Connection, report_ids: list[str]) -> list[FollowUp]:
        """The follow-ups of ``report_ids``, oldest first."""
        marks = ",".join("?" for _ in report_ids)
        rows = (
            conn.execute(
                f"SELECT followup_id, report_id, kind, occurred_at, record_ct, row_tag FROM followups "
                f"WHERE report_id IN ({marks}) ORDER BY occurred_at, followup_id",
                report_ids,
            ).fetchall()
            if report_ids
            else []
        )
        found = []
        for followup_id, report_id, kind, occurred, sealed, tag in rows:
            self._fields.rows.check("followups", (followup_id, report_id, kind, occurred, sealed), tag)
            data = self._fields.open_json("followups", "record_ct", followup_id, sealed)
            found.append(
                FollowUp(
                    followup_id,
                    report_id,
                    FollowUpKind(kind),
                    datetime.fromisoformat(occurred),
                    str(data["counterpart"]),
                    str(data["reference"]),
                    str(data["note"]),
                )
            )
        return found
