"""An older copy of an item's stored matches, put back without keys, cannot hide a match.

Every ``item_matches`` row ever written carries a valid row tag, so an outsider with write access
to the database can put back the row from before a list found the item. Each write of an outcome
that has (or had) a match logs the SHA-256 of the sealed outcome it stored (``outcome_sha256``):
``log verify`` holds a matched item's row to it (``older-match``), and the matches a new report
records are refused from a row that is not it (docs/row-binding.md).
"""

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.errors import MatchesNotAsLogged
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.wiring import build_services
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.reports.helpers import logged_by_an_older_app
from tests.rollback import copy_row, discrepancy_codes, put_back

_COLUMNS = ("matched_at", "outcome_ct", "row_tag")


def _row(workspace, item_id):
    return copy_row(workspace, "item_matches", _COLUMNS, "item_id", item_id)


def _put_back(workspace, item_id, row) -> None:
    put_back(workspace, "item_matches", _COLUMNS, "item_id", item_id, row)


def _list_of(service: HashListService, folder, name: str, md5s: list[str]) -> str:
    listing = service.create_list(name)
    path = folder / f"{name}.txt"
    path.write_text("".join(f"{md5}\n" for md5 in md5s))
    run_to_completion(service.import_file(listing.list_id, path, ListFormat.TEXT, ReadOptions(algorithm=Algorithm.MD5)))
    return listing.list_id


def _unmatched_then_matched(workspace, tmp_path):
    """An item matched against a list that does not hold it, then against one that does: (service, item, rows)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"known bad content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    [item] = items.list_items()
    service = HashListService(workspace, items)
    _list_of(service, tmp_path, "Other", ["0" * 32])
    run_to_completion(service.match_items())
    unmatched = _row(workspace, item.item_id)  # its row says: no match (a note-free, empty outcome)
    assert unmatched is not None
    _list_of(service, tmp_path, "Industry", [item.digests.md5])
    run_to_completion(service.match_items())
    assert service.outcomes()[item.item_id].matches
    return service, items, item, unmatched


def test_verify_catches_an_older_copy_that_hides_a_match(workspace, tmp_path):
    _, _, item, unmatched = _unmatched_then_matched(workspace, tmp_path)
    matched = _row(workspace, item.item_id)
    assert discrepancy_codes(workspace) == []
    _put_back(workspace, item.item_id, unmatched)
    assert discrepancy_codes(workspace) == ["older-match"]
    _put_back(workspace, item.item_id, matched)  # the version the log recorded last
    assert discrepancy_codes(workspace) == []


def test_a_report_is_not_built_from_an_older_copy_that_hides_a_match(workspace, tmp_path):
    service, _, item, unmatched = _unmatched_then_matched(workspace, tmp_path)
    _put_back(workspace, item.item_id, unmatched)
    assert service.outcomes()[item.item_id].matches == ()  # what the older row would have the reviewer see

    reports = build_services(workspace, AppSettings(), None).reports  # wired as the app and the CLI are
    before = [e.event.type for e in workspace.events()].count(EventType.REPORT_CREATED)
    with pytest.raises(MatchesNotAsLogged, match="Nothing was added"):
        reports.create_draft([item.item_id])
    assert [e.event.type for e in workspace.events()].count(EventType.REPORT_CREATED) == before


def test_a_match_cleared_later_is_not_compared_and_a_rematch_stays_clean(workspace, tmp_path):
    """Once the log's last word is "no match", any no-match version may stand: nothing is hidden."""
    service, _, item, _ = _unmatched_then_matched(workspace, tmp_path)
    for listing, _counts in service.lists():
        if listing.name == "Industry":
            csv = tmp_path / "withdraw.csv"
            csv.write_text(f"md5,removed\n{item.digests.md5},yes\n")
            options = ReadOptions(mapping={"md5": "md5", "removed": "deleted"})
            run_to_completion(service.import_file(listing.list_id, csv, ListFormat.CSV, options))
    run_to_completion(service.match_items())
    assert service.outcomes()[item.item_id].matches == ()
    assert discrepancy_codes(workspace) == []


@pytest.fixture
def older_workspace(paths, monkeypatch, tmp_path):
    """A workspace whose matches were logged by an app that logged no outcome digest."""
    with logged_by_an_older_app(monkeypatch, "outcome_sha256"):
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        _, _, item, unmatched = _unmatched_then_matched(workspace, tmp_path)
        assert not any("outcome_sha256" in e.event.data for e in workspace.events())
        workspace.close()
    return paths, item.item_id, unmatched


def test_an_older_workspace_records_its_matched_outcomes_once_and_is_checked_from_then_on(older_workspace):
    paths, item_id, unmatched = older_workspace
    for _ in range(2):
        workspace = Workspace.open(paths)
        assert workspace.unlock(PASSPHRASE).ok
        recorded = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_DRAFTS_RECORDED]
        workspace.close()
    assert len(recorded) == 1 and set(recorded[0].data["outcome_sha256"]) == {item_id}

    workspace = Workspace.open(paths)
    assert workspace.unlock(PASSPHRASE).ok
    try:
        assert discrepancy_codes(workspace) == []
        _put_back(workspace, item_id, unmatched)
        assert "older-match" in discrepancy_codes(workspace)
    finally:
        workspace.close()


def test_the_digests_kept_between_checks_agree_with_a_read_of_the_whole_log(workspace, tmp_path):
    """Matches and list settings are held to digests read on from the last check (``storage.logged_digests``).

    After each step (new list, match, settings change, a match taken out, a re-match), what the kept
    digests answer is what a read of the whole log answers, and the read decrypted only what was new.
    """
    from desktop_app.core.storage.log_replay import replay_log

    kept, log = workspace.custody.logged_digests, workspace.custody_log()

    def agree() -> None:
        before = kept.entries_read
        with workspace.db.read() as reader:
            records = replay_log(reader.conn, log).records  # the reconciliation's own whole read
            logged_outcomes = {item: records.match_digests.get(item) for item, hit in records.matched.items() if hit}
            assert kept.outcomes(reader.conn, log) == logged_outcomes
            assert kept.list_settings(reader.conn, log) == records.list_digests
            size = log.size(reader.conn)
        assert kept.entries_read - before < size  # read on, not whole (the first read may be whole)

    with workspace.db.read() as reader:
        kept.outcomes(reader.conn, log)  # the first read: whole
    service, _, item, _ = _unmatched_then_matched(workspace, tmp_path)
    agree()
    [listing, *_] = [s for s, _ in service.lists() if s.name == "Industry"]
    service.change_settings(listing.list_id, enabled=False)
    agree()
    service.change_settings(listing.list_id, enabled=True)
    run_to_completion(service.match_items())
    agree()
    [match] = service.outcomes()[item.item_id].matches
    service.reject_match(item.item_id, match.entry_key, "a test's false positive")
    run_to_completion(service.match_items())
    agree()
