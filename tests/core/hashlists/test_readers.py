"""Every list format, with its withdrawals, bad rows reported by line, and mapping errors."""

import json

import pytest

from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.hashlists.contents import ListContents, merge
from desktop_app.core.hashlists.errors import ListMappingInvalid
from tests.core.hashlists.conftest import active, apply, hexes, read


def test_plain_text_needs_the_algorithm_and_reports_bad_lines(write):
    pdq = hexes(3)
    path = write("list.txt", f"# a comment\n{pdq[0].upper()}\n\n{pdq[1]}\nnot-a-hash\n{pdq[2]}  \n{pdq[0][:40]}\n")
    with pytest.raises(ListMappingInvalid):
        read(path, ListFormat.TEXT)
    changes = read(path, ListFormat.TEXT, algorithm=Algorithm.PDQ)
    assert changes.rows_read == 5
    assert [b.line for b in changes.bad_rows] == [5, 7]
    assert "64 hex digits" in changes.bad_rows[1].reason
    assert active(apply(ListContents(), changes), "pdq") == set(pdq)


def test_the_same_text_as_sha256_is_a_different_list(write):
    values = hexes(2)
    path = write("list.txt", "\n".join(values))
    contents = apply(ListContents(), read(path, ListFormat.TEXT, algorithm=Algorithm.SHA256))
    assert active(contents, "sha256") == set(values)
    assert active(contents, "pdq") == set()


def test_tsv_with_a_column_mapping_labels_and_withdrawals(write):
    md5s, sha1s = hexes(3, 16), hexes(3, 20)
    rows = ["MD5\tSHA-1\tCategory\tRemoved"]
    rows += [f"{m}\t{s}\tA1\t" for m, s in zip(md5s, sha1s, strict=True)]
    rows += [f"{md5s[1]}\t\t\tyes", "zz\t\t\t", "\t\t\t"]
    path = write("list.tsv", "\n".join(rows) + "\n")
    mapping = {"MD5": "md5", "sha-1": "sha1", "Category": "label", "4": "deleted"}
    changes = read(path, ListFormat.CSV, mapping=mapping)
    assert [(b.line, b.reason) for b in changes.bad_rows] == [(6, "a md5 hash is 32 hex digits, this has 2")]
    contents = apply(ListContents(), changes)
    assert active(contents, "md5") == {md5s[0], md5s[2]}
    assert active(contents, "sha1") == set(sha1s)
    entries = contents.entries(Algorithm.MD5)
    assert entries.meta[bytes.fromhex(md5s[0])].label == "A1"
    assert int(entries.deleted.sum()) == 1


def test_a_mapping_to_a_missing_column_or_to_no_hash_is_refused(write):
    path = write("list.csv", "md5,label\n" + hexes(1, 16)[0] + ",x\n")
    with pytest.raises(ListMappingInvalid, match="no column 'sha'"):
        read(path, ListFormat.CSV, mapping={"sha": "sha1"})
    with pytest.raises(ListMappingInvalid, match="at least one column"):
        read(path, ListFormat.CSV, mapping={"label": "label"})
    with pytest.raises(ListMappingInvalid, match="not a hash algorithm"):
        read(path, ListFormat.CSV, mapping={"md5": "photodna"})


def test_threatexchange_csv_and_text(write):
    pdq, vmd5, vsha = hexes(1)[0], hexes(1, 16)[0], hexes(1)[0]
    vpdq = json.dumps([f"{hexes(1)[0]},100,0.000", f"{hexes(1)[0]},90,1.000"])
    csv_text = "signal_type,signal_str,collab,category,tags\n"
    csv_text += f"pdq,{pdq},c1,POSITIVE_CLASS,tag1 tag2\n"
    csv_text += f"video_md5,{vmd5},c1,,\nvideo_sha256,{vsha},c1,,\n"
    csv_text += 'vpdq,"' + vpdq.replace('"', '""') + '",c1,,\n'
    csv_text += "url,https://example.invalid/,c1,,\nphotohash,abc,c1,,\npdq,12,c1,,\n"
    changes = read(write("d.csv", csv_text), ListFormat.HMA_CSV)
    assert [b.line for b in changes.bad_rows] == [7, 8]
    assert changes.ignored_types == {"url": 1}
    contents = apply(ListContents(), changes)
    assert active(contents, "pdq") == {pdq} and active(contents, "md5") == {vmd5}
    assert active(contents, "sha256") == {vsha}
    assert contents.entries(Algorithm.PDQ).meta[bytes.fromhex(pdq)].tags == ("tag1", "tag2")
    assert contents.entries(Algorithm.MD5).meta[bytes.fromhex(vmd5)].media_kind == "video"
    assert len(contents.vpdq) == 1

    text = f"pdq {pdq}\nvideo_md5 {vmd5}\nvpdq {vpdq}\nbroken\n"
    changes = read(write("d.txt", text), ListFormat.HMA_TEXT)
    assert [b.line for b in changes.bad_rows] == [4]
    contents = apply(ListContents(), changes)
    assert active(contents, "pdq") == {pdq} and len(contents.vpdq) == 1


NS = "https://hashsharing.ncmec.org/hashsharing/v2"


def _ncmec_page(images: str, videos: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<queryResult xmlns="{NS}">'
        f'<images count="1">{images}</images><videos count="1">{videos}</videos>'
        "<paging><next>/v2/entries?start=2</next></paging></queryResult>"
    )


def _image(entry_id: str, md5: str, sha1: str, extra: str = "") -> str:
    return (
        f'<image><member id="42">Example</member><timestamp>2017-10-24T15:00:00Z</timestamp><id>{entry_id}</id>'
        f"<classification>A1</classification><fingerprints><md5>{md5}</md5><sha1>{sha1}</sha1>"
        f"<pdna>a1a1...</pdna>{extra}</fingerprints></image>"
    )


def test_ncmec_pages_apply_deleted_images_and_videos_by_id(write):
    md5s, sha1s, pdq = hexes(3, 16), hexes(3, 20), hexes(1)[0]
    page1 = _ncmec_page(
        _image("image1", md5s[0], sha1s[0], f"<pdq>{pdq}</pdq>") + _image("image2", md5s[1], sha1s[1]),
        f"<video><id>video1</id><fingerprints><md5>{md5s[2]}</md5></fingerprints></video>",
    )
    changes = read(write("p1.xml", page1), ListFormat.NCMEC_XML)
    assert changes.ignored_types == {"pdna": 2}
    contents = apply(ListContents(), changes)
    assert active(contents, "md5") == set(md5s) and active(contents, "pdq") == {pdq}
    assert contents.entries(Algorithm.MD5).meta[bytes.fromhex(md5s[2])].media_kind == "video"

    page2 = _ncmec_page(
        "<deletedImage><member id='43'>M</member><id>image1</id>"
        "<timestamp>2017-10-24T15:10:00Z</timestamp></deletedImage>",
        "<deletedVideo><id>video1</id></deletedVideo><video><fingerprints/></video>",
    )
    changes = read(write("p2.xml", page2), ListFormat.NCMEC_XML)
    assert [b.reason for b in changes.bad_rows] == ["an <video> without an <id>"]
    contents, stats = merge(contents, changes, 2)
    assert active(contents, "md5") == {md5s[1]}
    assert active(contents, "sha1") == {sha1s[1]} and active(contents, "pdq") == set()
    assert stats.withdrawn == 4  # image1's md5, sha1 and pdq, video1's md5


def test_stopncii_withdrawn_and_deleted_remove(write):
    pdq, md5 = hexes(2), hexes(1, 16)[0]
    page = {
        "count": 4, "nextPageToken": "t", "hasMoreRecords": False,
        "hashRecords": [
            {"hashValue": pdq[0], "signalType": "ImagePDQ", "hashStatus": "Active", "caseNumbers": {"a": "C1"}},
            {"hashValue": pdq[1], "signalType": "ImagePDQ", "hashStatus": "Received"},
            {"hashValue": md5, "signalType": "VideoMD5", "hashStatus": "Active"},
            {"hashValue": "x", "signalType": "URL", "hashStatus": "Active"},
            {"signalType": "ImagePDQ"},
        ],
    }
    changes = read(write("s1.json", json.dumps(page)), ListFormat.STOPNCII_JSON)
    assert [b.line for b in changes.bad_rows] == [5] and changes.ignored_types == {"URL": 1}
    contents = apply(ListContents(), changes)
    assert active(contents, "pdq") == set(pdq) and active(contents, "md5") == {md5}
    update = {"hashRecords": [
        {"hashValue": pdq[0], "signalType": "ImagePDQ", "hashStatus": "Withdrawn"},
        {"hashValue": md5, "signalType": "VideoMD5", "hashStatus": "Deleted"},
    ]}
    contents = apply(contents, read(write("s2.json", json.dumps([update])), ListFormat.STOPNCII_JSON), 2)
    assert active(contents, "pdq") == {pdq[1]} and active(contents, "md5") == set()


def test_threatexchange_should_delete(write):
    pdq, md5 = hexes(1)[0], hexes(1, 16)[0]
    page = {"data": [
        {"id": "1", "indicator": pdq, "type": "HASH_PDQ", "should_delete": False, "last_updated": 1},
        {"id": "2", "indicator": md5, "type": "HASH_MD5", "tags": ["media_type_video"], "should_delete": False},
        {"id": "3", "indicator": "http://x", "type": "URI", "should_delete": False},
    ], "paging": {}}
    contents = apply(ListContents(), read(write("t.json", json.dumps(page)), ListFormat.THREATEXCHANGE_JSON))
    assert active(contents, "pdq") == {pdq}
    assert contents.entries(Algorithm.MD5).meta[bytes.fromhex(md5)].media_kind == "video"
    delete = {"data": [{"id": "1", "indicator": pdq.upper(), "type": "HASH_PDQ", "should_delete": True}]}
    contents = apply(contents, read(write("t2.json", json.dumps(delete)), ListFormat.THREATEXCHANGE_JSON), 2)
    assert active(contents, "pdq") == set() and active(contents, "md5") == {md5}


def test_tech_against_terrorism_deleted(write):
    pdq, sha = hexes(1)[0], hexes(1)[0]
    page = {"count": 3, "next": None, "results": [
        {"id": 1, "hash_digest": pdq, "algorithm": "PDQ", "ideology": "far-right", "file_type": "png",
         "deleted": False},
        {"id": 2, "hash_digest": sha, "algorithm": "SHA256", "file_type": "mp4", "deleted": False},
        {"id": 3, "hash_digest": "ab" * 64, "algorithm": "SHA512", "deleted": False},
    ]}
    changes = read(write("tat.json", json.dumps(page)), ListFormat.TAT_JSON)
    assert changes.ignored_types == {"SHA512": 1}
    contents = apply(ListContents(), changes)
    assert contents.entries(Algorithm.PDQ).meta[bytes.fromhex(pdq)].label == "far-right"
    assert contents.entries(Algorithm.SHA256).meta[bytes.fromhex(sha)].media_kind == "video"
    gone = {"results": [{"id": 2, "hash_digest": sha, "algorithm": "SHA256", "deleted": True}]}
    contents = apply(contents, read(write("tat2.json", json.dumps(gone)), ListFormat.TAT_JSON), 2)
    assert active(contents, "sha256") == set() and active(contents, "pdq") == {pdq}
