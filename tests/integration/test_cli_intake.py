"""hash, import and items as a user runs them: real processes, a real profile."""

import base64
import hashlib
import importlib.util
import json
import os
import subprocess
import sys

import pytest

PASSPHRASE = "cli intake passphrase"
NON_UTF8 = b"bad-\xff\xfe-name.bin"


def run(profile, *args, passphrase=PASSPHRASE, check_code=None, cwd=None):
    env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile)}
    env.pop("EVIDENCE_DESK_PASSPHRASE", None)
    if passphrase is not None:
        env["EVIDENCE_DESK_PASSPHRASE"] = passphrase
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=cwd,
    )
    if check_code is not None:
        assert done.returncode == check_code, (done.stdout, done.stderr)
    return done


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


def test_hash_adds_pdq_when_the_decoder_is_there(tmp_path):
    from PIL import Image

    picture = tmp_path / "picture.png"
    Image.radial_gradient("L").convert("RGB").save(picture)
    done = run(tmp_path / "p", "hash", "--json", str(picture), check_code=0)
    (record,) = json_lines(done.stdout)
    if importlib.util.find_spec("desktop_app.core.decoding.pool") is None:
        assert "perceptual hashes are not available" in done.stderr
    else:
        assert len(record["pdq"]) == 64 and 0 <= record["pdq_quality"] <= 100


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
    assert "1 new items" in done.stdout


def test_import_usage_and_passphrase_errors(profile, tmp_path):
    assert "Name files or folders" in run(profile, "import", check_code=2).stderr
    assert "[wrong-passphrase]" in run(profile, "import", str(tmp_path), passphrase="nope", check_code=2).stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    assert "[manifest-unreadable]" in run(profile, "import", "--manifest", str(bad), check_code=2).stderr
