"""Hash lists in the workspace: create and import lists, match items, handle false positives, share back.

Every change writes its custody event in the same transaction. The lists' indexes are built in
memory from the sealed contents the first time matching needs them after an unlock (and again
for a list that changed); nothing decrypted is written to disk. Suppressions ("not a match" for
one item, or an entry suppressed for the whole workspace) are kept apart from the lists and
applied when matches are read, so they survive every list update.
"""

import hashlib
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import (
    DEFAULT_PDQ_THRESHOLD,
    MAX_PDQ_THRESHOLD,
    Algorithm,
    HashList,
    ListActivity,
    ListCounts,
    ListFormat,
    ListImportSummary,
    MatchOutcome,
    MatchRunSummary,
    MatchStanding,
)
from desktop_app.core.domain.items import Item, ReviewState
from desktop_app.core.hashlists.activity import list_activity, standings
from desktop_app.core.hashlists.contents import merge
from desktop_app.core.hashlists.errors import ListNotFound, ListSettingsInvalid, SuppressionReasonRequired
from desktop_app.core.hashlists.guards import ListLimits
from desktop_app.core.hashlists.matching import ItemHashes, LoadedList, Matcher
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.hashlists.readers import read_list
from desktop_app.core.platform.interpreter import release_gradually
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.services.hashlist_export import export_hashes
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.match_outcomes import (
    check_lists_as_logged,
    check_outcomes_as_logged,
    with_suppressions,
    write_outcomes,
)
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.hashlists import SETTINGS_DIGEST, HashListStore, now

MATCH_BATCH = 500


def _file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class HashListService:
    """The lists of one unlocked workspace and the matches of its items."""

    def __init__(self, workspace: Workspace, items: ItemService, limits: ListLimits | None = None) -> None:
        self._workspace = workspace
        self._items = items
        self._limits = limits or ListLimits()
        self._lock = threading.Lock()
        self._loaded: dict[str, LoadedList] = {}

    @property
    def _store(self) -> HashListStore:
        return HashListStore(self._workspace.fields())

    # -- lists ---------------------------------------------------------------------------------

    def lists(self) -> list[tuple[HashList, ListCounts]]:
        """Every list with its entry counts."""
        with self._workspace.db.read() as reader:
            return self._store.lists(reader.conn)

    def find(self, name_or_id: str) -> HashList:
        """A list by its name (case-insensitive) or id; ``ListNotFound`` otherwise."""
        for settings, _ in self.lists():
            if name_or_id in (settings.list_id,) or settings.name.casefold() == name_or_id.casefold():
                return settings
        raise ListNotFound(f"There is no hash list called '{name_or_id}'. 'lists show' lists them.")

    @staticmethod
    def _check(settings: HashList) -> None:
        if not settings.name.strip():
            raise ListSettingsInvalid("A hash list needs a name.")
        if not 0 <= settings.pdq_threshold <= MAX_PDQ_THRESHOLD:
            raise ListSettingsInvalid(
                f"A PDQ threshold is 0-{MAX_PDQ_THRESHOLD} bits (upstream guidance: {DEFAULT_PDQ_THRESHOLD})."
            )

    def create_list(
        self, name: str, source: str = "", licence_note: str = "", pdq_threshold: int = DEFAULT_PDQ_THRESHOLD
    ) -> HashList:
        """A new, empty list."""
        settings = HashList(uuid.uuid4().hex, name.strip(), source, licence_note, pdq_threshold, True, now())
        self._check(settings)
        if any(s.name.casefold() == settings.name.casefold() for s, _ in self.lists()):
            raise ListSettingsInvalid(f"There is already a list called '{settings.name}'.")
        with self._workspace.db.write() as conn:
            data: dict[str, object] = {"name": settings.name, "source": source, "pdq_threshold": pdq_threshold}
            data[SETTINGS_DIGEST] = self._store.create(conn, settings)
            self._workspace.append_event(conn, EventType.HASH_LIST_CREATED, data, settings.list_id)
        return settings

    def change_settings(self, list_id: str, **changes: object) -> HashList:
        """Change a list's name, source, licence note, PDQ threshold or enabled flag."""
        current = {s.list_id: (s, c) for s, c in self.lists()}
        if list_id not in current:
            raise ListNotFound(f"There is no hash list {list_id}.")
        settings, counts = current[list_id]
        updated = replace(settings, **changes)  # type: ignore[arg-type]
        self._check(updated)
        with self._workspace.db.write() as conn:
            data = {k: v for k, v in changes.items() if isinstance(v, str | int | bool)}
            data[SETTINGS_DIGEST] = self._store.save_settings(conn, updated, counts)
            self._workspace.append_event(conn, EventType.HASH_LIST_SETTINGS_CHANGED, data, list_id)
        with self._lock:
            self._loaded.pop(list_id, None)
        return updated

    def import_file(
        self,
        list_id: str,
        path: str | os.PathLike[str],
        format: ListFormat,
        options: ReadOptions | None = None,
        cancel: CancelToken | None = None,
    ) -> ProgressGenerator[ListImportSummary]:
        """Read a list file and apply it to the list (additions and withdrawals), as one custody event.

        Nothing is written until the whole file was read; cancelling before then changes nothing.
        """
        # Written back with the new counts: a list put back from an older copy is refused, not carried on.
        settings = next((s for s, _ in self._lists_as_logged("Nothing was imported.") if s.list_id == list_id), None)
        if settings is None:
            raise ListNotFound(f"There is no hash list {list_id}.")
        changes = yield from read_list(path, format, options, self._limits, cancel)
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield Progress(0, None, "applying")
        sha256 = _file_sha256(path)
        store = self._store
        with self._workspace.db.write() as conn:
            contents, generation = store.load_contents(conn, list_id)
            merged, stats = merge(contents, changes, generation + 1)
            store.save_contents(conn, list_id, merged, generation + 1)
            counts = merged.counts()
            digest = store.save_settings(conn, settings, counts)
            summary = ListImportSummary(
                list_id,
                settings.name,
                Path(path).name,
                format,
                changes.rows_read,
                changes.bad_row_count,
                changes.bad_rows,
                changes.ignored_types,
                stats.added,
                stats.withdrawn,
                stats.unknown_withdrawals,
                stats.unchanged,
                counts,
            )
            record = {
                "file_name": summary.file_name,
                "file_sha256": sha256,
                "format": str(format),
                "rows": changes.rows_read,
                "bad_rows": changes.bad_row_count,
                "added": stats.added,
                "withdrawn": stats.withdrawn,
                "unknown_withdrawals": stats.unknown_withdrawals,
                "active": counts.total_active,
                "generation": generation + 1,
            }
            store.add_import(
                conn,
                list_id,
                {
                    **record,
                    "first_bad_rows": [[b.line, b.reason] for b in changes.bad_rows[:100]],
                    "ignored_types": changes.ignored_types,
                    # The next file from the same source is mapped the same way (``saved_mapping``).
                    "column_mapping": dict(options.mapping) if options and format == ListFormat.CSV else {},
                },
            )
            logged = {**record, SETTINGS_DIGEST: digest}
            self._workspace.append_event(conn, EventType.HASH_LIST_IMPORTED, logged, list_id)
        with self._lock:
            self._loaded.pop(list_id, None)
        return summary

    def saved_mapping(self, name: str) -> dict[str, str]:
        """The column mapping of the latest CSV import into list ``name``, else into a list of its source.

        Programmes send the same columns every time, so the reviewer maps them once ({} if never).
        """
        every = [settings for settings, _ in self.lists()]
        chosen = [s for s in every if s.name.casefold() == name.strip().casefold()]
        sources = {s.source.casefold() for s in chosen if s.source}
        kin = [s for s in every if s not in chosen and s.source.casefold() in sources]
        with self._workspace.db.read() as reader:
            for settings in (*chosen, *kin):
                for record in reversed(self._store.imports(reader.conn, settings.list_id)):
                    mapping = record.get("column_mapping")
                    if isinstance(mapping, dict) and mapping:
                        return {str(column): str(role) for column, role in mapping.items()}
        return {}

    def imports(self, list_id: str) -> list[dict[str, object]]:
        """A list's import history."""
        with self._workspace.db.read() as reader:
            return self._store.imports(reader.conn, list_id)

    # -- matching ------------------------------------------------------------------------------

    def _lists_as_logged(self, doing: str) -> list[tuple[HashList, ListCounts]]:
        """``lists``, refusing one whose settings are not the version the log recorded last (``ListNotAsLogged``)."""
        with self._workspace.db.read() as reader:
            check_lists_as_logged(self._workspace, reader.conn, doing)
            return self._store.lists(reader.conn)

    def matcher(self) -> Matcher:
        """Every enabled list, indexed in memory (built on first use after an unlock or a change).

        A list whose settings were put back from an older copy (switched off, another PDQ threshold)
        would hide matches: such a list is refused (``ListNotAsLogged``) and nothing is matched.
        """
        lists = self._lists_as_logged("Nothing was matched.")
        with self._lock:
            for stale in set(self._loaded) - {s.list_id for s, _ in lists}:
                del self._loaded[stale]
            for settings, _ in lists:
                loaded = self._loaded.get(settings.list_id)
                if loaded is None or loaded.settings != settings:
                    with self._workspace.db.read() as reader:
                        contents, _ = self._store.load_contents(reader.conn, settings.list_id)
                    self._loaded[settings.list_id] = LoadedList(settings, contents)
            return Matcher(list(self._loaded.values()))

    def forget(self) -> None:
        """Drop the in-memory indexes (call when the workspace locks)."""
        with self._lock:
            self._loaded.clear()

    def match_items(
        self, item_ids: Sequence[str] | None = None, cancel: CancelToken | None = None, query_batch: int = MATCH_BATCH
    ) -> ProgressGenerator[MatchRunSummary]:
        """Match the given items (or the whole queue) and store what changed, with custody events.

        ``query_batch``: items whose hashes go to the indexes in one call. The index's numpy steps
        hold the GIL for a time that grows with the batch, and the window's thread waits for each
        one: the app matches in small batches (``ui/lists``), the command line in big ones. What is
        written per transaction stays ``MATCH_BATCH`` items either way.
        """
        yield Progress(0, None, "loading lists")
        matcher = self.matcher()
        items: list[Item] = self._items.list_items() if item_ids is None else [self._items.get(i) for i in item_ids]
        store = self._store
        with self._workspace.db.read() as reader:
            before = store.outcomes(reader.conn, None if item_ids is None else list(item_ids))
        matched = changed = 0
        for start in range(0, len(items), MATCH_BATCH):
            if cancel is not None:
                cancel.raise_if_cancelled()
            batch = items[start : start + MATCH_BATCH]
            outcomes = [
                outcome
                for first in range(0, len(batch), query_batch)
                for outcome in matcher.match([ItemHashes.of(item) for item in batch[first : first + query_batch]])
            ]
            fresh = [o for o in outcomes if before.get(o.item_id) != o]
            matched += sum(1 for o in outcomes if o.matches)
            if fresh:
                with self._workspace.db.write() as conn:
                    write_outcomes(self._workspace, store, conn, fresh, before)
                changed += len(fresh)
            yield Progress(start + len(batch), len(items), "matching")
        summary = MatchRunSummary(len(items), matched, changed)
        release_gradually(before)  # a whole queue's outcomes: freed at once, they would hold the GIL
        self._workspace.record(EventType.ITEMS_MATCHED, {"items": len(items), "matched": matched, "changed": changed})
        return summary

    def unmatched_item_ids(self) -> list[str]:
        """Items never matched yet (imported since the last run), in queue order."""
        with self._workspace.db.read() as reader:
            matched = self._store.outcome_times(reader.conn)
        return [item.item_id for item in self._items.list_items() if item.item_id not in matched]

    def outcomes(self, item_ids: Sequence[str] | None = None, *, as_logged: bool = False) -> dict[str, MatchOutcome]:
        """Stored matches with suppressions applied (what the queue and the details show).

        ``as_logged`` (the matches a report records): ``MatchesNotAsLogged`` if an item's stored
        outcome is not the version the log recorded last (``services.match_outcomes``).
        """
        store = self._store
        with self._workspace.db.read() as reader:
            if as_logged and item_ids:
                check_outcomes_as_logged(self._workspace, reader.conn, item_ids)
            stored = store.outcomes(reader.conn, None if item_ids is None else list(item_ids))
            everywhere, per_item = store.suppressions(reader.conn)
        return with_suppressions(store, stored, everywhere, per_item)

    def standings(self, item_id: str) -> tuple[list[MatchStanding], tuple[str, ...]]:
        """Every stored match of an item, each with whether it counts (and why not), and the outcome's notes."""
        store = self._store
        with self._workspace.db.read() as reader:
            outcome = store.outcomes(reader.conn, [item_id]).get(item_id)
            everywhere, per_item = self._reasons(reader.conn)
        if outcome is None:
            return [], ()
        return standings(outcome, store.entry_index, everywhere, per_item), outcome.notes

    def activity(self, at: datetime | None = None) -> dict[str, ListActivity]:
        """What each list has matched (by list id): the list page's counts."""
        store = self._store
        with self._workspace.db.read() as reader:
            stored = store.outcomes(reader.conn)
            written = store.outcome_times(reader.conn)
            everywhere, per_item = self._reasons(reader.conn)
        activity = list_activity(stored, written, store.entry_index, everywhere, per_item, at or datetime.now(UTC))
        release_gradually(stored)  # a whole queue's outcomes: freed at once, they would hold the GIL
        return activity

    def _reasons(self, conn: Any) -> tuple[dict[bytes, str], dict[tuple[str, bytes], str]]:
        """Suppressed entries and not-a-match marks, by blind index, with their reasons."""
        store = self._store
        everywhere: dict[bytes, str] = {}
        per_item: dict[tuple[str, bytes], str] = {}
        for detail in store.suppression_details(conn):
            key = store.entry_index(str(detail["entry"]))
            if detail["item_id"] is None:
                everywhere[key] = str(detail["reason"])
            else:
                per_item[(str(detail["item_id"]), key)] = str(detail["reason"])
        return everywhere, per_item

    # -- false positives -----------------------------------------------------------------------

    def reject_match(self, item_id: str, entry_key: str, reason: str) -> None:
        """Mark one match of one item as not a match, with the reviewer's reason."""
        self._suppress(entry_key, reason, item_id)

    def suppress_entry(self, entry_key: str, reason: str) -> None:
        """Suppress a list entry for the whole workspace (a hash that floods the queue)."""
        self._suppress(entry_key, reason, None)

    def _suppress(self, entry_key: str, reason: str, item_id: str | None) -> None:
        reason = reason.strip()
        if not reason:
            raise SuppressionReasonRequired("Say why this is not a match; the reason goes into the custody log.")
        if item_id is not None:
            self._items.get(item_id)  # ItemNotFound for an unknown item
        with self._workspace.db.write() as conn:
            self._store.add_suppression(conn, entry_key, item_id, {"reason": reason})
            data = {"entry": entry_key, "reason": reason}
            if item_id is None:
                self._workspace.append_event(conn, EventType.HASH_LIST_ENTRY_SUPPRESSED, data, None)
            else:
                self._workspace.append_event(conn, EventType.ITEM_MATCH_REJECTED, data, item_id)

    def suppressions(self) -> list[dict[str, object]]:
        """Every suppression and not-a-match mark, with its reason."""
        with self._workspace.db.read() as reader:
            return self._store.suppression_details(reader.conn)

    # -- sharing back --------------------------------------------------------------------------

    def export_confirmed(
        self, path: str | os.PathLike[str], format: ListFormat, algorithm: Algorithm | None = None
    ) -> int:
        """Write the hashes of reported items as an HMA CSV or plain text; returns how many hashes."""
        reported = [item for item in self._items.list_items() if item.state == ReviewState.REPORTED]
        return export_hashes(self._workspace, reported, path, format, algorithm)
