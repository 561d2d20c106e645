"""The column-mapping dialog over a real CSV file: the header's columns offered, roles proposed, imported."""

import hashlib
import os
from pathlib import Path

from desktop_app.core.domain.hashlists import ListFormat
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.hashlists import HashListService
from desktop_app.core.services.items import ItemService
from desktop_app.ui.lists.column_mapping import proposed_role, read_header
from desktop_app.ui.lists.lists_page import ListsPage
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_read_header_finds_the_delimiter_and_refuses_what_is_not_a_header(tmp_path):
    tsv = tmp_path / "l.tsv"
    tsv.write_text("\ufeffMD5\tCategory\tRemoved\nab\tx\t\n", encoding="utf-8")
    assert read_header(tsv) == ["MD5", "Category", "Removed"]
    binary = tmp_path / "l.bin"
    binary.write_bytes(b"\n" + os.urandom(100))
    assert read_header(binary) == [] and read_header(tmp_path / "missing.csv") == []
    assert [proposed_role(c) for c in ("SHA-256", "pdq_hash", "Category", "whatever")] == [
        "sha256",
        "pdq",
        "label",
        "",
    ]


def test_a_csv_is_mapped_column_by_column_and_imported(qtbot, workspace, pool, tmp_path, shots_dir):
    if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1":
        shots_dir = DOCS
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "known.bin").write_bytes(b"known content")
    items = ItemService(workspace)
    run_to_completion(items.import_paths([folder]))
    service = HashListService(workspace, items)
    page = ListsPage(service, pool)
    qtbot.addWidget(page)
    listing = tmp_path / "partner-export.csv"
    known = hashlib.md5(b"known content").hexdigest()
    listing.write_text(f"Hash value,Category,Removed,Reviewer note\n{known},A1,,ok\n{'1' * 32},B2,yes,\n")
    dialog = page.open_import_dialog(listing)
    dialog.list_field.setEditText("Partner MD5")
    dialog.format_field.setCurrentIndex(dialog.format_field.findData(ListFormat.CSV))
    assert dialog.columns.isVisible() and not dialog.mapping_field.isVisible()
    assert dialog.columns.mapping() == {"Category": "label", "Removed": "deleted"}  # the hash column is not named
    dialog._accept()
    assert "Say which column holds a hash" in dialog.error_label.text() and dialog.isVisible()
    dialog.columns.set_role("Hash value", "md5")
    dialog.error_label.clear()
    # A dialog has its own size whatever the screen: one picture of it.
    assert distinct_colours(grab(dialog, shots_dir / "list-column-mapping.png")) > 3
    dialog._accept()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.import_button.isEnabled(), timeout=20_000)
    [(settings, counts)] = service.lists()
    assert settings.name == "Partner MD5" and counts.active == {"md5": 1}  # the withdrawn one was never held
    assert "1 match" in page.status.text()
    pool.wait_for_done(10_000)
    # The same partner's next file: its columns come mapped as they were, the reviewer only confirms.
    second = tmp_path / "partner-export-2.csv"
    second.write_text(f"Hash value,Category,Removed,Reviewer note\n{'2' * 32},C3,,\n")
    again = page.open_import_dialog(second)
    again.format_field.setCurrentIndex(again.format_field.findData(ListFormat.CSV))
    again.list_field.setEditText("partner md5")
    assert again.columns.mapping() == {"Hash value": "md5", "Category": "label", "Removed": "deleted"}
    again.reject()


def test_a_saved_mapping_follows_the_list_and_its_source(workspace, tmp_path):
    service = HashListService(workspace, ItemService(workspace))
    first = service.create_list("Partner images", source="Partner")
    service.create_list("Partner videos", source="Partner")
    service.create_list("Elsewhere", source="Other")
    listing = tmp_path / "p.csv"
    listing.write_text(f"H,K\n{'3' * 32},x\n")
    options = ReadOptions(mapping={"H": "md5", "K": "label"})
    run_to_completion(service.import_file(first.list_id, listing, ListFormat.CSV, options))
    assert service.saved_mapping("partner images") == {"H": "md5", "K": "label"}
    assert service.saved_mapping("Partner videos") == {"H": "md5", "K": "label"}  # same source
    assert service.saved_mapping("Elsewhere") == {} and service.saved_mapping("No such list") == {}
