"""Issue 15, finding 8: the profile is the reviewer's alone, whatever the umask says.

The attack: another local account reads the workspace because the umask (022 here) left the
database, its WAL, the blobs, the anchor, the settings and the log world-readable.
"""

import logging
import os
import stat
import sys

import pytest

from desktop_app.core.platform.logging_setup import configure_logging
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from tests.conftest import PASSPHRASE, fast_kdf
from tests.core.intake.conftest import drive

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(root):
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            found[os.path.relpath(path, root)] = (stat.S_ISDIR(info.st_mode), stat.S_IMODE(info.st_mode))
    return found


@pytest.mark.expect_log_warnings(r"^tests\.permissions: a line in the log file$")  # writes the log file
def test_every_profile_file_is_owner_only_under_a_permissive_umask(tmp_path, open_umask):
    profile = tmp_path / "fresh-profile"
    paths = AppPaths.resolve(profile)
    evidence = tmp_path / "evidence.bin"
    evidence.write_bytes(os.urandom(5000))
    setup = configure_logging(paths.logs)
    try:
        logging.getLogger("tests.permissions").warning("a line in the log file")
        workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
        try:
            drive(ItemService(workspace).import_paths([evidence]))
            workspace.checkpoint()
            AppSettings().save(paths.settings_file)
            db = workspace.db.path
            assert os.path.exists(f"{db}-wal"), "the test should see the WAL file while the workspace is open"
            found = modes(profile)
        finally:
            workspace.close()
    finally:
        setup.close()
    kinds = {name.split(os.sep)[-1] for name in found}
    assert {"settings.json", "evidence-desk.log"} <= kinds
    assert {f"{os.path.basename(db)}-wal", f"{os.path.basename(db)}-shm"} <= kinds
    assert any(name.endswith(".anchor") for name in kinds)
    assert any(os.sep + "blobs" + os.sep in os.sep + name for name in found)
    loose = {name: oct(mode) for name, (is_dir, mode) in found.items() if mode != (0o700 if is_dir else 0o600)}
    assert not loose, f"readable by others: {loose}"


def test_an_older_profile_is_tightened_when_the_workspace_opens(tmp_path, paths, open_umask):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Reviewer", fast_kdf())
    database = workspace.db.path
    workspace.close()
    for folder in (paths.data, paths.workspace, paths.anchors, paths.config):
        os.chmod(folder, 0o755)
    os.chmod(database, 0o644)
    Workspace.open(paths).close()
    for folder in (paths.data, paths.workspace, paths.anchors, paths.config):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600


def test_the_windows_acl_command_grants_the_user_alone_and_drops_inherited_entries(tmp_path):
    from desktop_app.core.platform.files import windows_owner_only_acl_command

    command = windows_owner_only_acl_command(tmp_path, "DESK\\reviewer")
    assert command[:2] == ["icacls", str(tmp_path)]
    assert "/inheritance:r" in command and "DESK\\reviewer:(OI)(CI)F" in command
