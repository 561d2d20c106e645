"""Tar tricks against the bundle check, which reads evidence straight from the tar stream.

Each bundle is a genuine one re-packed with one trick and sealed again to the recipient (so the
age layer is intact and only the tar layer lies). Each must be refused (``BundleMalformed``) or
reported (differences), never checked clean; where the check accepts a trick, GNU tar must see
the same members with the same bytes (so the check vouches for what a recipient extracts).
"""

import shutil
import subprocess
import tarfile

import pytest

from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.crypto.age.file import encrypt_chunks
from tests.core.bundles.test_bundle_tamper import _copy, genuine, verdict  # noqa: F401 - genuine: a fixture

EVIDENCE = "files/0001.bin"


def _header(name, size, fmt=tarfile.PAX_FORMAT, pax=None, kind=tarfile.REGTYPE):
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode = size, kind, 0o600
    if pax:
        info.pax_headers = dict(pax)
    return info.tobuf(fmt, "utf-8", "surrogateescape")


def _pad(data):
    return data + bytes(-len(data) % tarfile.BLOCKSIZE)


def _payload(genuine, replace=None):  # noqa: F811
    """The genuine members as raw tar; ``replace`` maps a member name to the raw bytes written instead."""
    out = bytearray()
    for info, data in genuine:
        if replace and info.name in replace:
            out += replace[info.name](info, data)
            continue
        out += _copy(info).tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape") + _pad(data)
    out += bytes(2 * tarfile.BLOCKSIZE)
    out += bytes(-len(out) % tarfile.RECORDSIZE)
    return bytes(out)


def _seal(payload, identity):
    return b"".join(encrypt_chunks([payload], [identity.recipient]))


def _refused_or_reported(payload, identity):
    try:
        result = verdict(_seal(payload, identity), identity)
    except BundleMalformed:
        return None
    assert not result.ok
    return result


TRICKS = {
    # A pax record overrides the ustar header's name: the name checked is the one tar uses.
    "pax-path-escapes": lambda i, d: _header(i.name, len(d), pax={"path": "../../escape.bin"}) + _pad(d),
    "pax-path-absolute": lambda i, d: _header(i.name, len(d), pax={"path": "/tmp/escape.bin"}) + _pad(d),
    "pax-path-nul": lambda i, d: _header(i.name, len(d), pax={"path": EVIDENCE + "\x00../x"}) + _pad(d),
    "pax-path-backslash": lambda i, d: _header(i.name, len(d), pax={"path": "files\\..\\0001.bin"}) + _pad(d),
    "pax-path-duplicates-manifest": lambda i, d: _header(i.name, len(d), pax={"path": "manifest.json"}) + _pad(d),
    # Sizes that lie: the pax size, or the header's own, larger or smaller than the data.
    "pax-size-larger": lambda i, d: _header(i.name, len(d), pax={"size": str(len(d) + 4096)}) + _pad(d),
    "pax-size-smaller": lambda i, d: _header(i.name, len(d), pax={"size": str(len(d) - 1000)}) + _pad(d),
    "size-smaller-hides-a-member": lambda i, d: (
        _header(i.name, 512) + d[:512] + _header(EVIDENCE.replace("1", "9"), 3) + _pad(b"abc") + _pad(d[512:])
    ),
    "size-negative": lambda i, d: _header(i.name, -5, fmt=tarfile.GNU_FORMAT) + _pad(d),
    "size-huge": lambda i, d: _header(i.name, 1 << 40, fmt=tarfile.GNU_FORMAT) + _pad(d),
    # GNU long names and links.
    "gnu-longname-escapes": lambda i, d: (
        _header("files/" + "a" * 120 + "/../../x", len(d), tarfile.GNU_FORMAT) + _pad(d)
    ),
    "gnu-hardlink": lambda i, d: _header(i.name, 0, tarfile.GNU_FORMAT, kind=tarfile.LNKTYPE),
    "pax-linkpath-symlink": lambda i, d: _header(i.name, 0, pax={"linkpath": "/etc/passwd"}, kind=tarfile.SYMTYPE),
    # Sparse members in each of GNU's pax encodings: stored bytes that are not the file.
    "pax-sparse-0.1": lambda i, d: (
        _header(i.name, len(d), pax={"GNU.sparse.map": f"0,{len(d)}", "GNU.sparse.size": str(len(d) + 9000)}) + _pad(d)
    ),
    "pax-sparse-1.0": lambda i, d: (
        _header(
            "GNUSparseFile.0/x",
            512 + len(d),
            pax={
                "GNU.sparse.major": "1",
                "GNU.sparse.minor": "0",
                "GNU.sparse.name": i.name,
                "GNU.sparse.realsize": str(len(d)),
            },
        )
        + _pad(f"1\n0\n{len(d)}\n".encode())
        + _pad(d)
    ),
    "gnu-sparse-old": lambda i, d: _header(i.name, len(d), tarfile.GNU_FORMAT, kind=tarfile.GNUTYPE_SPARSE) + _pad(d),
}


@pytest.mark.parametrize("trick", TRICKS)
def test_a_tar_trick_on_an_evidence_file_is_refused_or_reported(genuine, recipient_identity, trick):  # noqa: F811
    _refused_or_reported(_payload(genuine, {EVIDENCE: TRICKS[trick]}), recipient_identity)


def test_a_gnu_long_name_that_is_valid_is_read_as_gnu_tar_reads_it(genuine, recipient_identity, tmp_path):  # noqa: F811
    """A long-name record (with a NUL and junk after the name) is just another encoding of the name."""
    long_name = lambda i, d: (  # noqa: E731
        _header("././@LongLink", len(i.name) + 6, tarfile.GNU_FORMAT, kind=tarfile.GNUTYPE_LONGNAME)
        + _pad(i.name.encode() + b"\x00../x")
        + _header(i.name, len(d), tarfile.GNU_FORMAT)
        + _pad(d)
    )
    payload = _payload(genuine, {EVIDENCE: long_name})
    assert verdict(_seal(payload, recipient_identity), recipient_identity).ok
    if shutil.which("tar") is None:
        pytest.skip("needs GNU tar to compare")
    (tmp_path / "p.tar").write_bytes(payload)
    listed = subprocess.run(["tar", "-tf", str(tmp_path / "p.tar")], capture_output=True, check=True, text=True)
    assert listed.stdout.split() == [info.name for info, _ in genuine]
    data = subprocess.run(["tar", "-xOf", str(tmp_path / "p.tar"), EVIDENCE], capture_output=True, check=True).stdout
    assert data == dict((info.name, d) for info, d in genuine)[EVIDENCE]


def test_a_member_behind_a_junk_block_is_refused(genuine, recipient_identity, tmp_path):  # noqa: F811
    """``tarfile`` ends the archive silently at a header it cannot parse; GNU tar skips it and reads on.

    So a member after a junk block was unseen by the check (which said clean) and extracted by tar.
    """
    hidden = _header("files/0009.bin", 6) + _pad(b"hidden")
    payload = _payload(genuine)
    end = len(payload) - len(payload.rstrip(b"\x00"))
    body = payload[: len(payload) - end]
    body = body + bytes(-len(body) % tarfile.BLOCKSIZE)
    tricked = body + b"\x01" * tarfile.BLOCKSIZE + hidden + bytes(2 * tarfile.BLOCKSIZE)
    tricked += bytes(-len(tricked) % tarfile.RECORDSIZE)
    if shutil.which("tar") is not None:  # the trick works on GNU tar: it extracts the hidden member
        (tmp_path / "p.tar").write_bytes(tricked)
        shown = subprocess.run(["tar", "-xOf", str(tmp_path / "p.tar"), "files/0009.bin"], capture_output=True)
        assert shown.stdout == b"hidden"
    with pytest.raises(BundleMalformed, match="after the end of its archive"):
        verdict(_seal(tricked, recipient_identity), recipient_identity)
