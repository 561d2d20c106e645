"""What matching reads and writes, held to the version the custody log recorded last.

Each write of an outcome whose matches are, or were, not empty logs ``item.matched`` with the
matches and the SHA-256 of the sealed outcome it stored (``outcome_sha256``), in the same
transaction. An older copy of the row, put back outside the app with its still-valid tag, could
hide a match from the reviewer; ``log verify`` tells it apart (``older-match``), and before matches
go into a report (new report, items added to one) ``check_outcomes_as_logged`` refuses it, so a
report is not built without a match the reviewer's lists found.

A list's sealed settings (on or off, PDQ threshold, name, counts) are held the same way: every write
logs ``settings_sha256``, and matching or importing refuses a list put back from an older copy
(``check_lists_as_logged``): switched off, or with a tighter threshold, it would hide matches.
"""

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import MatchOutcome
from desktop_app.core.errors import ListNotAsLogged, MatchesNotAsLogged
from desktop_app.core.platform.interpreter import release_gradually
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.hashlists import OUTCOME_DIGEST, HashListStore
from desktop_app.core.storage.reports import draft_digest

_NONE = MatchOutcome("", ())


def write_outcomes(
    workspace: Workspace,
    store: HashListStore,
    conn: sqlite3.Connection,
    fresh: list[MatchOutcome],
    before: Mapping[str, MatchOutcome],
) -> None:
    """Store ``fresh`` outcomes; log each one that has, or had (``before``), a match, with its digest.

    An outcome without matches before or after is stored unlogged (its notes changed): no match
    was gained or lost, and the reconciliation compares only items whose last entry lists matches.
    """
    digests = store.save_outcomes(conn, fresh)
    for outcome in fresh:
        if outcome.matches or before.get(outcome.item_id, _NONE).matches:
            matches = [
                {"list_id": m.list_id, "algorithm": str(m.algorithm), "entry": m.entry, "distance": m.distance}
                for m in outcome.matches
            ]
            data = {"matches": matches, OUTCOME_DIGEST: digests[outcome.item_id]}
            workspace.append_event(conn, EventType.ITEM_MATCHED, data, outcome.item_id)


def with_suppressions(
    store: HashListStore,
    stored: dict[str, MatchOutcome],
    everywhere: set[bytes],
    per_item: set[tuple[str, bytes]],
) -> dict[str, MatchOutcome]:
    """The outcomes without their suppressed matches (entries suppressed everywhere, or "not a match" for the item)."""
    if not everywhere and not per_item:
        return stored
    shown = {}
    for item_id, outcome in stored.items():
        kept = tuple(
            m
            for m in outcome.matches
            if (index := store.entry_index(m.entry_key)) not in everywhere and (item_id, index) not in per_item
        )
        shown[item_id] = replace(outcome, matches=kept)
    release_gradually(stored)  # a whole queue's outcomes: freed at once, they would hold the GIL
    return shown


def check_outcomes_as_logged(workspace: Workspace, conn: sqlite3.Connection, item_ids: Sequence[str]) -> None:
    """``MatchesNotAsLogged`` if an item the log last recorded as matched lacks that stored outcome.

    Run inside the read that then loads the outcomes, so what is checked is what is read. The log is
    read on from where the last check stopped (``storage.logged_digests``); one digest per matched item.
    """
    logged = workspace.custody.logged_digests.outcomes(conn, workspace.custody_log())
    wanted = [item_id for item_id in dict.fromkeys(item_ids) if item_id in logged]
    stale = []
    for start in range(0, len(wanted), 500):  # SQLite's limit on bound values
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = dict(conn.execute(f"SELECT item_id, outcome_ct FROM item_matches WHERE item_id IN ({marks})", chunk))
        for item_id in chunk:
            digest = logged[item_id]
            if item_id not in rows or (digest is not None and draft_digest(rows[item_id]) != digest):
                stale.append(item_id)
    if stale:
        raise MatchesNotAsLogged(
            f"The stored hash-list matches of item {stale[0][:8]}"
            + (f" and {len(stale) - 1} more" if len(stale) > 1 else "")
            + " are not the version the custody log recorded last: an older copy was put back outside the app, "
            "and it may hide a match. Nothing was added to the report. Run 'log verify' to see what differs and "
            "restore the workspace from a backup."
        )


def check_lists_as_logged(workspace: Workspace, conn: sqlite3.Connection, doing: str) -> None:
    """``ListNotAsLogged`` if a list's stored settings are not the ones the log recorded last.

    Run inside the read that then loads the lists. A list the log records no digest for (last
    written before digests were logged, not yet recorded at a verified unlock) is let through.
    """
    logged = workspace.custody.logged_digests.list_settings(conn, workspace.custody_log())
    for list_id, sealed in conn.execute("SELECT list_id, settings_ct FROM hash_lists"):
        digest = logged.get(list_id)
        if digest is not None and draft_digest(sealed) != digest:
            raise ListNotAsLogged(
                f"{doing} The settings of hash list {list_id[:8]} in the database are not the version the custody "
                "log recorded last: an older copy was put back outside the app (it may switch the list off or "
                "change its PDQ threshold, and hide matches). Run 'log verify' to see what differs and restore the "
                "workspace from a backup, or check every setting of the list and save them again."
            )
