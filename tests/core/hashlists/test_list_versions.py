"""An older copy of a hash list's settings, put back without keys, cannot switch the list off unseen.

A list's row keeps its tag valid across versions as long as its segments are the same, so an
outsider can put back the row from before the reviewer switched the list on (or relaxed its PDQ
threshold), and matching would quietly skip it. Each write of a list's sealed settings logs their
SHA-256 (``settings_sha256``): ``log verify`` holds the row to it (``older-settings``), and
matching and importing refuse a list that is not it (docs/row-binding.md).
"""

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.errors import ListNotAsLogged
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.reports.helpers import logged_by_an_older_app
from tests.rollback import copy_row, discrepancy_codes, put_back

_COLUMNS = ("created_at", "updated_at", "generation", "segments", "settings_ct", "row_tag")


def _row(workspace, list_id):
    return copy_row(workspace, "hash_lists", _COLUMNS, "list_id", list_id)


def _put_back(workspace, list_id, row) -> None:
    put_back(workspace, "hash_lists", _COLUMNS, "list_id", list_id, row)


def _switched_off_then_on(workspace, tmp_path):
    """A list holding the item's MD5, switched off and on again: (service, item, list id, the 'off' row)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"known bad content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    [item] = items.list_items()
    service = HashListService(workspace, items)
    listing = service.create_list("Industry")
    path = tmp_path / "industry.txt"
    path.write_text(f"{item.digests.md5}\n")
    run_to_completion(service.import_file(listing.list_id, path, ListFormat.TEXT, ReadOptions(algorithm=Algorithm.MD5)))
    service.change_settings(listing.list_id, enabled=False)
    switched_off = _row(workspace, listing.list_id)
    service.change_settings(listing.list_id, enabled=True)
    return service, item, listing.list_id, switched_off


def test_verify_catches_a_list_put_back_switched_off(workspace, tmp_path):
    _, _, list_id, switched_off = _switched_off_then_on(workspace, tmp_path)
    switched_on = _row(workspace, list_id)
    assert discrepancy_codes(workspace) == []
    _put_back(workspace, list_id, switched_off)
    assert discrepancy_codes(workspace) == ["older-settings"]  # same import, same segments: only the digest tells
    _put_back(workspace, list_id, switched_on)
    assert discrepancy_codes(workspace) == []


def test_matching_and_importing_refuse_a_list_put_back_switched_off(workspace, tmp_path):
    service, item, list_id, switched_off = _switched_off_then_on(workspace, tmp_path)
    _put_back(workspace, list_id, switched_off)
    assert not service.lists()[0][0].enabled  # what the older row would have matching do: skip the list

    with pytest.raises(ListNotAsLogged, match="Nothing was matched"):
        run_to_completion(service.match_items())
    path = tmp_path / "more.txt"
    path.write_text(f"{'0' * 32}\n")
    with pytest.raises(ListNotAsLogged, match="Nothing was imported"):
        run_to_completion(service.import_file(list_id, path, ListFormat.TEXT, ReadOptions(algorithm=Algorithm.MD5)))
    assert not [e for e in workspace.events() if e.event.type is EventType.ITEM_MATCHED]
    assert _row(workspace, list_id) == switched_off  # nothing was written over it


def test_saving_the_settings_again_is_the_remedy(workspace, tmp_path):
    service, item, list_id, switched_off = _switched_off_then_on(workspace, tmp_path)
    _put_back(workspace, list_id, switched_off)
    service.change_settings(list_id, enabled=True)  # the reviewer checks the list and saves it
    run_to_completion(service.match_items())
    assert service.outcomes()[item.item_id].matches
    assert discrepancy_codes(workspace) == []


@pytest.fixture
def older_workspace(paths, monkeypatch, tmp_path):
    """A workspace whose list was written by an app that logged no settings digest."""
    with logged_by_an_older_app(monkeypatch, "settings_sha256"):
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        _, _, list_id, switched_off = _switched_off_then_on(workspace, tmp_path)
        assert not any("settings_sha256" in e.event.data for e in workspace.events())
        workspace.close()
    return paths, list_id, switched_off


def test_an_older_workspace_records_its_lists_once_and_is_checked_from_then_on(older_workspace):
    paths, list_id, switched_off = older_workspace
    for _ in range(2):
        workspace = Workspace.open(paths)
        assert workspace.unlock(PASSPHRASE).ok
        recorded = [e.event for e in workspace.events() if e.event.type is EventType.REPORT_DRAFTS_RECORDED]
        workspace.close()
    assert len(recorded) == 1 and set(recorded[0].data["settings_sha256"]) == {list_id}

    workspace = Workspace.open(paths)
    assert workspace.unlock(PASSPHRASE).ok
    try:
        assert discrepancy_codes(workspace) == []
        _put_back(workspace, list_id, switched_off)
        assert "older-settings" in discrepancy_codes(workspace)
    finally:
        workspace.close()
