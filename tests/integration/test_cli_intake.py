"""hash, import and items as a user runs them: real processes, a real profile."""

import base64
import hashlib
import json
import math
import os
import re

import av
import numpy as np
import pdqhash
import pytest
from PIL import Image

from desktop_app.core.domain.media import PDQ_MIN_QUALITY, VideoFrameHash
from tests import synthetic_media
from tests.cli_process import run_cli
from tests.core.hashing.conftest import require_fixtures

PASSPHRASE = "cli intake passphrase"
NON_UTF8 = b"bad-\xff\xfe-name.bin"


def run(profile, *args, passphrase=PASSPHRASE, check_code=None, cwd=None):
    return run_cli(profile, *args, passphrase=passphrase, check_code=check_code, cwd=cwd)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines()]


def expected(data: bytes):
    return {name: hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256")}


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    contents = {b"a.bin": os.urandom(3 * 1024 * 1024 + 1), b"empty.bin": b"", NON_UTF8: os.urandom(999)}
    for name, data in contents.items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(data)
    return folder, contents


def test_hash_prints_the_three_digests_without_a_workspace(tmp_path, files):
    folder, contents = files
    names = [os.path.join(os.fsencode(folder), name) for name in contents]
    done = run(tmp_path / "never-created", "hash", "--json", *[os.fsdecode(n) for n in names], check_code=0)
    records = json_lines(done.stdout)
    for record, (name, data) in zip(records, contents.items(), strict=True):
        assert record["path"].endswith(name.decode("utf-8", "replace"))
        assert {k: record[k] for k in ("md5", "sha1", "sha256")} == expected(data)
        assert record["size"] == len(data) and record["outcome"] == "ok"
    assert base64.b64decode(records[2]["path_b64"]).endswith(NON_UTF8) and "\ufffd" in records[2]["path"]
    assert not (tmp_path / "never-created").exists()
    text = run(tmp_path / "p", "hash", os.fsdecode(names[0]), check_code=0).stdout
    assert f"sha256  {expected(contents[b'a.bin'])['sha256']}" in text


def test_hash_refuses_links_fifos_and_folders_with_exit_1(tmp_path, files):
    folder, _ = files
    (tmp_path / "link").symlink_to(folder / "a.bin")
    os.mkfifo(tmp_path / "pipe")
    done = run(tmp_path / "p", "hash", "--json", str(tmp_path / "link"), str(tmp_path / "pipe"), str(folder))
    assert done.returncode == 1
    assert [r["outcome"] for r in json_lines(done.stdout)] == ["not-read-link", "not-read-special", "not-read-special"]


def pdq_hex(rgb) -> tuple[str, int]:
    """pdqhash on an RGB array, in this process: 64 hex digits, most significant bit first."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


VPDQ_LINE = re.compile(r"^  vpdq    (\d+,\d{1,3},[0-9a-f]{64},\d+\.\d{3})$")


def vpdq_lines(stdout: str) -> list[VideoFrameHash]:
    """The vPDQ lines (``frame,quality,hex,timestamp``) of ``hash``'s text output."""
    return [VideoFrameHash.from_line(m.group(1)) for m in map(VPDQ_LINE.match, stdout.splitlines()) if m]


def test_hash_adds_pdq_as_pdqhash_computes_it(tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(synthetic_media.photo(320, 240, seed=11, fmt="PNG"))
    with Image.open(picture) as image:
        expected_hex, expected_quality = pdq_hex(np.asarray(image.convert("RGB")))
    assert expected_quality >= 50  # a picture with features: a wrong hash cannot pass by luck

    done = run(tmp_path / "p", "hash", "--json", str(picture), check_code=0)
    (record,) = json_lines(done.stdout)
    # No decoder, no PDQ: that is a failure here, not a reason to pass.
    assert record.get("pdq"), f"no PDQ printed; stderr: {done.stderr}"
    assert (record["pdq"], record["pdq_quality"]) == (expected_hex, expected_quality)
    assert record["media_kind"] == "image" and record["render_problem"] is None
    text = run(tmp_path / "p", "hash", str(picture), check_code=0).stdout
    assert f"  pdq     {expected_hex} quality {expected_quality}\n" in text


def test_hash_prints_vpdq_lines_for_a_sample_video_within_the_upstream_rule(tmp_path):
    base = require_fixtures() / "threatexchange"
    video = base / "tmk" / "sample-videos" / "pattern-sd-grey-bar.mp4"
    if not video.is_file():
        pytest.skip(f"{video.name} is missing from the fixtures snapshot")
    every_frame = [
        VideoFrameHash.from_line(line)
        for line in (base / "vpdq" / "sample-hashes" / "pattern-sd-grey-bar.txt").read_text().splitlines()
        if line.strip()
    ]

    done = run(tmp_path / "p", "hash", str(video), check_code=0)
    ours = vpdq_lines(done.stdout)

    # One hash a second (vpdq's default): the first frame at or after each whole second.
    seconds = range(math.ceil(every_frame[-1].timestamp + 1e-9))
    firsts = [next(f for f in every_frame if f.timestamp >= s - 1e-6) for s in seconds]
    assert [f.frame_number for f in ours] == [f.frame_number for f in firsts] and len(ours) >= 5
    assert [f.timestamp for f in ours] == pytest.approx([f.timestamp for f in firsts], abs=1e-3)
    compared = 0
    for mine, theirs in zip(ours, firsts, strict=True):
        if mine.quality < PDQ_MIN_QUALITY or theirs.quality < PDQ_MIN_QUALITY:
            continue
        compared += 1
        assert distance(mine.hex, theirs.hex) < 31, f"frame {mine.frame_number}"
    assert 2 * compared >= len(ours)  # the rule was applied, not skipped for low quality


def test_hash_prints_vpdq_lines_for_a_generated_video(tmp_path):
    video = tmp_path / "generated.mp4"
    video.write_bytes(synthetic_media.mp4(seconds=3.0, fps=10))
    with av.open(str(video)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(frames) == 30

    text = run(tmp_path / "p", "hash", str(video), check_code=0).stdout
    ours = vpdq_lines(text)

    assert [(f.frame_number, f.timestamp) for f in ours] == [(0, 0.0), (10, 1.0), (20, 2.0)]
    assert [(f.hex, f.quality) for f in ours] == [pdq_hex(frames[n]) for n in (0, 10, 20)]
    (record,) = json_lines(run(tmp_path / "p", "hash", "--json", str(video), check_code=0).stdout)
    assert record["media_kind"] == "video" and record["pdq"] is None
    assert record["vpdq"] == [f.to_line() for f in ours]


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    profile = tmp_path_factory.mktemp("cli-intake") / "profile"
    run(profile, "init", "--reviewer", "CLI Reviewer", check_code=0)
    return profile


def test_import_then_items(profile, tmp_path, files):
    folder, contents = files
    (folder / "to-elsewhere").symlink_to("/etc/hostname")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "path,account id,upload ip,port,upload time,text\n"
        "files/a.bin,u-1,203.0.113.9,4444,2024-05-01T10:00:00Z,\n"
        ",u-2,,,2024-05-01T11:00:00+02:00,hello there\n"
        "files/empty.bin,u-3,,,2024-05-01T10:00:00,\n",
        encoding="utf-8",
    )
    done = run(profile, "import", "--json", str(folder), "--manifest", str(manifest), check_code=1)
    summary = json.loads(done.stdout)
    assert summary["items_added"] == 5 and summary["cancelled"] is False and summary["ok"] is False
    assert [(f["row"], f["code"]) for f in summary["findings"]] == [(4, "time-without-zone")]
    outcomes = sorted(r["outcome"] for r in summary["results"])
    assert outcomes == ["not-read-link", "ok", "ok", "ok", "ok"]

    listed = json_lines(run(profile, "items", "--json", check_code=0).stdout)
    by_name = {item["name"]: item for item in listed}
    a = by_name["a.bin"]
    assert {k: a[k] for k in ("md5", "sha1", "sha256")} == expected(contents[b"a.bin"])
    (source,) = a["sources"]
    assert (source["uploader_account_id"], source["upload_ip"], source["upload_port"]) == ("u-1", "203.0.113.9", 4444)
    assert source["upload_time"] == "2024-05-01T10:00:00+00:00"
    assert by_name["to-elsewhere"]["link_target"] == "/etc/hostname" and by_name["to-elsewhere"]["sha256"] is None
    text_item = next(item for item in listed if item["kind"] == "text")
    assert text_item["sha256"] == hashlib.sha256(b"hello there").hexdigest()
    assert all(item["state"] == "new" and not item["viewed"] for item in listed)

    # The same folder and manifest again: nothing new (exit 1 still: the link and the bad row).
    again = run(profile, "import", "--json", str(folder), "--manifest", str(manifest), check_code=1)
    again = json.loads(again.stdout)
    assert again["items_added"] == 0 and not any(r["new_source"] for r in again["results"])
    plain = run(profile, "items", check_code=0)
    assert "a.bin" in plain.stdout and "5 items." in plain.stderr
    events = json_lines(run(profile, "log", "show", "--json", check_code=0).stdout)
    assert [e["type"] for e in events].count("item.added") == 5
    run(profile, "log", "verify", check_code=0)


def test_a_clean_import_exits_0(profile, tmp_path):
    (tmp_path / "one.txt").write_bytes(b"one clean file for exit code zero")
    done = run(profile, "import", str(tmp_path / "one.txt"), check_code=0)
    assert "1 new item," in done.stdout


def test_import_usage_and_passphrase_errors(profile, tmp_path):
    assert "Name files or folders" in run(profile, "import", check_code=2).stderr
    assert "[wrong-passphrase]" in run(profile, "import", str(tmp_path), passphrase="nope", check_code=2).stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    assert "[manifest-unreadable]" in run(profile, "import", "--manifest", str(bad), check_code=2).stderr
