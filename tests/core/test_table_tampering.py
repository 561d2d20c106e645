"""Every table, tampered with by someone without the passphrase, then one more ordinary command.

The log's own tables have their property test in ``test_custody_log.py``. This one attacks the
rest of the workspace database: the queue, the vault's records, the reports, the reporter profile,
NCMEC's cached schemas, the workspace's own records and its key slots, the submission, holds,
follow-ups and destruction records, and the hash lists with their imports, contents, suppressions
and match outcomes. Each attack edits a copy of
a populated workspace with plain SQL (triggers dropped, foreign keys off); then the reviewer opens
it, unlocks, runs one ordinary command, and verifies. The attack must be caught: the workspace
refuses to open or unlock, or the verification at unlock fails *and* the one after the command
still fails (the command never launders an edit into fresh, valid state).

What is deliberately left out, and why:
- ``workspace_meta`` rows ``created_at`` and ``last_checkpoint_at``: an informational time and
  the schedule of the next checkpoint; nothing depends on them (the log's own times are the record).
- the ``recovery`` key slot and its check value (``workspace_meta.recovery_slot_mac``): the slot is
  only opened when used; unlock checks it against the check value and *warns* (finding 13, tested
  in tests/integration/test_custody_attacks.py) rather than failing verification. The log records
  the slot's SHA-256, so a slot damaged *and* stripped of its check value is reported too
  (tests/core/test_recovery_slot.py).
- deleting the ``item_matches`` row of an item that matched nothing: it records only that the item
  was compared, which the next match run records again; the log has no entry for it (only items
  whose matches changed get ``item.matched``). Every other change to such a row breaks its tag.
"""

import os
import shutil
import sqlite3
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.followups import FollowUpKind
from desktop_app.core.domain.items import ReviewState
from desktop_app.core.domain.media import MediaAnalysis, MediaKind
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.followups import FollowUpService
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.holds import HoldService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.items import ItemStore
from desktop_app.core.storage.ncmec_schemas import SchemaStore, StoredSchema
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.table_tampering_records import RECORD_TABLES, build_records

# table -> (key column, rows left out with the reason above)
TABLES: dict[str, tuple[str, tuple[object, ...]]] = {
    "items": ("item_id", ()),
    "item_sources": ("source_id", ()),
    "blobs": ("blob_id", ()),
    "reports": ("report_id", ()),
    "reporter_profile": ("profile_id", ()),
    "ncmec_schemas": ("sha256", ()),
    "workspace_meta": ("key", ("created_at", "last_checkpoint_at", "recovery_slot_mac")),
    "key_slots": ("kind", ("recovery",)),
    "report_accounts": ("account_index", ()),  # bound into its report's tag
    **{table: (key, ()) for table, key in RECORD_TABLES.items()},
}
MATCHED: set[str] = set()  # items whose stored outcome lists matches (filled by ``template``)
COMMANDS = ["list-items", "set-state", "record", "list-reports", "import", "list-holds", "match", "follow-up"]


def build(profile: Path, scratch: Path) -> None:
    """A workspace with something in every table: files, a text item, a link, states, an analysis,
    a second source, a destroyed blob, a report, a reporter profile, two cached schemas, and what
    ``build_records`` adds (a finished submission, holds, follow-ups, destructions, hash lists)."""
    scratch.mkdir(parents=True)
    files = {"a.bin": 70_000, "b.bin": 900, "gone.bin": 500, "doomed.bin": 300, "doomed-too.bin": 200}
    for name, data in {name: os.urandom(size) for name, size in files.items()}.items():
        (scratch / name).write_bytes(data)
    (scratch / "copy-of-b.bin").write_bytes((scratch / "b.bin").read_bytes())
    os.symlink("/nowhere", scratch / "link")
    workspace, _ = Workspace.create(AppPaths.resolve(profile), PASSPHRASE, "Table Reviewer", fast_kdf())
    try:
        items = ItemService(workspace)
        summary = run_to_completion(items.import_paths([scratch]))
        ids = {os.path.basename(r.path).decode(): r.item_id for r in summary.results if r.path}
        items.add_text("a message transcript")
        items.set_state([ids["a.bin"]], ReviewState.IN_REVIEW)
        items.set_state([ids["b.bin"]], ReviewState.DISMISSED, "not relevant")
        with workspace.db.write() as conn:  # what the analyser records
            analysis = MediaAnalysis(kind=MediaKind.OTHER, format="BIN")
            ItemStore(workspace.fields()).set_analysis(conn, ids["a.bin"], analysis)
            workspace.append_event(conn, EventType.ITEM_ANALYSED, {"kind": "other"}, ids["a.bin"])
        workspace.destroy_blob(items.get(ids["gone.bin"]).blob_id, "law-enforcement request")
        reports = ReportService(workspace, items)
        record = reports.create_draft([ids["a.bin"]])
        reporter = record.draft.report.get("reporter")
        reporter.get("reportingPerson").add("firstName", "Alex")
        reports.save_reporter_profile(reporter)
        person = record.draft.report.ensure("personOrUserReported")
        person.add("espIdentifier", "u-1001")
        person.add("screenName", "someone")
        reports.save(record)  # the report now names two accounts
        for number in (1, 2):  # what CyberTiplineService.refresh_schema writes
            data = f"<xs:schema n='{number}'/>".encode()
            sha = f"{number:064x}"
            with workspace.db.write() as conn:
                stored = StoredSchema(sha, datetime(2026, 1, number, tzinfo=UTC), "https://loopback", data)
                SchemaStore(workspace.fields()).put(conn, stored)
                workspace.append_event(conn, EventType.CYBERTIPLINE_SCHEMA_FETCHED, {"sha256": sha}, None)
        build_records(workspace, items, reports, ids, scratch)
    finally:
        workspace.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    build(root / "profile", root / "scratch")
    workspace = Workspace.open(AppPaths.resolve(root / "profile"))
    try:
        assert workspace.unlock(PASSPHRASE).ok  # the untouched copy is intact
        outcomes = HashListService(workspace, ItemService(workspace)).outcomes()
        MATCHED.update(item_id for item_id, outcome in outcomes.items() if outcome.matches)
    finally:
        workspace.close()
    return root / "profile"


def mutate_value(value, position: int, delta: int):
    if value is None:
        return b"\x00" * (1 + delta % 40)  # a NULL cell filled in
    if isinstance(value, int):
        return value + (delta or 1) * (1 if position % 2 else -1)
    if isinstance(value, str):
        chars = list(value) or ["a"]
        i = position % len(chars)
        replacement = chr(33 + (ord(chars[i]) - 33 + 1 + delta % 90) % 94)
        chars[i] = replacement if replacement != chars[i] else "#"
        return "".join(chars)
    raw = bytearray(value) or bytearray(b"\x00")
    raw[position % len(raw)] ^= (delta % 255) + 1
    return bytes(raw)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def targets(conn: sqlite3.Connection, table: str) -> list[object]:
    key, exempt = TABLES[table]
    return [r[0] for r in conn.execute(f"SELECT {key} FROM {table} ORDER BY 1") if r[0] not in exempt]


def apply_attack(db: Path, kind: str, table: str, pick: int, column_pick: int, position: int, delta: int) -> str:
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("PRAGMA foreign_keys=OFF")
        key = TABLES[table][0]
        rows = targets(conn, table)
        row = rows[pick % len(rows)]
        names = columns(conn, table)
        column = names[column_pick % len(names)]
        if kind == "delete":
            if table == "item_matches":  # see the module's docstring
                row = sorted(MATCHED)[pick % len(MATCHED)]
            conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (row,))
            return f"delete {table} {row}"
        current = conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (row,)).fetchone()[0]
        if kind == "null" and current is not None:  # (NULL already: mutate it instead, an attack must change)
            conn.execute(f"UPDATE {table} SET {column} = NULL WHERE {key} = ?", (row,))
            return f"null {table}.{column} {row}"
        if kind == "swap":
            others = [r for r in rows if r != row]
            if not others:
                kind = "mutate"
            else:
                other = others[position % len(others)]
                a, b = (
                    conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (r,)).fetchone()[0]
                    for r in (row, other)
                )
                if a == b:
                    kind = "mutate"
                else:
                    if column == key:
                        conn.execute(f"UPDATE {table} SET {key} = ? WHERE {key} = ?", ("swap-tmp", row))
                        conn.execute(f"UPDATE {table} SET {key} = ? WHERE {key} = ?", (a, other))
                        conn.execute(f"UPDATE {table} SET {key} = ? WHERE {key} = ?", (b, "swap-tmp"))
                    else:
                        conn.execute(f"UPDATE {table} SET {column} = NULL WHERE {key} = ?", (row,))
                        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (a, other))
                        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (b, row))
                    return f"swap {table}.{column} {row} {other}"
        (value,) = conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (row,)).fetchone()
        new = mutate_value(value, position, delta)
        if column == key:
            conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (new,))  # make room: still tampering
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (new, row))
        return f"mutate {table}.{column} {row}"


def ordinary_command(workspace: Workspace, command: str, scratch: Path) -> None:
    items = ItemService(workspace)
    if command == "list-items":
        items.list_items()
    elif command == "set-state":
        with workspace.db.read() as reader:
            every = [r[0] for r in reader.conn.execute("SELECT item_id FROM items ORDER BY item_id")]
        items.set_state(every, ReviewState.TO_REPORT)
    elif command == "record":
        workspace.record(EventType.SETTINGS_CHANGED, {"after": "attack"})
    elif command == "list-reports":
        ReportService(workspace, items).list_reports()
    elif command == "import":
        scratch.mkdir(exist_ok=True)
        (scratch / "new.bin").write_bytes(os.urandom(2000))
        run_to_completion(items.import_paths([scratch / "new.bin"]))
    elif command == "list-holds":  # derives automatic holds: writes to the hold tables
        HoldService(workspace).holds()
    elif command == "match":  # rewrites match outcomes
        run_to_completion(HashListService(workspace, items).match_items())
    elif command == "follow-up":
        with workspace.db.read() as reader:
            report_id = reader.conn.execute("SELECT report_id FROM reports ORDER BY report_id").fetchone()[0]
        FollowUpService(workspace).record(report_id, FollowUpKind.OTHER, note="after the attack")


def attack_and_check(template: Path, tmp: Path, command: str, *attack_args) -> None:
    if tmp.exists():
        shutil.rmtree(tmp)
    profile = tmp / "profile"
    shutil.copytree(template, profile)
    try:
        what = apply_attack(profile / "data" / "workspace" / "workspace.db", *attack_args)
    except sqlite3.IntegrityError:
        return  # a NOT NULL or CHECK constraint the attacker would first have to rewrite the schema for
    try:
        workspace = Workspace.open(AppPaths.resolve(profile))
    except (EvidenceDeskError, ValueError):
        # Refused to open at all: caught. (A ValueError is a malformed record of the workspace's own,
        # e.g. a public key of the wrong length; typed errors for those are finding 10's business.)
        return
    try:
        try:
            first = workspace.unlock(PASSPHRASE)
        except (EvidenceDeskError, ValueError):
            return  # refused to unlock (a key slot or the workspace's own records, as above): caught
        assert not first.ok, f"not caught at unlock: {what}"
        with suppress(EvidenceDeskError):  # the command may refuse to build on a tampered row
            ordinary_command(workspace, command, tmp / "scratch")
        final = workspace.verify_log()
        vault = run_to_completion(workspace.verify_vault())
        assert not final.ok or not vault.ok, f"laundered by {command}: {what}"
    finally:
        workspace.close()


KINDS = ["mutate", "mutate", "null", "swap", "delete"]


def test_every_column_of_every_table_is_protected(template, tmp_path):
    """Systematically: each column of the first attackable row of each table, mutated; each table, a row deleted."""
    with closing(sqlite3.connect(template / "data" / "workspace" / "workspace.db")) as conn:
        plan = [(table, i) for table in TABLES for i in range(len(columns(conn, table)))]
    for n, (table, column) in enumerate(plan):
        attack_and_check(template, tmp_path / "case", COMMANDS[n % len(COMMANDS)], "mutate", table, 0, column, n, n)
    for n, table in enumerate(TABLES):
        attack_and_check(template, tmp_path / "case", COMMANDS[n % len(COMMANDS)], "delete", table, n, 0, 0, 0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(KINDS),
    table=st.sampled_from(sorted(TABLES)),
    pick=st.integers(0, 10_000),
    column_pick=st.integers(0, 20),
    position=st.integers(0, 10_000),
    delta=st.integers(0, 254),
    command=st.sampled_from(COMMANDS),
)
@pytest.mark.slow
def test_random_tampering_of_any_table_is_caught_after_one_more_command(
    template, tmp_path, kind, table, pick, column_pick, position, delta, command
):
    attack_and_check(template, tmp_path / "case", command, kind, table, pick, column_pick, position, delta)
