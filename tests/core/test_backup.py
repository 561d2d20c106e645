"""Workspace backup taken while another thread imports, restored into a fresh profile."""

import os
import threading

import pytest

from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.crypto.age.errors import AgePayloadDamaged
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.errors import WorkspaceExists
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.backup import create_backup, restore_backup
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE


def _files(folder, count, prefix):
    folder.mkdir(parents=True, exist_ok=True)
    contents = {}
    for n in range(count):
        data = os.urandom(1000 + n * 997)
        (folder / f"{prefix}-{n:03d}.bin").write_bytes(data)
        contents[f"{prefix}-{n:03d}.bin"] = data
    return contents


def test_a_backup_taken_during_an_import_restores_byte_exact_and_usable(workspace, tmp_path):
    items = ItemService(workspace)
    contents = _files(tmp_path / "first", 5, "first")
    run_to_completion(items.import_paths([tmp_path / "first"]))
    contents |= _files(tmp_path / "busy", 40, "busy")
    key = X25519Identity.generate()
    out = tmp_path / "workspace-backup.age"

    failures = []

    def import_meanwhile():
        try:
            run_to_completion(items.import_paths([tmp_path / "busy"]))
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    importer = threading.Thread(target=import_meanwhile)
    importer.start()
    result = run_to_completion(create_backup(workspace, [key.recipient], out))
    importer.join()
    assert not failures
    assert result.blobs >= 5

    fresh = AppPaths.resolve(tmp_path / "fresh-profile")
    restored = run_to_completion(restore_backup(fresh, out, [key]))
    assert restored.workspace_id == workspace.workspace_id.hex()
    again = Workspace.open(fresh)
    try:
        verification = again.unlock(PASSPHRASE)
        assert verification.ok, verification.problem
        assert again.verify_log().ok
        restored_items = ItemService(again)
        listed = restored_items.list_items()
        assert len(listed) >= 5
        for item in listed:
            assert restored_items.read_bytes(item.item_id) == contents[item.display_name]
        extra = _files(tmp_path / "after", 1, "after")
        run_to_completion(restored_items.import_paths([tmp_path / "after"]))
        assert any(i.display_name == next(iter(extra)) for i in restored_items.list_items())
        assert again.verify_log().ok
    finally:
        again.close()


def test_restore_refuses_a_profile_that_has_a_workspace(workspace, paths, tmp_path):
    key = X25519Identity.generate()
    out = tmp_path / "b.age"
    run_to_completion(create_backup(workspace, [key.recipient], out))
    with pytest.raises(WorkspaceExists):
        run_to_completion(restore_backup(paths, out, [key]))


def test_a_damaged_backup_restores_nothing(workspace, tmp_path):
    _files(tmp_path / "x", 3, "x")
    run_to_completion(ItemService(workspace).import_paths([tmp_path / "x"]))
    key = X25519Identity.generate()
    out = tmp_path / "b.age"
    run_to_completion(create_backup(workspace, [key.recipient], out))
    data = bytearray(out.read_bytes())
    data[-40] ^= 1
    out.write_bytes(bytes(data))
    fresh = AppPaths.resolve(tmp_path / "fresh")
    with pytest.raises((AgePayloadDamaged, BundleMalformed)):
        run_to_completion(restore_backup(fresh, out, [key]))
    assert not Workspace.exists(fresh)
    assert [p for p in fresh.workspace.rglob("*") if p.is_file()] == []


def test_a_backup_cut_at_the_chunk_before_its_final_one_restores_nothing(workspace, tmp_path):
    """The tar ends before a 1 MiB read boundary and its zero padding runs past it: the restore must
    still read to the age payload's end, so a backup without its final chunk is refused (as ``age -d``
    refuses it)."""
    import io
    import tarfile

    from desktop_app.core.crypto.age.file import encrypt_chunks, open_age

    _files(tmp_path / "x", 3, "x")
    run_to_completion(ItemService(workspace).import_paths([tmp_path / "x"]))
    key = X25519Identity.generate()
    out = tmp_path / "b.age"
    run_to_completion(create_backup(workspace, [key.recipient], out))
    plaintext = b"".join(open_age(io.BytesIO(out.read_bytes()), [key]).chunks())
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        body = max(m.offset_data + -(-m.size // 512) * 512 for m in tar.getmembers())
    mib = 1024 * 1024
    padded = plaintext[:body] + bytes(-(-(body + 1024) // mib) * mib + 6144 - body)  # 10 KiB records
    sealed = b"".join(encrypt_chunks([padded], [key.recipient]))
    out.write_bytes(sealed[: len(sealed) - (6144 + 16)])  # the final chunk: padding zeros only
    fresh = AppPaths.resolve(tmp_path / "fresh")
    with pytest.raises(AgePayloadDamaged):
        run_to_completion(restore_backup(fresh, out, [key]))
    assert not Workspace.exists(fresh)
    assert [p for p in fresh.workspace.rglob("*") if p.is_file()] == []
