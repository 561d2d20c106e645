"""Issue 15, finding 6: a manifest must not reach files outside its folder unless the reviewer says so.

The attack: a platform export (or anyone who can write the manifest) lists ``../`` and absolute
paths, and the import reads whatever they name — another case's evidence, the reviewer's keys —
into this workspace as if the platform had flagged it.
"""

import hashlib
import os

import pytest

from tests.core.intake.conftest import drive, noise

OUTSIDE = "path-outside-manifest-folder"


@pytest.fixture
def layout(tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "private.bin").write_bytes(noise(2000, 61))
    drop = tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    (drop / "sub" / "flagged.bin").write_bytes(noise(1500, 62))
    (drop / "escape").symlink_to(secret)  # a folder link inside the manifest's folder
    return drop, secret


def write_manifest(drop, *paths):
    manifest = drop / "manifest.csv"
    manifest.write_text("path,username\n" + "".join(f"{p},someone\n" for p in paths))
    return manifest


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def imported_hashes(service):
    return {item.digests.sha256 for item in service.list_items() if item.digests}


def test_rows_reaching_outside_the_manifest_folder_are_refused(service, layout):
    drop, secret = layout
    private = secret / "private.bin"
    manifest = write_manifest(
        drop,
        "sub/flagged.bin",
        "../elsewhere/private.bin",
        str(private),
        "escape/private.bin",
        "sub/../../elsewhere/private.bin",
    )
    summary = drive(service.import_paths([], manifest))
    refused = {finding.row: finding for finding in summary.findings}
    assert sorted(refused) == [3, 4, 5, 6]
    assert {finding.code for finding in refused.values()} == {OUTSIDE}
    assert all("--allow-outside" in finding.message for finding in refused.values())
    assert imported_hashes(service) == {sha(drop / "sub" / "flagged.bin")}
    assert not summary.ok


def test_a_confirmed_outside_path_is_imported(service, layout):
    drop, secret = layout
    private = secret / "private.bin"
    manifest = write_manifest(drop, "../elsewhere/private.bin")
    summary = drive(service.import_paths([], manifest, allow_outside=[private]))
    assert not summary.findings
    assert sha(private) in imported_hashes(service)


def test_a_confirmed_folder_allows_the_files_below_it(service, layout):
    drop, secret = layout
    manifest = write_manifest(drop, str(secret / "private.bin"))
    summary = drive(service.import_paths([], manifest, allow_outside=[secret]))
    assert not summary.findings and summary.items_added == 1


def test_rows_inside_a_folder_being_imported_are_allowed(service, layout):
    drop, secret = layout
    manifest = write_manifest(drop, "../elsewhere/private.bin")
    summary = drive(service.import_paths([secret], manifest))
    assert not summary.findings
    (result,) = summary.results
    assert result.digests.sha256 == sha(secret / "private.bin") and result.new_item


def test_containment_resolves_folder_links_but_not_lookalike_prefixes(tmp_path):
    from desktop_app.core.intake.manifest import is_within

    root = tmp_path / "case"
    root.mkdir()
    (tmp_path / "case-other").mkdir()
    (root / "link").symlink_to(tmp_path / "case-other")
    b = os.fsencode
    assert is_within(b(str(root / "a.bin")), [b(str(root))])
    assert not is_within(b(str(tmp_path / "case-other" / "a.bin")), [b(str(root))])
    assert not is_within(b(str(root / "link" / "a.bin")), [b(str(root))])
    assert is_within(b(str(root / "last-link")), [b(str(root))])  # a link as last part is recorded, not followed
