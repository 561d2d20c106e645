"""ParallelDigests: grouped digest threads give exactly hashlib's answers, inline or threaded."""

import hashlib
import threading

import pytest

from desktop_app.core.hashing.parallel import INTAKE_GROUPS, ParallelDigests
from tests.core.intake.conftest import noise


def chunks(data: bytes, size: int):
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 1024 * 1024 + 1, 5 * 1024 * 1024 + 3])
@pytest.mark.parametrize("groups", [INTAKE_GROUPS, ("md5", "sha1", "sha256"), [("md5", "sha1", "sha256")]])
def test_groups_match_hashlib(size, groups):
    data = noise(size, size)
    digests = ParallelDigests(groups)
    for piece in chunks(data, 256 * 1024):
        digests.update(piece)
    assert digests.hexdigests() == {name: hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256")}


def test_threads_start_only_past_the_inline_budget():
    before = threading.active_count()
    digests = ParallelDigests(INTAKE_GROUPS, inline_bytes=1000)
    digests.update(b"x" * 1000)
    assert threading.active_count() == before  # small input: hashed on the caller's thread
    digests.update(b"y")
    assert threading.active_count() == before + 2  # one thread per group: MD5 | SHA-1 + SHA-256
    assert digests.hexdigests()["sha1"] == hashlib.sha1(b"x" * 1000 + b"y").hexdigest()
    assert threading.active_count() == before


def test_a_digest_named_twice_is_a_bug():
    with pytest.raises(ValueError):
        ParallelDigests([("md5", "sha1"), "md5"])


def test_update_after_finish_is_a_bug():
    digests = ParallelDigests()
    digests.hexdigests()
    with pytest.raises(RuntimeError):
        digests.update(b"late")
