"""The export pipeline: tar framing byte-identical to tarfile's, the output hashed as written, threads that end."""

import hashlib
import io
import os
import tarfile
import threading

import pytest

from desktop_app.core.bundles.pipeline import HashingWriter, prefetched
from desktop_app.core.bundles.writer import BundleContents, BundleSourceChanged, StreamedMember, write_bundle
from desktop_app.core.crypto.age.file import open_age
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.errors import OperationCancelled
from desktop_app.core.progress import CancelToken, run_to_completion

MIB = 1024 * 1024


def _pieces(data: bytes, size: int = MIB):
    return lambda: (data[i : i + size] for i in range(0, len(data), size))


def _contents(files: list[bytes]) -> BundleContents:
    small = [("README.txt", b"read me\n"), ("manifest.json", b"{}" * 300)]
    members = [StreamedMember(f"files/{n:04d}.bin", len(d), _pieces(d)) for n, d in enumerate(files, 1)]
    return BundleContents(small, members, 1_700_000_000)


def _tarfile_bytes(contents: BundleContents) -> bytes:
    """The same members written by tarfile itself (pax format), the way the writer used to."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in contents.small:
            tar.addfile(_info(name, len(data), contents.mtime), io.BytesIO(data))
        for member in contents.files:
            tar.addfile(_info(member.name, member.size, contents.mtime), io.BytesIO(b"".join(member.chunks())))
    return out.getvalue()


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, mtime, 0o600, tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _bundle_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("bundle-")]


@pytest.mark.parametrize("sizes", [[], [0], [1], [65535, 65536, 65537], [3 * MIB + 5, 511]])
def test_the_payload_is_byte_for_byte_what_tarfile_writes(sizes):
    identity = X25519Identity.generate()
    contents = _contents([os.urandom(n) for n in sizes])
    out = io.BytesIO()
    written = run_to_completion(write_bundle(out, [identity.recipient], contents))
    payload = b"".join(open_age(io.BytesIO(out.getvalue()), [identity]).chunks())
    assert payload == _tarfile_bytes(contents)
    assert written.plaintext_size == len(payload)
    assert (written.sha256, written.size) == (hashlib.sha256(out.getvalue()).hexdigest(), len(out.getvalue()))
    assert not _bundle_threads()


@pytest.mark.parametrize("wrong", [-1, 1])
def test_a_file_that_streams_another_size_is_refused(wrong):
    data = os.urandom(2 * MIB)
    member = StreamedMember("files/0001.bin", len(data) + wrong, _pieces(data))
    contents = BundleContents([("README.txt", b"x")], [member], 0)
    with pytest.raises(BundleSourceChanged, match="recorded size"):
        run_to_completion(write_bundle(io.BytesIO(), [X25519Identity.generate().recipient], contents))
    assert not _bundle_threads()


def test_cancelling_raises_and_leaves_no_thread():
    cancel = CancelToken()
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield bytes(MIB)
        finally:
            closed.set()

    contents = BundleContents([], [StreamedMember("files/0001.bin", 1 << 40, endless)], 0)
    steps = write_bundle(io.BytesIO(), [X25519Identity.generate().recipient], contents, cancel)
    with pytest.raises(OperationCancelled):
        for count, _ in enumerate(steps):
            if count == 5:
                cancel.cancel()
    assert closed.is_set()
    assert not _bundle_threads()


def test_an_error_in_the_source_arrives_after_the_pieces_before_it():
    def failing():
        yield b"a" * 4096
        yield b"b" * 4096
        raise ValueError("blob damaged")

    received = []
    with pytest.raises(ValueError, match="blob damaged"):
        for piece in prefetched(failing()):
            received.append(piece)
    assert received == [b"a" * 4096, b"b" * 4096]
    assert not _bundle_threads()


def test_a_failing_output_is_raised_on_the_callers_thread():
    class Full(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            raise OSError(28, "No space left on device")

    sink = HashingWriter(Full())  # type: ignore[arg-type]
    with pytest.raises(OSError, match="No space"):
        for _ in range(100):
            sink.write(bytes(MIB))
        sink.finish()
    sink.abort()
    assert not _bundle_threads()
