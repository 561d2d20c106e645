"""Before a report leaves the workspace: is its row the version the custody log saved last?

Every write of a report's sealed draft logs its SHA-256 (``draft_sha256``, docs/row-binding.md).
``log verify`` compares every report with it; an export or a submission compares the one report it
is about to send, so an older copy of the row put back while the app runs (its row tag still
valid: it brings back files or fields the reviewer removed) is refused rather than sent. One read
of the log (decrypting it, parsing only report writes) and one digest.
"""

from desktop_app.core.errors import ReportNotAsLogged
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.log_replay import logged_drafts
from desktop_app.core.storage.reports import draft_digest


def check_as_logged(workspace: Workspace, report_id: str, doing: str) -> None:
    """Raise ``ReportNotAsLogged`` if the report's row is not the last one the log recorded.

    A report the log records no digest for (last saved before digests were logged, and not yet
    recorded at a verified unlock) is let through: there is nothing to compare with.
    """
    with workspace.db.read() as reader:
        row = reader.conn.execute("SELECT draft_ct FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        if row is None:
            return  # the load that follows says the report does not exist
        logged = logged_drafts(workspace.custody_log().plaintexts(reader.conn)).get(report_id)
    if logged is not None and draft_digest(row[0]) != logged:
        raise ReportNotAsLogged(
            f"{doing} Report {report_id[:8]} in the database is not the version the custody log saved last: "
            "an older copy of it was put back outside the app (it may hold files or details you removed). "
            "Verify the custody log ('evidence-desk log verify') to see what differs, and restore from a backup."
        )
