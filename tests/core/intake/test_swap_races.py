"""Issue 15, finding 7: a folder swapped between the walk and the read, performed deterministically.

``O_NOFOLLOW`` guards only the last component of a path. The attack replaces a folder the walk
already listed with a link to (or a rename of) another folder holding a file of the same name:
the old code then read that other file as if it were the one found. The swap is done at the exact
moment between the two phases, from the import's own progress callback.
"""

import hashlib
import os

import pytest

from desktop_app.core.domain.items import IntakeOutcome, ItemKind
from desktop_app.core.intake.summary import ImportPhase
from tests.core.intake.conftest import assert_no_plaintext, drive, noise


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "drop"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "evidence.bin").write_bytes(noise(4096, 71))
    other = tmp_path / "other-case"
    other.mkdir()
    secret = noise(4096, 72)
    (other / "evidence.bin").write_bytes(secret)  # same name, someone else's file
    return root, other, secret


def swap(folder, replacement, how):
    os.rename(folder, folder.with_name(folder.name + ".moved-away"))
    if how == "link":
        folder.symlink_to(replacement, target_is_directory=True)
    else:
        os.rename(replacement, folder)


def swap_when(phase, folder, replacement, how):
    done = []

    def on_progress(record):
        if not done and getattr(record, "phase", None) == phase:
            swap(folder, replacement, how)
            done.append(True)

    return on_progress, done


@pytest.mark.parametrize("how", ["link", "rename"])
def test_a_folder_swapped_between_walk_and_read_is_not_followed(service, tree, isolated_profile, how):
    root, other, secret = tree
    on_progress, done = swap_when(ImportPhase.IMPORTING, root / "sub", other, how)
    summary = drive(service.import_paths([root]), on_progress)
    assert done, "the swap must have happened between the walk and the read"
    (result,) = summary.results
    assert result.outcome == IntakeOutcome.NOT_READ_REPLACED, result
    assert result.digests is None and "replaced" in result.detail
    assert hashlib.sha256(secret).hexdigest() not in {i.digests.sha256 for i in service.list_items() if i.digests}
    assert_no_plaintext(isolated_profile, secret[:64])


@pytest.mark.parametrize("how", ["link", "rename"])
def test_a_folder_swapped_during_the_walk_is_not_listed(service, tmp_path, isolated_profile, how):
    root = tmp_path / "drop"
    (root / "a").mkdir(parents=True)  # the only entry: the walk reports progress right after listing root
    (root / "a" / "x.bin").write_bytes(noise(3000, 73))
    other = tmp_path / "other-case"
    other.mkdir()
    secret = noise(3000, 74)
    (other / "x.bin").write_bytes(secret)
    on_progress, done = swap_when(ImportPhase.SCANNING, root / "a", other, how)
    summary = drive(service.import_paths([root]), on_progress)
    assert done, "the swap must have happened after the root was listed and before its folder was"
    (result,) = summary.results
    assert result.path == os.fsencode(root / "a")
    if how == "link":
        assert result.kind == ItemKind.LINK and result.outcome == IntakeOutcome.NOT_READ_LINK
    else:
        assert result.outcome == IntakeOutcome.NOT_READ_REPLACED
    assert_no_plaintext(isolated_profile, secret[:64])
    assert all(i.digests is None for i in service.list_items())


def test_an_untouched_tree_still_imports_every_file(service, tree):
    root, _, _ = tree
    summary = drive(service.import_paths([root]))
    (result,) = summary.results
    assert result.outcome == IntakeOutcome.OK and result.new_item
