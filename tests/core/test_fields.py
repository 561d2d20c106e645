import os
import sqlite3

import pytest

from desktop_app.core.storage.fields import FieldDamaged

ODD_NAMES = [b"bad-\xff\xfe-name.jpg", "résumé.png".encode(), b"x" * 255, os.fsencode("plain.txt")]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_original_names_round_trip_as_bytes(workspace, name):
    fields = workspace.fields()
    sealed = fields.seal("sources", "name_ct", "row-1", name)
    assert name not in sealed
    with sqlite3.connect(":memory:") as conn:  # a BLOB column takes them all, unlike TEXT
        conn.execute("CREATE TABLE t (v BLOB)")
        conn.execute("INSERT INTO t VALUES (?)", (sealed,))
        stored = conn.execute("SELECT v FROM t").fetchone()[0]
    assert fields.open("sources", "name_ct", "row-1", stored) == name


def test_values_are_bound_to_their_cell(workspace):
    fields = workspace.fields()
    sealed = fields.seal("sources", "name_ct", "row-1", b"secret.jpg")
    for table, column, row in [
        ("sources", "name_ct", "row-2"),
        ("sources", "meta_ct", "row-1"),
        ("x", "name_ct", "row-1"),
    ]:
        with pytest.raises(FieldDamaged):
            fields.open(table, column, row, sealed)


def test_json_values_and_blind_indexes(workspace):
    fields = workspace.fields()
    meta = {"uploader": "someone", "ip": "192.0.2.7", "port": 443}
    assert fields.open_json("sources", "meta_ct", "r", fields.seal_json("sources", "meta_ct", "r", meta)) == meta
    a, b = fields.blind_index("sha256", b"\x01" * 32), fields.blind_index("sha256", b"\x01" * 32)
    assert a == b and a != fields.blind_index("md5", b"\x01" * 32) and b"\x01" * 32 not in a
