"""An older copy of the reporter profile's row, put back without keys, is caught.

Its row tag stays valid (tags bind content to identity, not to version). Each save logs the SHA-256
of the sealed profile (``profile_sha256``): ``log verify`` holds the row to the one logged last, and
reading the profile into a draft refuses a row that is not it (docs/row-binding.md). The attacker
edits the database file directly, as an outsider would.
"""

import hashlib

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.errors import ProfileNotAsLogged
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.reports.conftest import NOW
from tests.core.reports.helpers import logged_by_an_older_app
from tests.rollback import copy_row, discrepancy_codes, put_back

_COLUMNS = ("updated_at", "profile_ct", "row_tag")


def _row(workspace):
    return copy_row(workspace, "reporter_profile", _COLUMNS, "profile_id", 1)


def _put_back(workspace, row) -> None:
    put_back(workspace, "reporter_profile", _COLUMNS, "profile_id", 1, row)


def _save(reports: ReportService, name: str):
    reporter = reports.create_draft().draft.report.get("reporter")
    person = reporter.get("reportingPerson")
    person.remove("firstName")
    person.add("firstName", name)
    reports.save_reporter_profile(reporter)
    return reporter


def _saves(reports: ReportService) -> tuple[list[object], object]:
    """Three saves of the profile, each row as stored; the last profile saved."""
    rows = []
    for name in ("Alex", "Sam", "Robin"):
        last = _save(reports, name)
        rows.append(_row(reports._workspace))
    return rows, last


def test_legitimate_saves_verify_clean_and_every_older_profile_is_caught_and_refused(workspace):
    reports = ReportService(workspace, ItemService(workspace), now=lambda: NOW)
    rows, last = _saves(reports)
    assert len({row[1] for row in rows}) == len(rows)
    assert discrepancy_codes(workspace) == []
    assert reports.create_draft().draft.report.get("reporter") == last
    for older in rows[:-1]:
        _put_back(workspace, older)
        assert "older-profile" in discrepancy_codes(workspace)
        with pytest.raises(ProfileNotAsLogged, match="save it as the profile again"):
            reports.create_draft()
        with pytest.raises(ProfileNotAsLogged):
            reports.reporter_profile()
    _put_back(workspace, rows[-1])  # the version the log saved last
    assert discrepancy_codes(workspace) == []
    assert reports.reporter_profile() == last


def test_saving_the_profile_again_is_the_remedy_even_with_the_stale_details(workspace):
    reports = ReportService(workspace, ItemService(workspace), now=lambda: NOW)
    rows, _ = _saves(reports)
    _put_back(workspace, rows[0])
    with workspace.db.read() as reader:
        stale = reports._store.load_profile(reader.conn)  # what the reviewer would type in again
    reports.save_reporter_profile(stale)  # no field differs from the row, yet it is rewritten and logged
    assert discrepancy_codes(workspace) == []
    assert reports.reporter_profile() == stale


@pytest.fixture
def older_workspace(paths, monkeypatch):
    """A workspace whose profile was saved by an app that logged no digest; its two rows."""
    with logged_by_an_older_app(monkeypatch, "profile_sha256"):
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        reports = ReportService(workspace, ItemService(workspace), now=lambda: NOW)
        rows, _ = _saves(reports)
        assert not any("profile_sha256" in e.event.data for e in workspace.events())
        workspace.close()
    return paths, rows


def _unlocked(paths) -> Workspace:
    workspace = Workspace.open(paths)
    assert workspace.unlock(PASSPHRASE).ok
    return workspace


def _recorded(workspace):
    return [e.event for e in workspace.events() if e.event.type is EventType.REPORT_DRAFTS_RECORDED]


def test_an_older_workspace_records_its_profile_once_and_is_checked_from_then_on(older_workspace):
    paths, rows = older_workspace
    workspace = _unlocked(paths)
    try:
        (recorded,) = _recorded(workspace)
        with workspace.db.read() as reader:
            (stored,) = reader.conn.execute("SELECT profile_ct FROM reporter_profile").fetchone()
        assert recorded.data["profile_sha256"] == hashlib.sha256(stored).hexdigest()
        assert discrepancy_codes(workspace) == []
        _put_back(workspace, rows[0])
        assert "older-profile" in discrepancy_codes(workspace)
    finally:
        workspace.close()
    for _ in range(2):  # the put-back row fails verification: nothing is recorded over it
        workspace = Workspace.open(paths)
        assert not workspace.unlock(PASSPHRASE).ok
        assert len(_recorded(workspace)) == 1
        workspace.close()


def test_the_one_time_profile_record_is_written_once(older_workspace):
    paths, _ = older_workspace
    for _ in range(2):
        workspace = _unlocked(paths)
        count = len(_recorded(workspace))
        workspace.close()
    assert count == 1
