"""Import through the service: duplicates, manifests, text items, batching, cancelling, analysis."""

import json
import os
from datetime import UTC, datetime

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.items import IntakeOutcome, ItemKind, SourceFields
from desktop_app.core.domain.media import MediaKind
from desktop_app.core.errors import ManifestUnreadable, OperationCancelled
from desktop_app.core.intake.importer import IntakeLimits
from desktop_app.core.intake.summary import ImportPhase
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage import vault_sweep
from desktop_app.core.storage.schema import MIGRATIONS
from tests.conftest import PASSPHRASE
from tests.core.intake.conftest import assert_no_plaintext, digests_of, drive, noise, png_bytes, write


def events_of(workspace, kind):
    return [logged.event for logged in workspace.events() if logged.event.type == kind]


def blob_count(workspace):
    with workspace.db.read() as reader:
        return reader["blobs"].count


def test_duplicates_become_one_item_with_two_sources(service, workspace, tmp_path):
    data = noise(200_000, 1)
    first = write(tmp_path / "in" / "one" / "a.bin", data)
    second = write(tmp_path / "in" / "two" / "renamed.bin", data)
    summary = drive(service.import_paths([tmp_path / "in"]))
    a, b = summary.results
    assert a.new_item and not b.new_item and b.new_source and a.item_id == b.item_id
    assert (summary.items_added, summary.sources_added) == (1, 1)
    (item,) = service.list_items()
    assert [s.path for s in item.sources] == [os.fsencode(first), os.fsencode(second)]
    assert [s.display_name for s in item.sources] == ["a.bin", "renamed.bin"]
    assert blob_count(workspace) == 1 and service.read_bytes(item.item_id) == data
    (added,) = events_of(workspace, EventType.ITEM_ADDED)
    assert (added.data["md5"], added.data["sha1"], added.data["sha256"]) == digests_of(data)
    assert added.data["size"] == len(data) and added.data["outcome"] == "ok" and added.subject == item.item_id
    (more,) = events_of(workspace, EventType.ITEM_SOURCE_ADDED)
    assert more.subject == item.item_id and more.data["source_id"] == item.sources[1].source_id
    # Events carry ids and digests, not names or paths.
    assert not any("a.bin" in json.dumps(e.event.data) for e in workspace.events())
    assert vault_sweep.sweep(workspace.blob_dir, workspace.db).clean


def test_importing_the_same_folder_again_changes_nothing(service, workspace, tmp_path):
    write(tmp_path / "in" / "a.bin", noise(100, 2))
    (tmp_path / "in" / "link").symlink_to("/nowhere")
    drive(service.import_paths([tmp_path / "in"]))
    before = len(workspace.events())
    again = drive(service.import_paths([tmp_path / "in"]))
    assert again.items_added == again.sources_added == 0
    assert not any(r.new_source for r in again.results) and all(r.item_id for r in again.results)
    kinds = [e.event.type for e in workspace.events()[before:]]
    assert kinds == [EventType.INTAKE_FINISHED]
    assert len(service.list_items()) == 2


def test_a_file_named_twice_is_read_once(service, tmp_path):
    path = write(tmp_path / "in" / "a.bin", noise(100, 3))
    summary = drive(service.import_paths([tmp_path / "in", path, tmp_path / "in"]))
    assert len(summary.results) == 1


MANIFEST_COLUMNS = "path,text,url,account id,screen name,ip,port,upload time,original name,post id,team\n"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_manifest_import_with_every_field(service, workspace, tmp_path, fmt):
    export = tmp_path / "export"
    picture = write(export / "media" / "p1.png", png_bytes(40, 30))
    write(export / "media" / "unlisted.bin", noise(64, 4))
    rows = [
        {
            "path": "media/p1.png",
            "url": "https://example.test/m/1",
            "account id": "u-1",
            "screen name": "alice_test",
            "ip": "192.0.2.7",
            "port": "40000",
            "upload time": "2024-05-01T14:03:00Z",
            "original name": "beach.png",
            "post id": "post-9",
            "team": "moderation",
        },
        {"text": "a message transcript\nsecond line", "account id": "u-2", "upload time": "2024-05-02T09:00:00+01:00"},
        {"path": "media/missing.png", "account id": "u-3"},
        {"path": "media/p1.png", "upload time": "2024-05-03T09:00:00"},  # no zone: skipped, with a finding
    ]
    if fmt == "csv":
        lines = [MANIFEST_COLUMNS]
        for row in rows:
            cells = [row.get(k.strip(), "") for k in MANIFEST_COLUMNS.strip().split(",")]
            lines.append(",".join(f'"{c}"' for c in cells) + "\n")
        manifest = write(export / "manifest.csv", "".join(lines).encode())
    else:
        manifest = write(export / "manifest.json", json.dumps({"items": rows}).encode())

    summary = drive(service.import_paths([export / "media"], manifest=manifest))

    assert [(f.row, f.code) for f in summary.findings] == [(5 if fmt == "csv" else 4, "time-without-zone")]
    assert not summary.ok
    items = {item.display_name: item for item in service.list_items()}
    assert set(items) == {"beach.png", "unlisted.bin", "missing.png", "(text message)"}
    photo = items["beach.png"]
    (source,) = photo.sources
    assert source.path == os.fsencode(picture) and source.original_name == b"beach.png"
    assert source.content_url == "https://example.test/m/1"
    assert (source.uploader_account_id, source.uploader_screen_name) == ("u-1", "alice_test")
    assert (source.upload_ip, source.upload_port) == ("192.0.2.7", 40000)
    assert source.upload_time == datetime(2024, 5, 1, 14, 3, tzinfo=UTC)
    assert source.message_id == "post-9" and source.extra == {"team": "moderation"}
    assert source.manifest == manifest.name and source.file_modified is not None
    assert service.read_bytes(photo.item_id) == picture.read_bytes()
    assert items["unlisted.bin"].sources[0].manifest is None  # walked, not in the manifest
    (text,) = [item for item in items.values() if item.kind == ItemKind.TEXT]
    assert service.read_bytes(text.item_id) == b"a message transcript\nsecond line"
    assert text.sources[0].uploader_account_id == "u-2" and text.sources[0].path is None
    missing = items["missing.png"]
    assert (missing.kind, missing.outcome) == (ItemKind.UNREAD, IntakeOutcome.NOT_READ_VANISHED)
    assert missing.sources[0].uploader_account_id == "u-3" and "manifest lists" in missing.outcome_detail
    (finished,) = events_of(workspace, EventType.INTAKE_FINISHED)
    assert finished.data["manifest_findings"] == 1 and len(finished.data["manifest_sha256"]) == 64


def test_a_manifest_alone_and_two_rows_for_one_file(service, tmp_path):
    write(tmp_path / "a.bin", noise(100, 5))
    manifest = write(tmp_path / "m.csv", b"path,account_id\na.bin,u-1\na.bin,u-2\nsub,u-3\n")
    (tmp_path / "sub").mkdir()
    summary = drive(service.import_paths([], manifest=manifest))
    assert [f.code for f in summary.findings] == ["path-is-folder"]
    (item,) = service.list_items()
    assert [s.uploader_account_id for s in item.sources] == ["u-1", "u-2"]


# Made-up, distinctive values (documentation address ranges, a .test domain): found only if leaked.
SEALED_VALUES = {
    "screen name": "zq-synthetic-screen-4471",
    "ip": "198.51.100.173",
    "url": "https://example.test/zq-content/88213",
    "account id": "acct-zq-55120",
    "original name": "zq-original-name-3319.png",
    "post id": "zq-post-70442",
    "campaign": "zq-extra-value-9937",  # not a known column: kept as key/value
}


def test_manifest_metadata_is_sealed_on_disk(service, workspace, tmp_path, isolated_profile):
    export = tmp_path / "export"  # outside the profile, like a platform's export
    write(export / "media" / "p1.png", png_bytes(40, 30))
    header = "path," + ",".join(SEALED_VALUES) + ",upload time\n"
    row = "media/p1.png," + ",".join(SEALED_VALUES.values()) + ",2024-05-01T14:03:00Z\n"
    manifest = write(export / "manifest.csv", (header + row).encode())

    summary = drive(service.import_paths([], manifest=manifest))

    assert summary.ok and summary.items_added == 1
    (item,) = service.list_items()
    (source,) = item.sources
    # The values did arrive (so their absence on disk below means something) ...
    assert (source.uploader_screen_name, source.upload_ip) == (SEALED_VALUES["screen name"], SEALED_VALUES["ip"])
    assert (source.content_url, source.uploader_account_id) == (SEALED_VALUES["url"], SEALED_VALUES["account id"])
    assert source.original_name == SEALED_VALUES["original name"].encode()
    assert source.message_id == SEALED_VALUES["post id"] and source.extra == {"campaign": SEALED_VALUES["campaign"]}
    # ... but nowhere in the profile in clear, in either of SQLite's text encodings: not in the
    # database, not in its WAL (where the fresh pages are now), not in a blob, not in a log.
    needles = [value.encode(encoding) for value in SEALED_VALUES.values() for encoding in ("utf-8", "utf-16-le")]
    wal = workspace.db.path.with_name(workspace.db.path.name + "-wal")
    assert wal.is_file() and wal.stat().st_size > 0
    assert_no_plaintext(isolated_profile, *needles)
    workspace.db.close()  # fold the WAL into the database file and look again
    try:
        assert not wal.exists() or wal.stat().st_size == 0
        assert_no_plaintext(isolated_profile, *needles)
    finally:
        workspace.db = type(workspace.db)(workspace.db.path, MIGRATIONS)  # reopen for teardown


def test_an_unusable_manifest_stops_before_anything_is_taken_in(service, workspace, tmp_path):
    write(tmp_path / "in" / "a.bin", b"x")
    bad = write(tmp_path / "m.json", b"{broken")
    with pytest.raises(ManifestUnreadable):
        drive(service.import_paths([tmp_path / "in"], manifest=bad))
    assert service.list_items() == []


def test_text_items(service, workspace):
    fields = SourceFields(uploader_account_id="u-7", message_id="dm-1")
    first = service.add_text("Transcript: hello ünïcode", fields)
    assert first.kind == ItemKind.TEXT and first.new_item
    assert service.read_bytes(first.item_id) == "Transcript: hello ünïcode".encode()
    same = service.add_text("Transcript: hello ünïcode", fields)
    assert same.item_id == first.item_id and not same.new_source  # the same transcript from the same place
    other = service.add_text("Transcript: hello ünïcode", SourceFields(uploader_account_id="u-8"))
    assert other.item_id == first.item_id and other.new_source
    assert len(service.get(first.item_id).sources) == 2
    assert not events_of(workspace, EventType.INTAKE_FINISHED)
    with pytest.raises(ValueError):
        service.add_text("   ")


def test_progress_counts_bytes_and_files(service, tmp_path):
    sizes = [3 * 1024 * 1024 + 5, 10, 0, 1024 * 1024]
    for index, size in enumerate(sizes):
        write(tmp_path / "in" / f"f{index}.bin", noise(size, index))
    records = []
    summary = drive(service.import_paths([tmp_path / "in"]), records.append)
    importing = [r for r in records if r.phase == ImportPhase.IMPORTING]
    assert {r.total for r in importing} == {sum(sizes)} and {r.files_total for r in importing} == {4}
    assert [r.done for r in importing] == sorted(r.done for r in importing)
    assert importing[-1].done == summary.bytes_read == sum(sizes) and importing[-1].files_done == 4
    assert any(r.current == "f0.bin" for r in importing)


def test_many_small_files_in_batches(workspace, tmp_path):
    service = ItemService(workspace, limits=IntakeLimits(batch_files=50, batch_seconds=60))
    for index in range(230):
        write(tmp_path / "in" / f"{index:04d}.txt", f"small file {index}".encode())
    summary = drive(service.import_paths([tmp_path / "in"]))
    assert summary.items_added == 230 and summary.ok
    assert len(service.list_items()) == 230 and blob_count(workspace) == 230
    assert workspace.verify_log().ok


def test_a_failure_in_a_batch_keeps_earlier_batches_and_leaves_nothing_half_written(workspace, tmp_path, monkeypatch):
    service = ItemService(workspace, limits=IntakeLimits(batch_files=10, batch_seconds=60))
    for index in range(35):
        write(tmp_path / "in" / f"{index:04d}.txt", noise(100, index))
    real_append = workspace.append_event
    calls = []

    def disk_full_on_the_25th(conn, kind, data, subject=None):
        calls.append(kind)
        if len(calls) == 25:
            raise OSError(28, "No space left on device")
        return real_append(conn, kind, data, subject)

    monkeypatch.setattr(workspace, "append_event", disk_full_on_the_25th)
    with pytest.raises(OSError, match="No space"):
        drive(service.import_paths([tmp_path / "in"]))
    monkeypatch.undo()
    items = service.list_items()
    assert len(items) == 20  # two whole batches; the third rolled back as a unit
    assert blob_count(workspace) == 20
    assert sorted(os.listdir(workspace.blob_dir)) == sorted(item.blob_id for item in items)
    assert vault_sweep.sweep(workspace.blob_dir, workspace.db).clean and workspace.verify_log().ok


def test_cancel_midway_leaves_a_consistent_queue(paths, workspace, tmp_path):
    service = ItemService(workspace, limits=IntakeLimits(batch_files=3, batch_seconds=60))
    for index in range(8):
        write(tmp_path / "in" / f"{index}.bin", noise(2 * 1024 * 1024 + 1, index))
    token = CancelToken()

    def cancel_inside_the_sixth_file(record):
        if record.current == "5.bin":
            token.cancel()

    summary = drive(service.import_paths([tmp_path / "in"], cancel=token), cancel_inside_the_sixth_file)
    assert summary.cancelled and not summary.ok
    assert [os.path.basename(r.path) for r in summary.results] == [f"{i}.bin".encode() for i in range(5)]
    items = service.list_items()
    assert len(items) == 5 and blob_count(workspace) == 5
    assert sorted(os.listdir(workspace.blob_dir)) == sorted(item.blob_id for item in items)  # no temp, no orphan
    for item in items:
        assert service.read_bytes(item.item_id) == (tmp_path / "in" / item.display_name).read_bytes()
    (finished,) = events_of(workspace, EventType.INTAKE_FINISHED)
    assert finished.data["cancelled"] is True and finished.data["items_added"] == 5
    assert workspace.verify_log().ok
    workspace.close()
    reopened = Workspace.open(paths)
    try:
        assert reopened.storage.sweep_report.clean
        reopened.unlock(PASSPHRASE)
        assert len(ItemService(reopened).list_items()) == 5
    finally:
        reopened.close()
        workspace.db = reopened.db  # the fixture closes it again (idempotent)


def test_cancel_while_scanning_changes_nothing(service, workspace, tmp_path):
    for index in range(1200):
        write(tmp_path / "in" / f"d{index % 3}" / f"{index}.txt", b"x")
    token = CancelToken()

    def cancel_when_scanning(record):
        if record.phase == ImportPhase.SCANNING:
            token.cancel()

    before = len(workspace.events())
    with pytest.raises(OperationCancelled):
        drive(service.import_paths([tmp_path / "in"], cancel=token), cancel_when_scanning)
    assert service.list_items() == [] and len(workspace.events()) == before


def test_analysis_is_recorded_after_the_item(workspace, tmp_path, pillow_analyser):
    service = ItemService(workspace, analyse=pillow_analyser)
    write(tmp_path / "in" / "picture.png", png_bytes(64, 48))
    write(tmp_path / "in" / "noise.bin", noise(5000, 1))
    summary = drive(service.import_paths([tmp_path / "in"]))
    assert summary.analysed == 2 and summary.analysis_failed == 0
    items = {item.display_name: item for item in service.list_items()}
    picture = items["picture.png"].analysis
    assert (picture.kind, picture.format, picture.width, picture.height) == (MediaKind.IMAGE, "PNG", 64, 48)
    other = items["noise.bin"].analysis
    assert other.kind == MediaKind.OTHER and other.problem is not None
    analysed = events_of(workspace, EventType.ITEM_ANALYSED)
    assert {e.subject for e in analysed} == {items["picture.png"].item_id, items["noise.bin"].item_id}
    kinds = [e.event.type for e in workspace.events()]
    assert kinds.index(EventType.ITEM_ADDED) < kinds.index(EventType.ITEM_ANALYSED)


def test_analyse_missing_catches_up(workspace, tmp_path, pillow_analyser):
    write(tmp_path / "in" / "picture.png", png_bytes(20, 10))
    drive(ItemService(workspace).import_paths([tmp_path / "in"]))
    (item,) = ItemService(workspace).list_items()
    assert item.analysis is None
    service = ItemService(workspace, analyse=pillow_analyser)
    assert drive(service.analyse_missing()) == 1
    assert service.get(item.item_id).analysis.width == 20
    assert drive(service.analyse_missing()) == 0


@pytest.mark.expect_log_warnings(r"analysis of item \w+ failed in the decoder infrastructure")
def test_a_broken_analyser_leaves_the_item_for_a_retry(workspace, tmp_path):
    from concurrent.futures import Future

    def broken(_encrypted):
        future = Future()
        future.set_exception(RuntimeError("decoder pool is gone"))
        return future

    write(tmp_path / "in" / "picture.png", png_bytes(20, 10))
    summary = drive(ItemService(workspace, analyse=broken).import_paths([tmp_path / "in"]))
    assert summary.analysis_failed == 1 and summary.items_added == 1
    assert ItemService(workspace).list_items()[0].analysis is None
