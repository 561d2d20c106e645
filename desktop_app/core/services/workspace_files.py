"""Whether a workspace's files are there and whole, looked at before anything is opened or created."""

import sqlite3
from contextlib import closing
from pathlib import Path

from desktop_app.core.errors import WorkspaceExists
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.workspace_context import read_meta
from desktop_app.core.storage.database import damage_is_typed

DATABASE_NAME = "workspace.db"


def database_path(paths: AppPaths) -> Path:
    """Where the workspace database lives."""
    return paths.workspace / DATABASE_NAME


def is_complete(database: Path) -> bool | None:
    """True for a finished workspace, False for an interrupted creation, None if there is no file.

    Opened read-write on purpose: after a crash in rollback-journal mode only a writable
    connection can roll the hot journal back; a read-only one would fail and make a real
    workspace look absent.
    """
    if not database.exists():
        return None
    with closing(sqlite3.connect(database)) as conn, damage_is_typed(database):
        try:
            return read_meta(conn, "workspace_id") is not None
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return False
            raise


def refuse_orphaned_anchor(paths: AppPaths) -> None:
    """Refuse to create over an anchor whose data is gone: that is a workspace to restore, not to replace."""
    orphans = sorted(paths.anchors.glob("*.anchor")) if paths.anchors.exists() else []
    if orphans and not database_path(paths).exists():
        raise WorkspaceExists(
            f"An anchor for workspace {orphans[0].stem} exists but its data is gone from "
            f"{paths.workspace}. Restore the workspace from a backup; only remove {orphans[0]} if you "
            "deliberately retired that workspace."
        )


def clear_for_creation(paths: AppPaths) -> Path:
    """Refuse a finished workspace; remove what an interrupted creation left. Returns the database path."""
    database = database_path(paths)
    complete = is_complete(database)
    if complete:
        raise WorkspaceExists(f"A workspace already exists in {paths.workspace}; unlock it instead.")
    if complete is False:
        # An interrupted creation: its one transaction never committed, so it holds nothing.
        for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
    return database
