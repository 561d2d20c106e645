"""Untrusted files (docs/decisions.md §4) through the real service into a real workspace.

Each case gives its own clear outcome; whatever bytes exist are preserved byte-exact (read back
from the vault) with hashlib's digests; and no content or name appears in clear anywhere in the
profile.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from desktop_app.core.domain.items import IntakeOutcome, ItemKind
from desktop_app.core.intake.importer import IntakeLimits
from desktop_app.core.intake.summary import ImportPhase
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage import vault_sweep
from desktop_app.core.storage.schema import MIGRATIONS
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.intake.conftest import assert_no_plaintext, digests_of, drive, noise, write
from tests.memory import MiB, memory_growth

GiB = 1024**3
NON_UTF8 = b"bad-\xff\xfe-name.jpg"
LONG_NAME = b"n" * 251 + b".jpg"  # 255 bytes: the longest name ext4 allows


@pytest.fixture(autouse=True)
def deadline():
    def expired(*_):
        raise TimeoutError("the import blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 60)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def by_path(summary):
    return {os.path.basename(r.path): r for r in summary.results}


def assert_preserved(service, result, data: bytes) -> None:
    assert result.item_id is not None
    assert service.read_bytes(result.item_id) == data
    item = service.get(result.item_id)
    assert (item.digests.md5, item.digests.sha1, item.digests.sha256) == digests_of(data)
    assert item.size == len(data)


def test_a_hostile_folder(service, workspace, tmp_path, isolated_profile):
    root = tmp_path / "flagged"
    outside = write(tmp_path / "elsewhere" / "outside.txt", noise(500, 1))
    contents = {
        b"plain.bin": noise(3 * 1024 * 1024 + 11, 2),
        b"empty.bin": b"",
        NON_UTF8: noise(2048, 3),
        LONG_NAME: noise(4096, 4),
    }
    root.mkdir()
    for name, data in contents.items():
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(data)
    os.mkfifo(root / "pipe")
    (root / "to-outside").symlink_to(outside)
    (root / "to-device").symlink_to("/dev/zero")
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    with open(root / "sparse.bin", "wb") as handle:
        handle.truncate(100 * GiB)

    drive(service.import_paths([write(tmp_path / "warm-up.bin", noise(2 * 1024 * 1024, 20))]))  # lazy set-up
    with memory_growth() as grown:
        summary = drive(service.import_paths([root]))
    results = by_path(summary)

    # Files are streamed, and the 100 GiB sparse file is not read at all (reading it whole would
    # take all memory): the main process stays flat.
    assert grown.peak < 50 * MiB and grown.current < 30 * MiB, grown.describe()
    assert len(results) == len(contents) + 6 and not summary.cancelled
    for name, data in contents.items():
        assert results[name].outcome == IntakeOutcome.OK, name
        assert_preserved(service, results[name], data)
    assert (results[b"pipe"].kind, results[b"pipe"].outcome) == (ItemKind.SPECIAL, IntakeOutcome.NOT_READ_SPECIAL)
    for link in (b"to-outside", b"to-device", b"loop-a", b"loop-b"):
        assert (results[link].kind, results[link].outcome) == (ItemKind.LINK, IntakeOutcome.NOT_READ_LINK)
    assert service.get(results[b"to-outside"].item_id).link_target == os.fsencode(outside)
    assert service.get(results[b"loop-a"].item_id).link_target == os.fsencode(root / "loop-b")
    sparse = service.get(results[b"sparse.bin"].item_id)
    assert (sparse.kind, sparse.outcome, sparse.size) == (ItemKind.UNREAD, IntakeOutcome.NOT_READ_TOO_LARGE, 100 * GiB)
    assert sparse.blob_id is None
    assert summary.bytes_read == sum(len(d) for d in contents.values())  # the sparse file: not one byte

    # Names are kept as the exact bytes, shown lossily.
    odd = service.get(results[NON_UTF8].item_id)
    assert odd.sources[0].original_name == NON_UTF8 and odd.sources[0].path.endswith(NON_UTF8)
    assert odd.display_name == "bad-\ufffd\ufffd-name.jpg"
    assert service.get(results[LONG_NAME].item_id).sources[0].original_name == LONG_NAME

    # Only the readable files' content is in the vault: the link target was never read.
    with workspace.db.read() as reader:
        assert reader["blobs"].count == len(contents) + 1  # and the warm-up file
    assert vault_sweep.sweep(workspace.blob_dir, workspace.db).clean
    assert workspace.verify_log().ok
    workspace.db.close()  # fold the WAL in, then look at every byte of the profile
    try:
        samples = [data[:64] for data in contents.values() if data] + [outside.read_bytes()[:64]]
        assert_no_plaintext(isolated_profile, *samples, NON_UTF8, LONG_NAME, b"plain.bin", b"flagged")
    finally:
        workspace.db = type(workspace.db)(workspace.db.path, MIGRATIONS)  # reopen for teardown


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        pytest.param(b"empty.bin", b"", "empty.bin", id="zero-byte-file"),
        pytest.param(NON_UTF8, noise(2048, 21), "bad-\ufffd\ufffd-name.jpg", id="non-utf8-name"),
        pytest.param(LONG_NAME, noise(4096, 22), LONG_NAME.decode(), id="255-byte-name"),
    ],
)
def test_an_awkward_file_on_its_own(service, workspace, tmp_path, isolated_profile, name, data, shown):
    folder = os.path.join(os.fsencode(tmp_path), b"in")
    os.mkdir(folder)
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(data)

    summary = drive(service.import_paths([folder]))

    (result,) = summary.results
    assert (result.kind, result.outcome, result.new_item) == (ItemKind.FILE, IntakeOutcome.OK, True) and summary.ok
    assert_preserved(service, result, data)
    (item,) = service.list_items()
    (source,) = item.sources
    # The exact bytes of the name are kept (and the path as walked); only the display is lossy.
    assert (source.original_name, source.path) == (name, path)
    assert item.display_name == source.display_name == shown
    with workspace.db.read() as reader:
        assert reader["blobs"].count == 1
    assert workspace.verify_log().ok
    assert_no_plaintext(isolated_profile, name)  # with the database open: its WAL is looked at too


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null (a character device)")
def test_a_device_given_directly(service):
    summary = drive(service.import_paths(["/dev/null"]))
    (result,) = summary.results
    assert (result.kind, result.outcome) == (ItemKind.SPECIAL, IntakeOutcome.NOT_READ_SPECIAL)
    assert "character device" in result.detail and not summary.ok


def test_a_fifo_given_directly_does_not_block(service, tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (result,) = drive(service.import_paths([tmp_path / "pipe"])).results
    assert result.kind == ItemKind.SPECIAL


def until_importing(action):
    """An ``on_progress`` that runs ``action`` once, when scanning is over and before any file is opened."""
    done = []

    def on_progress(record):
        if not done and record.phase == ImportPhase.IMPORTING:
            action()
            done.append(True)

    return on_progress


def test_file_that_vanishes_between_scan_and_open(service, tmp_path):
    gone = write(tmp_path / "in" / "gone.bin", noise(100, 5))
    kept = write(tmp_path / "in" / "kept.bin", noise(100, 6))
    summary = drive(service.import_paths([tmp_path / "in"]), until_importing(gone.unlink))
    results = by_path(summary)
    assert (results[b"gone.bin"].kind, results[b"gone.bin"].outcome) == (
        ItemKind.UNREAD,
        IntakeOutcome.NOT_READ_VANISHED,
    )
    assert_preserved(service, results[b"kept.bin"], kept.read_bytes())


def test_file_replaced_by_a_fifo_or_a_link_between_scan_and_open(service, tmp_path):
    fifo = write(tmp_path / "in" / "becomes-fifo.bin", b"regular when scanned")
    link = write(tmp_path / "in" / "becomes-link.bin", b"regular when scanned")
    target = write(tmp_path / "secret.bin", noise(300, 7))

    def swap():
        fifo.unlink()
        os.mkfifo(fifo)
        link.unlink()
        link.symlink_to(target)

    results = by_path(drive(service.import_paths([tmp_path / "in"]), until_importing(swap)))
    assert results[b"becomes-fifo.bin"].kind == ItemKind.SPECIAL  # fstat of the descriptor, not the scan
    assert results[b"becomes-link.bin"].kind == ItemKind.LINK  # O_NOFOLLOW
    assert service.get(results[b"becomes-link.bin"].item_id).link_target == os.fsencode(target)


def test_file_modified_during_import(service, tmp_path):
    path = write(tmp_path / "in" / "growing.bin", noise(3 * 1024 * 1024, 8))
    appended = []

    def append_after_first_chunk(record):
        if not appended and record.phase == ImportPhase.IMPORTING and record.current == "growing.bin":
            with open(path, "ab") as handle:
                handle.write(noise(1000, 9))
            appended.append(True)

    summary = drive(service.import_paths([path]), append_after_first_chunk)
    (result,) = summary.results
    assert appended and result.outcome == IntakeOutcome.CHANGED_WHILE_READ
    assert "changed while it was read" in result.detail
    # What was read is what is preserved: here the reader reached the appended end too.
    assert_preserved(service, result, path.read_bytes())
    assert service.get(result.item_id).outcome == IntakeOutcome.CHANGED_WHILE_READ


def test_file_growing_past_the_size_limit(workspace, tmp_path):
    service = ItemService(workspace, limits=IntakeLimits(max_file_size=2 * 1024 * 1024))
    path = write(tmp_path / "in" / "grows.bin", noise(2 * 1024 * 1024, 10))
    grown = []

    def grow(record):
        if not grown and record.current == "grows.bin":
            with open(path, "ab") as handle:
                handle.write(noise(5000, 11))
            grown.append(True)

    (result,) = drive(service.import_paths([path]), grow).results
    assert result.outcome == IntakeOutcome.CHANGED_WHILE_READ and "size limit" in result.detail
    assert_preserved(service, result, path.read_bytes()[: 2 * 1024 * 1024])


def test_a_file_over_the_limit_is_not_read(workspace, tmp_path):
    service = ItemService(workspace, limits=IntakeLimits(max_file_size=1000))
    (result,) = drive(service.import_paths([write(tmp_path / "big.bin", noise(1001, 12))])).results
    assert result.outcome == IntakeOutcome.NOT_READ_TOO_LARGE and result.size == 1001


def unreadable_import(profile, path):
    """Import ``path`` in a process that cannot override file permissions; returns its JSON summary.

    As root, permission bits do not stop reads; dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    from the bounding set (setpriv) makes root obey them like any user.
    """
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile), "EVIDENCE_DESK_PASSPHRASE": PASSPHRASE}
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "desktop_app.cli", "import", "--json", str(path)],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # 1: some items had problems
    return json.loads(done.stdout)


def test_unreadable_file(paths, tmp_path, isolated_profile):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    workspace.close()
    locked = write(tmp_path / "in" / "locked.bin", noise(100, 13))
    readable = write(tmp_path / "in" / "fine.bin", noise(100, 14))
    locked.chmod(0)
    try:
        report = unreadable_import(isolated_profile, tmp_path / "in")
    finally:
        locked.chmod(0o644)
    outcomes = {os.path.basename(r["path"]): r["outcome"] for r in report["results"]}
    assert outcomes == {"locked.bin": "not-read-permission", "fine.bin": "ok"}
    workspace = Workspace.open(paths)
    try:
        workspace.unlock(PASSPHRASE)
        items = {item.display_name: item for item in ItemService(workspace).list_items()}
        assert items["locked.bin"].kind == ItemKind.UNREAD and items["locked.bin"].blob_id is None
        assert "Permission denied" in items["locked.bin"].outcome_detail
        assert ItemService(workspace).read_bytes(items["fine.bin"].item_id) == readable.read_bytes()
    finally:
        workspace.close()
