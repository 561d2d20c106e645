"""SafeFile and the walk on hostile file-system objects, without a workspace."""

import os
import signal
import socket
import subprocess

import pytest

from desktop_app.core.domain.items import IntakeOutcome, ItemKind
from desktop_app.core.intake.digest import digest_file
from desktop_app.core.intake.reading import NotReadable, SafeFile
from desktop_app.core.intake.scan import scan
from desktop_app.core.progress import run_to_completion
from tests.core.intake.conftest import digests_of, noise, write

GiB = 1024**3


@pytest.fixture(autouse=True)
def deadline():
    """A blocking open (a FIFO without O_NONBLOCK) must fail the test, not hang the suite."""

    def expired(*_):
        raise TimeoutError("blocked: a read that should have been refused waited instead")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 20)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def refused(path, **kwargs) -> NotReadable:
    with pytest.raises(NotReadable) as caught:
        SafeFile(os.fsencode(path), **kwargs)
    return caught.value


def read_all(path, **kwargs):
    with SafeFile(os.fsencode(path), **kwargs) as source:
        data = bytearray()
        while chunk := source.read(4096):
            data += chunk
        return bytes(data), source.finish()


def test_regular_file_is_read_whole_and_unchanged(tmp_path):
    data = noise(100_000, 1)
    got, facts = read_all(write(tmp_path / "a.bin", data))
    assert got == data and facts.bytes_read == len(data) and not facts.changed


def test_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    record = refused(tmp_path / "pipe")
    assert (record.kind, record.outcome) == (ItemKind.SPECIAL, IntakeOutcome.NOT_READ_SPECIAL)
    assert "FIFO" in record.detail


def test_socket_is_refused(tmp_path):
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock"))
        record = refused(tmp_path / "sock")
    assert record.kind == ItemKind.SPECIAL and "socket" in record.detail


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero (a character device)")
def test_device_is_refused():
    record = refused("/dev/zero")
    assert record.kind == ItemKind.SPECIAL and "character device" in record.detail


def test_folder_where_a_file_was_expected(tmp_path):
    record = refused(tmp_path)
    assert record.kind == ItemKind.SPECIAL and "folder" in record.detail


def test_link_is_recorded_with_its_target_not_followed(tmp_path):
    outside = write(tmp_path / "outside" / "secret.txt", b"not to be read")
    (tmp_path / "link").symlink_to(outside)
    record = refused(tmp_path / "link")
    assert record.kind == ItemKind.LINK and record.link_target == os.fsencode(outside)


def test_link_loop(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    record = refused(tmp_path / "a")
    assert record.kind == ItemKind.LINK and record.link_target == os.fsencode(tmp_path / "b")


def test_sparse_100_gib_is_refused_by_its_size(tmp_path):
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as handle:
        handle.truncate(100 * GiB)
    record = refused(sparse)
    assert record.outcome == IntakeOutcome.NOT_READ_TOO_LARGE and record.size == 100 * GiB


def test_missing_file_is_vanished(tmp_path):
    assert refused(tmp_path / "nope").outcome == IntakeOutcome.NOT_READ_VANISHED


def test_growth_while_reading_is_detected(tmp_path):
    path = write(tmp_path / "grows.bin", noise(10_000, 2))
    with SafeFile(os.fsencode(path)) as source:
        first = source.read(4096)
        with open(path, "ab") as handle:
            handle.write(b"appended while read")
        rest = bytearray()
        while chunk := source.read(4096):
            rest += chunk
        facts = source.finish()
    assert facts.changed and "changed while it was read" in facts.detail
    assert first + rest == path.read_bytes()


def test_growth_past_the_limit_keeps_the_limit(tmp_path):
    path = write(tmp_path / "grows.bin", noise(1000, 3))
    with SafeFile(os.fsencode(path), max_size=1000) as source:
        with open(path, "ab") as handle:
            handle.write(noise(5000, 4))
        data = bytearray()
        while chunk := source.read(300):
            data += chunk
        facts = source.finish()
    assert bytes(data) == path.read_bytes()[:1000]
    assert facts.changed and "grew past the size limit" in facts.detail


def test_same_size_rewrite_is_detected_by_mtime(tmp_path):
    path = write(tmp_path / "same.bin", noise(5000, 5))
    with SafeFile(os.fsencode(path)) as source:
        source.read(1000)
        with open(path, "r+b") as handle:
            handle.write(b"X" * 10)
        stamp = os.stat(path).st_mtime_ns
        os.utime(path, ns=(stamp + 5_000_000_000, stamp + 5_000_000_000))  # coarse clocks: make it certain
        while source.read(1000):
            pass
        facts = source.finish()
    assert facts.changed


def test_digest_file_matches_hashlib(tmp_path):
    data = noise(3 * 1024 * 1024 + 7, 6)  # several chunks: the threaded path
    digests, facts = digest_file(os.fsencode(write(tmp_path / "f", data)))
    assert (digests.md5, digests.sha1, digests.sha256) == digests_of(data) and not facts.changed


def test_walk_never_follows_links_and_records_specials(tmp_path):
    root = tmp_path / "root"
    write(root / "a.txt", b"a")
    write(root / "deep" / "er" / "b.txt", b"b")
    (root / "to-outside").symlink_to(tmp_path)  # a link to a folder: following it would loop
    os.mkfifo(root / "pipe")
    result = run_to_completion(scan([os.fsencode(root)]))
    by_name = {os.path.basename(job.path): job for job in result.jobs}
    assert set(by_name) == {b"a.txt", b"b.txt", b"to-outside", b"pipe"}
    assert by_name[b"to-outside"].record.kind == ItemKind.LINK
    assert by_name[b"pipe"].record.kind == ItemKind.SPECIAL
    assert by_name[b"a.txt"].record is None and by_name[b"a.txt"].size == 1


def test_walk_of_a_very_deep_tree(tmp_path):
    # Deeper than Python's recursion limit would allow a recursive walk to go.
    deep = os.fsencode(tmp_path / "d")
    os.mkdir(deep)
    fd = os.open(deep, os.O_RDONLY)
    try:
        for _ in range(1100):
            os.mkdir(b"x", dir_fd=fd)
            child = os.open(b"x", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open(b"leaf.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as handle:
            handle.write(b"leaf")
    finally:
        os.close(fd)
    try:
        result = run_to_completion(scan([deep]))
        assert [os.path.basename(job.path) for job in result.jobs] == [b"leaf.txt"]
    finally:
        # pytest's own clean-up (shutil.rmtree, recursive on 3.11) cannot remove a tree this deep: it
        # would stay behind in /tmp and break the clean-up of later runs. rm walks iteratively.
        subprocess.run(["rm", "-rf", "--", deep], check=True)
