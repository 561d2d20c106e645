"""Manifest parsing: every field, tolerant column names, per-row findings, never an aborted import."""

import json
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop_app.core.errors import ManifestUnreadable
from desktop_app.core.intake.manifest import normalise_key, parse_manifest, read_manifest
from tests.core.intake.conftest import write

BASE = b"/platform/export"

FULL_CSV = (
    "File Path,Content URL,Account ID,Screen Name,Upload IP,Port,Upload Time,Original File Name,Post ID,Campaign\n"
    "media/a.jpg,https://example.test/m/1,u-100,alice_test,203.0.113.5,51515,2024-05-01T14:03:00Z,"
    "holiday.jpg,p-1,spring\n"
)


def only_row(manifest):
    assert not [f for f in manifest.findings if f.severity == "error"], manifest.findings
    (row,) = manifest.rows
    return row


def test_csv_with_every_field():
    row = only_row(parse_manifest(FULL_CSV.encode(), BASE, "m.csv"))
    fields = row.fields
    assert row.path == b"/platform/export/media/a.jpg" and row.text is None
    assert fields.content_url == "https://example.test/m/1"
    assert (fields.uploader_account_id, fields.uploader_screen_name) == ("u-100", "alice_test")
    assert (fields.upload_ip, fields.upload_port) == ("203.0.113.5", 51515)
    assert fields.upload_time == datetime(2024, 5, 1, 14, 3, tzinfo=UTC)
    assert fields.original_name == b"holiday.jpg" and fields.message_id == "p-1"
    assert fields.extra == {"Campaign": "spring"}


@pytest.mark.parametrize("container", ["list", "items"])
def test_json_with_every_field(container):
    record = {
        "path": "/abs/media/b.mp4",
        "url": "https://example.test/m/2",
        "uploaderAccountId": "u-200",
        "username": "bob_test",
        "ip_address": "2001:db8::1",
        "source_port": 443,
        "uploaded_at": "2024-05-01T16:03:00+02:00",
        "filename": "clip.mp4",
        "message-id": 77,
        "labels": ["a", "b"],
        "reviewed": True,
    }
    document = [record] if container == "list" else {"items": [record], "exported_by": "tool"}
    row = only_row(parse_manifest(json.dumps(document).encode(), BASE, "m.json"))
    fields = row.fields
    assert row.path == b"/abs/media/b.mp4"
    assert fields.upload_ip == "2001:db8::1" and fields.upload_port == 443
    assert fields.upload_time.utcoffset() == timedelta(hours=2)
    assert fields.upload_time == datetime(2024, 5, 1, 14, 3, tzinfo=UTC)
    assert fields.message_id == "77" and fields.uploader_screen_name == "bob_test"
    assert fields.extra == {"labels": '["a", "b"]', "reviewed": "true"}


def test_text_rows_and_file_rows_mix():
    data = b'path,text,screen_name\nx.jpg,,a\n,"hello\nthere",b\n'
    manifest = parse_manifest(data, BASE, "m.csv")
    assert [(r.path, r.text) for r in manifest.rows] == [(b"/platform/export/x.jpg", None), (None, "hello\nthere")]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("Upload Time", "upload_time"), ("upload-time", "upload_time"), ("uploadTime", "upload_time"), ("IP", "ip")],
)
def test_column_names_are_normalised(key, expected):
    assert normalise_key(key) == expected


def test_bad_rows_are_findings_and_the_good_rows_stay():
    data = (
        b"path,upload_time,upload_ip,upload_port,text\n"
        b"ok.jpg,2024-05-01T10:00:00Z,198.51.100.1,80,\n"  # row 2: fine
        b"naive.jpg,2024-05-01T10:00:00,,,\n"  # row 3: no zone
        b"garbled.jpg,yesterday,,,\n"  # row 4
        b"ip.jpg,,999.1.1.1,,\n"  # row 5
        b"port.jpg,,,70000,\n"  # row 6
        b",,,,\n"  # row 7: nothing
        b"both.jpg,,,,some text\n"  # row 8
        b"fine.jpg,2024-05-01T10:00:00-05:00,,,\n"  # row 9
        b"extra.jpg,,,,,surplus\n"  # row 10: more cells than columns
    )
    manifest = parse_manifest(data, BASE, "m.csv")
    assert [os.path.basename(r.path) for r in manifest.rows] == [b"ok.jpg", b"fine.jpg"]
    codes = {(f.row, f.field, f.code) for f in manifest.findings}
    assert codes == {
        (3, "upload_time", "time-without-zone"),
        (4, "upload_time", "bad-time"),
        (5, "upload_ip", "bad-ip"),
        (6, "upload_port", "bad-port"),
        (7, "path", "no-path-or-text"),
        (8, "path", "path-and-text"),
        (10, None, "extra-cells"),
    }
    naive = next(f for f in manifest.findings if f.row == 3)
    assert "no time zone" in naive.message and "skipped" in naive.message


def test_json_items_that_are_not_objects():
    manifest = parse_manifest(b'[{"path": "a"}, 5, {"text": "hi", "upload_port": {"x": 1}}]', BASE, "m.json")
    assert len(manifest.rows) == 1
    assert {(f.row, f.code) for f in manifest.findings} == {(2, "not-an-object"), (3, "bad-value")}


def test_two_columns_meaning_the_same_field_warn_once():
    data = b"url,content_url,path\nhttps://a.test/1,https://b.test/1,a.jpg\nhttps://a.test/2,https://b.test/2,b.jpg\n"
    manifest = parse_manifest(data, BASE, "m.csv")
    assert [r.fields.content_url for r in manifest.rows] == ["https://a.test/1", "https://a.test/2"]
    assert manifest.rows[0].fields.extra == {"content_url": "https://b.test/1"}
    assert [(f.code, f.severity) for f in manifest.findings] == [("duplicate-column", "warning")]


def test_semicolon_csv_with_a_bom():
    data = "\ufeffpath;screen_name\na.jpg;zoë\n".encode()
    row = only_row(parse_manifest(data, BASE, "m.csv"))
    assert row.fields.uploader_screen_name == "zoë"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"rows": []}', "list of objects"),
        (b"path\n\xff\xfe.jpg\n", "not UTF-8"),
        (b"", "no header"),
    ],
)
def test_unusable_manifests(data, message):
    fmt = "json" if data.startswith(b"{") else "csv"
    with pytest.raises(ManifestUnreadable, match=message):
        parse_manifest(data, BASE, "m", fmt)


def test_read_manifest_caps_size_and_refuses_fifos(tmp_path):
    big = write(tmp_path / "big.json", b"[" + b" " * 2000 + b"]")
    with pytest.raises(ManifestUnreadable, match="over the limit"):
        read_manifest(os.fsencode(big), max_size=1000)
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(ManifestUnreadable, match="FIFO"):
        read_manifest(os.fsencode(tmp_path / "pipe.csv"))


def test_read_manifest_resolves_relative_paths_and_hashes_the_file(tmp_path):
    path = write(tmp_path / "export" / "m.csv", b"path\nsub/a.jpg\n/elsewhere/b.jpg\n")
    manifest = read_manifest(os.fsencode(path))
    assert [r.path for r in manifest.rows] == [os.fsencode(tmp_path / "export" / "sub" / "a.jpg"), b"/elsewhere/b.jpg"]
    assert manifest.name == "m.csv" and len(manifest.sha256) == 64


def test_a_long_transcript_in_csv():
    text = "line\n" * 100_000  # 500 KB: beyond csv's default 128 KiB field limit
    data = ('text\n"' + text + '"\n').encode()
    (row,) = parse_manifest(data, BASE, "m.csv").rows
    assert row.text == text


def test_offsets_are_kept_as_given():
    row = only_row(parse_manifest(b"path,time\na,2024-01-01T00:00:00+05:30\n", BASE, "m.csv"))
    assert row.fields.upload_time.tzinfo == timezone(timedelta(hours=5, minutes=30))
