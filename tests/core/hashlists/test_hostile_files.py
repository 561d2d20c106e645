"""Hostile files are refused within a second, with a reason, and nothing is read from them."""

import json
import os
import time

import pytest

from desktop_app.core.domain.hashlists import Algorithm, ListFormat
from desktop_app.core.errors import OperationCancelled
from desktop_app.core.hashlists.contents import ListContents, from_segments, merge, to_segments
from desktop_app.core.hashlists.errors import ListFileRefused
from desktop_app.core.hashlists.read_lines import ReadOptions
from desktop_app.core.hashlists.readers import read_list
from desktop_app.core.progress import CancelToken
from tests.core.hashlists.conftest import active, hexes, read

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">&lol9;</queryResult>"""


def _refused(path, fmt, match, **options):
    start = time.process_time()  # CPU seconds: a loaded machine does not stretch them
    with pytest.raises(ListFileRefused, match=match):
        read(path, fmt, **options)
    assert time.process_time() - start < 1.0


def test_a_file_of_gigabytes_is_refused_by_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(5 * 1024**3)  # sparse: costs no disk
    _refused(path, ListFormat.TEXT, "larger than", algorithm=Algorithm.MD5)
    page = tmp_path / "huge.json"
    with open(page, "wb") as f:
        f.truncate(300 * 1024**2)
    _refused(page, ListFormat.STOPNCII_JSON, "larger than")


def test_binary_and_non_utf8_files_are_refused(write):
    _refused(write("a.txt", os.urandom(4096) + b"\x00"), ListFormat.TEXT, "binary", algorithm=Algorithm.MD5)
    _refused(write("b.csv", b"md5\n\xff\xfe\xfa" * 100), ListFormat.CSV, "not UTF-8", mapping={"md5": "md5"})
    _refused(write("c.json", b"\x7fELF\x00\x00"), ListFormat.TAT_JSON, "binary")


def test_an_endless_line_is_refused(write):
    _refused(write("a.txt", b"a" * (2 * 1024 * 1024)), ListFormat.TEXT, "longer than", algorithm=Algorithm.MD5)


def test_deeply_nested_json_is_refused(write):
    _refused(write("deep.json", b"[" * 1_000_000 + b"]" * 1_000_000), ListFormat.THREATEXCHANGE_JSON, "nested")
    _refused(write("shape.json", b'{"data": 3}'), ListFormat.THREATEXCHANGE_JSON, "no 'data' list")


def test_an_xml_bomb_and_external_entities_are_refused(write):
    _refused(write("bomb.xml", BILLION_LAUGHS), ListFormat.NCMEC_XML, "DTD")
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    _refused(write("xxe.xml", xxe), ListFormat.NCMEC_XML, "DTD")
    _refused(write("other.xml", b"<status/>"), ListFormat.NCMEC_XML, "not an NCMEC")
    _refused(write("broken.xml", b"<queryResult"), ListFormat.NCMEC_XML, "well-formed")


def test_a_file_whose_rows_are_all_bad_is_the_wrong_format(write):
    _refused(write("words.txt", "hello world\n" * 5000), ListFormat.TEXT, "None of the first", algorithm=Algorithm.PDQ)


def test_cancel_stops_reading(write):
    path = write("big.txt", "\n".join(hexes(50_000, 16)))
    token = CancelToken()
    reading = read_list(path, ListFormat.TEXT, ReadOptions(algorithm=Algorithm.MD5), cancel=token)
    next(reading)
    token.cancel()
    with pytest.raises(OperationCancelled):
        for _ in reading:
            pass


def test_withdrawn_then_added_again_and_unknown_withdrawals(write):
    values = hexes(3)
    contents, stats = merge(ListContents(), read(write("1.txt", "\n".join(values)), ListFormat.HMA_TEXT), 1)
    assert stats.added == 0  # bare values are not "<signal_type> <signal>": all bad
    contents, stats = merge(
        ListContents(), read(write("1.csv", "\n".join(f"pdq,{v}" for v in values)), ListFormat.HMA_CSV), 1
    )
    assert stats.added == 3
    records = [{"indicator": v, "type": "HASH_PDQ", "should_delete": True} for v in [values[0], hexes(1)[0]]]
    changes = read(write("2.json", json.dumps({"data": records})), ListFormat.THREATEXCHANGE_JSON)
    contents, stats = merge(contents, changes, 2)
    assert (stats.withdrawn, stats.unknown_withdrawals) == (1, 1)
    assert active(contents, "pdq") == set(values[1:])
    changes = read(write("3.csv", f"pdq,{values[0]}\n"), ListFormat.HMA_CSV)
    contents, stats = merge(contents, changes, 3)
    assert stats.added == 1 and active(contents, "pdq") == set(values)
    entries = contents.entries(Algorithm.PDQ)
    assert sorted(entries.added_in.tolist()) == [1, 1, 1]  # first added in import 1, whatever happened since
    again = from_segments(to_segments(contents))
    assert active(again, "pdq") == set(values)
    assert (again.entries(Algorithm.PDQ).added_in == entries.added_in).all()


def test_merge_equals_a_plain_python_model_when_values_share_their_first_bytes():
    """Random adds and deletes over values that tie in their first 8 bytes: the last change wins."""
    import random

    from desktop_app.core.hashlists.changes import ChangeBuilder

    rng = random.Random(4)
    prefixes = ["aa" * 8, "bb" * 8]
    universe = [p + format(rng.getrandbits(64), "016x") * 3 for p in prefixes for _ in range(6)]
    model: dict[str, bool] = {}
    contents = ListContents()
    for import_no in range(1, 6):
        out = ChangeBuilder()
        for _ in range(25):
            value = rng.choice(universe)
            if rng.random() < 0.4:
                out.delete(Algorithm.PDQ, value)
                if value in model:
                    model[value] = False
            else:
                out.add(Algorithm.PDQ, value)
                model[value] = True
        contents, _ = merge(contents, out.build(), import_no)
        assert active(contents, "pdq") == {v for v, alive in model.items() if alive}
        entries = contents.entries(Algorithm.PDQ)
        assert {v.tobytes().hex() for v in entries.values} == set(model)  # tombstones kept, unknowns not
