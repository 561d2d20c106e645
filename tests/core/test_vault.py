import os

import pytest

from desktop_app.core.crypto.stream import CHUNK_SIZE, encrypted_size
from desktop_app.core.errors import BlobIntegrityError, BlobMissing, OperationCancelled
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.storage import vault_sweep
from desktop_app.core.storage.schema import MIGRATIONS

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * 1024 * 1024 + 3]


def content(size: int, seed: int = 0) -> bytes:
    rotated = bytes(range(seed % 251, 256)) + bytes(range(seed % 251))
    return rotated * (size // 256) + bytes([97 + seed % 26]) * (size % 256)


def pieces(data: bytes, step: int = 50_000):
    return [data[i : i + step] for i in range(0, len(data), step)]


def store(workspace, data: bytes):
    return run_to_completion(workspace.store_blob(pieces(data), len(data)))


def files_in(workspace):
    return sorted(p.name for p in workspace.blob_dir.iterdir())


@pytest.mark.parametrize("size", SIZES)
def test_round_trip(workspace, size):
    data = content(size)
    blob = store(workspace, data)
    assert blob.created and blob.size == size
    vault = workspace.vault()
    assert vault.read_bytes(blob.blob_id) == data
    assert b"".join(vault.iter_plaintext(blob.blob_id)) == data
    on_disk = (workspace.blob_dir / blob.blob_id).read_bytes()
    assert len(on_disk) == encrypted_size(size)
    if size >= 16:
        assert data[:16] not in on_disk  # no plaintext at rest
    assert vault.metadata(blob.blob_id)["sha256"] == blob.sha256


def test_names_on_disk_are_random_and_no_temp_files_remain(workspace):
    blob = store(workspace, content(1000))
    assert files_in(workspace) == [blob.blob_id]
    assert blob.sha256 not in blob.blob_id


def test_identical_content_is_stored_once(workspace):
    first, second = store(workspace, content(5000)), store(workspace, content(5000))
    assert second.blob_id == first.blob_id and not second.created
    assert files_in(workspace) == [first.blob_id]


@pytest.mark.parametrize("damage", ["flip", "truncate", "swap-chunks", "truncate-at-chunk"])
def test_damaged_blob_is_an_error_and_yields_nothing(workspace, damage):
    blob = store(workspace, content(3 * CHUNK_SIZE + 10))
    path = workspace.blob_dir / blob.blob_id
    raw = bytearray(path.read_bytes())
    block = CHUNK_SIZE + 16
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x04
    elif damage == "truncate":
        del raw[-100:]
    elif damage == "truncate-at-chunk":
        del raw[16 + 2 * block :]
    else:
        a, b = raw[16 : 16 + block], raw[16 + block : 16 + 2 * block]
        raw[16 : 16 + 2 * block] = b + a
    path.write_bytes(bytes(raw))
    before = files_in(workspace)
    with pytest.raises(BlobIntegrityError):
        workspace.vault().read_bytes(blob.blob_id)
    assert files_in(workspace) == before  # reading never writes plaintext anywhere


def test_cancelled_store_leaves_nothing(workspace):
    token = CancelToken()
    gen = workspace.store_blob(pieces(content(1_000_000), 10_000), 1_000_000, token)
    next(gen)
    token.cancel()
    with pytest.raises(OperationCancelled):
        run_to_completion(gen)
    assert files_in(workspace) == []
    with workspace.db.read() as reader:
        assert reader["blobs"].count == 0


def test_failure_inside_the_transaction_leaves_no_blob(workspace, monkeypatch):
    def explode(*_):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(workspace.custody, "append", explode)
        store(workspace, content(2000))
    assert files_in(workspace) == []


def test_destroy_is_a_cryptographic_erase(workspace):
    data = content(4000, seed=7)
    blob = store(workspace, data)
    with workspace.db.read() as reader:
        wrapped = next(reader.query("SELECT wrapped_key FROM blobs"))["wrapped_key"]
    workspace.destroy_blob(blob.blob_id, "law-enforcement request")
    assert files_in(workspace) == []
    with pytest.raises(BlobMissing):
        workspace.vault().read_bytes(blob.blob_id)
    workspace.db.close()  # flush everything, then look at the raw file
    raw = b"".join(p.read_bytes() for p in workspace.paths.workspace.glob("workspace.db*"))
    assert wrapped not in raw
    workspace.db = type(workspace.db)(workspace.db.path, MIGRATIONS)  # reopen for teardown


def test_sweep_removes_leftovers_and_reports_missing_blobs(workspace):
    kept, gone = store(workspace, content(100, 1)), store(workspace, content(100, 2))
    (workspace.blob_dir / "tmp-deadbeef").write_bytes(b"half written")
    (workspace.blob_dir / ("0" * 32)).write_bytes(os.urandom(64))
    (workspace.blob_dir / gone.blob_id).unlink()
    report = vault_sweep.sweep(workspace.blob_dir, workspace.db)
    assert (report.removed_temp_files, report.unreferenced_blobs) == (1, ["0" * 32])
    assert report.missing_blobs == [gone.blob_id]
    assert files_in(workspace) == [kept.blob_id]
    assert (vault_sweep.quarantine_dir(workspace.blob_dir) / ("0" * 32)).exists()  # moved aside, not deleted
    with pytest.raises(BlobMissing):
        workspace.vault().read_bytes(gone.blob_id)


def _trusting(workspace, blob):
    """Read as the export does: the item's SHA-256 checked against the record, no second hash."""
    return b"".join(workspace.vault().iter_plaintext(blob.blob_id, blob.sha256, rehash=False))


@pytest.mark.parametrize("damage", ["flip", "truncate-at-chunk", "swap-chunks", "other-blob-file", "other-blob-key"])
def test_reading_without_rehash_still_refuses_anything_but_the_recorded_content(workspace, damage):
    """What makes the export's skipped re-hash safe: without the keys, nothing else authenticates."""
    blob = store(workspace, content(3 * CHUNK_SIZE + 10))
    other = store(workspace, content(3 * CHUNK_SIZE + 10, seed=7))  # same size: the sweep sees nothing odd
    assert _trusting(workspace, blob) == content(3 * CHUNK_SIZE + 10)
    path, block = workspace.blob_dir / blob.blob_id, CHUNK_SIZE + 16
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x04
    elif damage == "truncate-at-chunk":
        del raw[16 + 2 * block :]
    elif damage == "swap-chunks":
        raw[16 : 16 + 2 * block] = raw[16 + block : 16 + 2 * block] + raw[16 : 16 + block]
    elif damage == "other-blob-file":
        raw = bytearray((workspace.blob_dir / other.blob_id).read_bytes())
    if damage == "other-blob-key":  # the other blob's wrapped key (and its file) under this record
        with workspace.db.write() as conn:
            (wrapped,) = conn.execute("SELECT wrapped_key FROM blobs WHERE blob_id = ?", (other.blob_id,)).fetchone()
            conn.execute("UPDATE blobs SET wrapped_key = ? WHERE blob_id = ?", (wrapped, blob.blob_id))
        raw = bytearray((workspace.blob_dir / other.blob_id).read_bytes())
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobIntegrityError):
        _trusting(workspace, blob)


def test_reading_without_rehash_checks_the_items_digest_before_a_byte_and_needs_it(workspace):
    blob, other = store(workspace, content(1000)), store(workspace, content(1000, seed=3))
    chunks = workspace.vault().iter_plaintext(blob.blob_id, other.sha256, rehash=False)  # a relinked item
    with pytest.raises(BlobIntegrityError, match="not the content its item recorded"):
        next(chunks)
    with pytest.raises(ValueError):
        next(workspace.vault().iter_plaintext(blob.blob_id, None, rehash=False))


def test_a_duplicate_is_not_linked_to_a_blob_whose_index_was_moved_to_it(workspace):
    """An outsider swaps two blobs' ``sha256_index`` (no key needed to move a value): storing one's
    content again must not be deduplicated onto the other blob, whose content differs."""
    first, second = store(workspace, content(5000)), store(workspace, content(5000, seed=9))
    with workspace.db.write() as conn:
        rows = dict(conn.execute("SELECT blob_id, sha256_index FROM blobs").fetchall())
        conn.execute("UPDATE blobs SET sha256_index = x'00' WHERE blob_id = ?", (first.blob_id,))  # it is UNIQUE
        conn.execute("UPDATE blobs SET sha256_index = ? WHERE blob_id = ?", (rows[first.blob_id], second.blob_id))
        conn.execute("UPDATE blobs SET sha256_index = ? WHERE blob_id = ?", (rows[second.blob_id], first.blob_id))
    with pytest.raises(BlobIntegrityError, match="altered"):
        store(workspace, content(5000))
    assert files_in(workspace) == sorted([first.blob_id, second.blob_id])  # the sealed copy was deleted
