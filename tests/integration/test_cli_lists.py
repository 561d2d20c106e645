"""lists import / show / suppress / export, match, and hash --match, as a user runs them: real processes."""

import hashlib
import json

import pytest
from PIL import Image

from desktop_app.core.hashing.pdq import hash_image
from tests import synthetic_media
from tests.integration.test_cli_intake import json_lines, run


@pytest.fixture
def desk(tmp_path):
    profile = tmp_path / "profile"
    run(profile, "init", "--reviewer", "Lists Reviewer", check_code=0)
    folder = tmp_path / "in"
    folder.mkdir()
    picture = synthetic_media.picture(320, 240, seed=5)
    (folder / "photo.png").write_bytes(synthetic_media.encode(picture, "PNG"))
    (folder / "other.bin").write_bytes(b"a known file")
    run(profile, "import", "--json", str(folder), check_code=0)
    rotated = hash_image(picture.transpose(Image.Transpose.ROTATE_270)).pdq.hex
    return profile, folder, rotated, hashlib.md5(b"a known file").hexdigest()


def test_import_a_list_match_suppress_and_show(desk, tmp_path):
    profile, _, rotated, md5 = desk
    listing = tmp_path / "known.csv"
    listing.write_text(f"signal_type,signal_str,collab,category,tags\npdq,{rotated},c,,\nmd5,{md5},c,,\nmd5,xyz,c,,\n")
    done = run(profile, "lists", "import", str(listing), "--list", "Known", "--source", "test", "--json", check_code=1)
    summary = json.loads(done.stdout)
    assert (summary["added"], summary["bad_row_count"], summary["bad_rows"][0]["line"]) == (2, 1, 4)
    assert summary["rematched"]["matched"] == 2  # matched on import of the list

    outcomes = {o["item_id"]: o for o in json_lines(run(profile, "match", "--all", "--json", check_code=0).stdout)}
    matches = sorted((m["algorithm"], m["entry"], m["distance"] <= 31) for o in outcomes.values() for m in o["matches"])
    assert matches == [("md5", md5, True), ("pdq", rotated, True)]
    pdq_match = next(m for o in outcomes.values() for m in o["matches"] if m["algorithm"] == "pdq")
    assert pdq_match["variant"] != "original"

    run(profile, "lists", "suppress", f"md5:{md5}", "--reason", "our own test file", check_code=0)
    outcomes = json_lines(run(profile, "match", "--all", "--json", check_code=0).stdout)
    assert sorted(m["algorithm"] for o in outcomes for m in o["matches"]) == ["pdq"]
    shown = json.loads(run(profile, "lists", "show", "--json", check_code=0).stdout)
    (known,) = shown["lists"]
    assert (known["name"], known["active"], len(known["imports"])) == ("Known", {"md5": 1, "pdq": 1}, 1)
    assert shown["suppressions"][0]["reason"] == "our own test file"
    log = run(profile, "log", "verify", check_code=0)
    assert log.returncode == 0


def test_hash_match_without_a_workspace(desk, tmp_path):
    _, folder, rotated, md5 = desk
    listing = tmp_path / "plain.txt"
    listing.write_text(f"{rotated}\n")
    done = run(tmp_path / "none", "hash", "--json", "--match", "--list", str(listing), "--list-format", "text",
               "--list-algorithm", "pdq", str(folder / "photo.png"), str(folder / "other.bin"), check_code=0)
    records = {r["path"].rsplit("/", 1)[-1]: r for r in json_lines(done.stdout)}
    assert [m["entry"] for m in records["photo.png"]["matches"]] == [rotated]
    assert records["other.bin"]["matches"] == []


def test_items_are_matched_on_import(desk, tmp_path):
    profile, _, _, _ = desk
    data = b"arrives after the list"
    listing = tmp_path / "l.txt"
    listing.write_text(hashlib.sha256(data).hexdigest() + "\n")
    run(profile, "lists", "import", str(listing), "--list", "L", "--format", "text", "--algorithm", "sha256",
        check_code=0)
    later = tmp_path / "later"
    later.mkdir()
    (later / "new.bin").write_bytes(data)
    done = run(profile, "import", "--json", str(later), check_code=0)
    assert "1 of 1 new items match a hash list" in done.stderr
    (item_id,) = [r["item_id"] for r in json.loads(done.stdout)["results"]]
    (outcome,) = json_lines(run(profile, "match", item_id, "--json", check_code=0).stdout)
    assert [m["algorithm"] for m in outcome["matches"]] == ["sha256"]
