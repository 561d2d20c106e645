"""The forward-only reader the bundle check hands to tarfile: no copies, no going back, exact positions."""

import io
import os
import tarfile

import pytest

from desktop_app.core.bundles.tar_source import ForwardReader


def _reader(*pieces: bytes) -> ForwardReader:
    return ForwardReader(iter([bytearray(p) for p in pieces]))


def test_views_are_slices_of_the_pieces_themselves_across_their_boundaries():
    pieces = [bytearray(os.urandom(n)) for n in (1000, 1, 5000)]
    source = ForwardReader(iter(pieces))
    views = list(source.views(1200))
    assert [len(v) for v in views] == [1000, 1, 199]
    assert [v.obj for v in views] == pieces  # no copy: views into the decrypted buffers
    assert b"".join(views) == bytes(pieces[0] + pieces[1] + pieces[2][:199])
    assert source.tell() == 1200


def test_reads_seeks_and_the_end():
    data = os.urandom(3000)
    source = _reader(data[:1024], data[1024:])
    assert source.read(10) == data[:10]
    assert source.seek(2000) == 2000
    assert source.read(5) == data[2000:2005]
    assert source.seek(10, io.SEEK_CUR) == 2015
    assert source.read(5000) == data[2015:]  # short only at the end
    assert source.read(1) == b""
    assert source.seek(9999) == 3000  # past the end: stands at the end, as a skip of what is there


@pytest.mark.parametrize("where", [0, 500])
def test_going_back_is_a_damaged_archive_not_an_io_error(where):
    source = _reader(bytes(1024))
    source.read(600)
    with pytest.raises(tarfile.ReadError, match="goes back"):
        source.seek(where)
    with pytest.raises(tarfile.ReadError):
        source.seek(0, io.SEEK_END)


def test_tarfile_reads_an_archive_through_it_member_by_member():
    files = {f"files/{n:04d}.bin": os.urandom(n * 700) for n in range(4)}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    payload = raw.getvalue()
    source = ForwardReader(iter([bytearray(payload[i : i + 333]) for i in range(0, len(payload), 333)]))
    seen = {}
    for member in tarfile.TarFile(fileobj=source, mode="r"):  # type: ignore[arg-type]
        assert source.tell() == member.offset_data
        seen[member.name] = b"".join(source.views(member.size))
    assert seen == files
