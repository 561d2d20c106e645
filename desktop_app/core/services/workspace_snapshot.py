"""Everything the main window shows about the workspace, read in one pass off the GUI thread.

``load_snapshot`` runs inside the window's worker and returns a frozen value the window
renders, so the window never touches the database itself.
"""

import sqlite3
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature

from desktop_app.core.crypto.signed_note import CheckpointError, parse_and_verify
from desktop_app.core.domain.events import LoggedEvent
from desktop_app.core.domain.verification import SweepReport
from desktop_app.core.errors import LogIntegrityError
from desktop_app.core.services.workspace import Workspace


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """The workspace as last read.

    Attributes:
        workspace_id: Hex id of the workspace.
        unlocked: Whether the keys were loaded when read (if not, ``events`` is empty).
        reviewer: The actor of the newest event (the workspace does not expose its reviewer name
            otherwise), or None while locked.
        entries: Number of log entries according to the sealed head.
        events: The decrypted events, oldest first; up to the first unreadable one.
        read_problem: Why reading stopped early, if it did.
        checkpoint_size: Entries covered by the newest valid signed checkpoint.
        journal_mode: SQLite journal mode of the workspace database.
        separate_readers: False when this SQLite has the WAL-reset bug and the workspace therefore
            runs on a single connection.
        sqlite_version: Version of the linked SQLite library.
        sweep: What the start-up sweep found.
    """

    workspace_id: str
    unlocked: bool
    reviewer: str | None
    entries: int
    events: tuple[LoggedEvent, ...] = ()
    read_problem: str | None = None
    checkpoint_size: int | None = None
    journal_mode: str = ""
    separate_readers: bool = True
    sqlite_version: str = sqlite3.sqlite_version
    sweep: SweepReport = field(default_factory=SweepReport)


def load_snapshot(workspace: Workspace) -> WorkspaceSnapshot:
    """Read the log (decrypting it if unlocked), the newest checkpoint and the storage facts."""
    # Take the log first, then read the lock state: if the GUI thread locks the workspace in
    # between, we hold a keyed log we simply do not use. (The reverse cannot happen: the window
    # never refreshes while locked, and unlocking happens in its own dialog.)
    log = workspace.custody_log()
    unlocked = workspace.is_unlocked
    events: list[LoggedEvent] = []
    problem = None
    with workspace.db.read() as reader:
        entries = log.size(reader.conn)
        if unlocked:
            try:
                events.extend(log.events(reader.conn))
            except LogIntegrityError as exc:
                problem = exc.message
    return WorkspaceSnapshot(
        workspace_id=workspace.workspace_id.hex(),
        unlocked=unlocked,
        reviewer=events[-1].event.actor if events else None,
        entries=entries,
        events=tuple(events),
        read_problem=problem,
        checkpoint_size=_checkpoint_size(workspace),
        journal_mode=workspace.db.journal_mode,
        separate_readers=workspace.db.separate_readers,
        sweep=workspace.storage.sweep_report,
    )


def _checkpoint_size(workspace: Workspace) -> int | None:
    note = workspace.latest_checkpoint()
    if note is None:
        return None
    try:
        return parse_and_verify(note, workspace.origin, workspace.public_key).size
    except (CheckpointError, InvalidSignature):
        return None  # verification reports the bad checkpoint; here it simply is not "the latest valid"
