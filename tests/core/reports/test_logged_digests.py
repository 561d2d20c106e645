"""The digests a report or the profile is held to, read on from where the previous check stopped.

``check_as_logged`` and ``profile_as_logged`` decrypt only the entries appended since their last
read (``storage.logged_digests``). What they answer must be what a read of the whole log answers,
and a log changed under them (cut, rolled back and grown again, appended to by another connection)
must not leave them answering from what they read before. The attacker edits the database file
directly, as an outsider would.
"""

import os
import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.errors import LogIntegrityError, ProfileNotAsLogged, ReportNotAsLogged
from desktop_app.core.storage.log_replay import replay_log
from tests.conftest import PASSPHRASE

_COLUMNS = ("updated_at", "status", "draft_ct", "row_tag")
_KINDS = ["Child Pornography", "Child Sex Trafficking", "Online Enticement of Children for Sexual Acts"]
_NOT_SENT = "Nothing was sent."


def _outsider(workspace):
    return closing(sqlite3.connect(workspace.db.path, isolation_level=None))


def _row(workspace, report_id):
    with workspace.db.read() as reader:
        query = f"SELECT {', '.join(_COLUMNS)} FROM reports WHERE report_id = ?"
        return reader.conn.execute(query, (report_id,)).fetchone()


def _put_back(workspace, report_id, row) -> None:
    with _outsider(workspace) as conn:
        sets = ", ".join(f"{column} = ?" for column in _COLUMNS)
        conn.execute(f"UPDATE reports SET {sets} WHERE report_id = ?", (*row, report_id))


def _head(workspace):
    with workspace.db.read() as reader:
        return reader.conn.execute("SELECT seq, head_hash, mac FROM log_head WHERE id = 1").fetchone()


def _roll_back(workspace, head) -> None:
    """Cut the log back to ``head`` (a head row read earlier, its seal valid): an older copy's log."""
    with _outsider(workspace) as conn:
        conn.execute("DROP TRIGGER IF EXISTS log_entries_no_delete")  # the app's guard, not the attacker's
        conn.execute("DELETE FROM log_entries WHERE seq > ?", (head[0],))
        conn.execute("UPDATE log_head SET seq = ?, head_hash = ?, mac = ? WHERE id = 1", head)


def _edit(reports, report_id, n: int) -> None:
    record = reports.load(report_id)
    record.draft.report.ensure("incidentSummary").set("incidentType", _KINDS[n % len(_KINDS)])
    reports.save(record)


def _save_profile(reports, name: str) -> None:
    reporter = reports.create_draft().draft.report.get("reporter")
    reporter.get("reportingPerson").add("firstName", name)
    reports.save_reporter_profile(reporter)


def _kept_and_whole(workspace, report_ids):
    """What the kept digests answer, what a whole read answers, and how many entries were decrypted."""
    kept, log = workspace.custody.logged_digests, workspace.custody_log()
    before = kept.entries_read
    with workspace.db.read() as reader:
        answer = ({rid: kept.draft(reader.conn, log, rid) for rid in report_ids}, kept.profile(reader.conn, log))
        replay = replay_log(reader.conn, log)  # the reconciliation's own whole read
        whole = ({rid: replay.drafts.get(rid) for rid in report_ids}, replay.profile_digest)
        size = log.size(reader.conn)
    return answer, whole, kept.entries_read - before, size


def test_each_read_decrypts_only_the_entries_appended_since_and_agrees_with_the_whole_log(workspace, reports):
    report_ids = [reports.create_draft().report_id for _ in range(3)]
    answer, whole, decrypted, size = _kept_and_whole(workspace, report_ids)
    assert answer == whole and decrypted == size  # the first read reads the whole log
    steps = [
        *(lambda n=n: _edit(reports, report_ids[n % 2], n) for n in range(4)),
        lambda: _save_profile(reports, "Alex"),
        lambda: workspace.record(EventType.SETTINGS_CHANGED, {"theme": "dark"}),
        lambda: _save_profile(reports, "Sam"),
        lambda: reports.create_draft(),
    ]
    for step in steps:
        step()
        answer, whole, decrypted, new_size = _kept_and_whole(workspace, report_ids)
        assert answer == whole
        assert decrypted == new_size - size > 0
        size = new_size
    assert answer[1] is not None and all(answer[0].values())
    _, _, decrypted, _ = _kept_and_whole(workspace, report_ids)
    assert decrypted == 0  # nothing appended: nothing decrypted
    workspace.lock()  # what was read goes with the keys
    assert workspace.unlock(PASSPHRASE).ok
    answer, whole, decrypted, size = _kept_and_whole(workspace, report_ids)
    assert answer == whole and decrypted == size


def test_an_older_row_put_back_after_the_digests_were_read_is_still_refused(workspace, reports):
    report_id = reports.create_draft().report_id
    _edit(reports, report_id, 0)
    older = _row(workspace, report_id)
    reports.load_as_logged(report_id, _NOT_SENT)  # read: the digests are kept
    _edit(reports, report_id, 1)
    reports.load_as_logged(report_id, _NOT_SENT)  # read on: the newer digest
    _put_back(workspace, report_id, older)
    with pytest.raises(ReportNotAsLogged, match=_NOT_SENT):
        reports.load_as_logged(report_id, _NOT_SENT)

    _save_profile(reports, "Alex")
    with workspace.db.read() as reader:
        older_profile = reader.conn.execute("SELECT updated_at, profile_ct, row_tag FROM reporter_profile").fetchone()
    reports.reporter_profile()
    _save_profile(reports, "Sam")
    reports.reporter_profile()
    with _outsider(workspace) as conn:
        conn.execute("UPDATE reporter_profile SET updated_at = ?, profile_ct = ?, row_tag = ?", older_profile)
    with pytest.raises(ProfileNotAsLogged):
        reports.reporter_profile()


def test_a_log_rolled_back_and_grown_again_under_the_kept_digests_is_read_whole_again(workspace, reports):
    """The entry read last now has other entries before it, one of them a newer save of the report."""
    report_id = reports.create_draft().report_id
    _edit(reports, report_id, 0)
    older, head = _row(workspace, report_id), _head(workspace)
    for n in range(3):
        workspace.record(EventType.SETTINGS_CHANGED, {"step": n})
    reports.load_as_logged(report_id, _NOT_SENT)  # read up to entry head + 3
    read_up_to = _head(workspace)[0]
    _roll_back(workspace, head)
    _edit(reports, report_id, 1)  # the newer save, logged at or below the entry read last
    while _head(workspace)[0] <= read_up_to:
        workspace.record(EventType.SETTINGS_CHANGED, {"after": "roll-back"})
    _put_back(workspace, report_id, older)
    with pytest.raises(ReportNotAsLogged):
        reports.load_as_logged(report_id, _NOT_SENT)


def test_a_log_cut_under_the_kept_digests_answers_what_the_cut_log_says(workspace, reports):
    """Not the digests read before the cut: those entries are gone, and the answer is the whole read's."""
    report_id = reports.create_draft().report_id
    _edit(reports, report_id, 0)
    head = _head(workspace)
    _edit(reports, report_id, 1)
    newer, _, _, _ = _kept_and_whole(workspace, [report_id])
    _roll_back(workspace, head)
    answer, whole, decrypted, size = _kept_and_whole(workspace, [report_id])
    assert answer == whole != newer
    assert decrypted == size


def test_entries_another_connection_appends_are_read(workspace, reports):
    """A digest logged by another writer (another process with the keys) is the one held to."""
    report_id = reports.create_draft().report_id
    _edit(reports, report_id, 0)
    reports.load_as_logged(report_id, _NOT_SENT)
    with _outsider(workspace) as conn:
        conn.execute("BEGIN IMMEDIATE")
        data = {"paths": [], "draft_sha256": "ab" * 32}
        workspace.custody_log().append(conn, CustodyEvent(EventType.REPORT_CHANGED, "Other", data, report_id))
        conn.execute("COMMIT")
    with pytest.raises(ReportNotAsLogged):
        reports.load_as_logged(report_id, _NOT_SENT)


def test_an_entry_appended_without_the_key_is_refused_every_time(workspace, reports):
    """New entries are authenticated as the whole read authenticates them, not taken on trust."""
    report_id = reports.create_draft().report_id
    reports.load_as_logged(report_id, _NOT_SENT)
    seq = _head(workspace)[0] + 1
    with _outsider(workspace) as conn:
        forged = (seq, os.urandom(12), os.urandom(80), os.urandom(32))
        conn.execute("INSERT INTO log_entries (seq, nonce, ciphertext, entry_hash) VALUES (?, ?, ?, ?)", forged)
    for _ in range(2):
        with pytest.raises(LogIntegrityError, match=f"entry {seq} cannot be authenticated"):
            reports.load_as_logged(report_id, _NOT_SENT)
    with _outsider(workspace) as conn:  # so that closing the workspace can append its lock
        conn.execute("DROP TRIGGER IF EXISTS log_entries_no_delete")
        conn.execute("DELETE FROM log_entries WHERE seq = ?", (seq,))
