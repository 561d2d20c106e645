"""Before a report leaves the workspace: is its row the version the custody log saved last?

Every write of a report's sealed draft logs its SHA-256 (``draft_sha256``, docs/row-binding.md).
``log verify`` compares every report with it; an export or a submission compares the one report it
is about to send, so an older copy of the row put back while the app runs (its row tag still
valid: it brings back files or fields the reviewer removed) is refused rather than sent. The logged
digests are read on from where the previous check stopped (``storage.logged_digests``): only the
entries appended since are decrypted, and one digest of the row is taken.

The reporter profile is held the same way (``profile_sha256``): it is read only to fill a draft,
and a stale copy would carry reporter details the reviewer replaced into every new report, so
that read compares it too (``check_profile_as_logged``).
"""

import sqlite3

from desktop_app.core.errors import ProfileNotAsLogged, ReportNotAsLogged
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.reports import draft_digest, stored_profile_digest


def check_as_logged(workspace: Workspace, conn: sqlite3.Connection, report_id: str, doing: str) -> None:
    """Raise ``ReportNotAsLogged`` if the report's row is not the last one the log recorded.

    Run inside the read that then loads the report, so what is checked is what is read. A report
    the log records no digest for (last saved before digests were logged, and not yet recorded at
    a verified unlock) is let through: there is nothing to compare with.
    """
    row = conn.execute("SELECT draft_ct FROM reports WHERE report_id = ?", (report_id,)).fetchone()
    if row is None:
        return  # the load that follows says the report does not exist
    logged = workspace.custody.logged_digests.draft(conn, workspace.custody_log(), report_id)
    if logged is not None and draft_digest(row[0]) != logged:
        raise ReportNotAsLogged(
            f"{doing} Report {report_id[:8]} in the database is not the version the custody log saved last: "
            "an older copy of it was put back outside the app (it may hold files or details you removed). "
            "Verify the custody log ('evidence-desk log verify') to see what differs, and restore from a backup."
        )


def profile_as_logged(workspace: Workspace, conn: sqlite3.Connection) -> bool:
    """Whether the stored reporter profile is the one the log recorded last.

    True with no profile, or with one the log records no digest for (saved before digests were
    logged, not yet recorded at a verified unlock): there is nothing to compare with.
    """
    stored = stored_profile_digest(conn)
    if stored is None:
        return True
    logged = workspace.custody.logged_digests.profile(conn, workspace.custody_log())
    return logged is None or stored == logged


def check_profile_as_logged(workspace: Workspace, conn: sqlite3.Connection) -> None:
    """Raise ``ProfileNotAsLogged`` unless ``profile_as_logged``.

    Run inside the read that then loads the profile, so what is checked is what is read.
    """
    if not profile_as_logged(workspace, conn):
        raise ProfileNotAsLogged(
            "The reporter profile in the database is not the version the custody log saved last: an older "
            "copy was put back outside the app (it may hold reporter details you replaced). Nothing was "
            "filled in from it. Verify the custody log ('evidence-desk log verify') to see what differs; "
            "fill in the reporter section and save it as the profile again, or restore from a backup."
        )
