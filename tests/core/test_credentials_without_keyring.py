"""No OS keyring: NCMEC credentials are sealed in the workspace, survive a lock, and are used."""

import sqlite3
from contextlib import closing

import pytest

from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.errors import WorkspaceLocked
from desktop_app.core.services.sealed_store import WORKSPACE_STORE
from desktop_app.core.services.wiring import build_services
from desktop_app.core.services.workspace import DATABASE_NAME
from desktop_app.core.settings import AppSettings
from tests.conftest import PASSPHRASE
from tests.cybertipline_emulator import PASSWORD, USERNAME


def test_credentials_are_sealed_in_the_workspace_and_used(workspace, cybertipline_emulator):
    settings = AppSettings(cybertipline_endpoint=cybertipline_emulator.url)
    wired = build_services(workspace, settings, None)  # None: this system has no OS keyring
    try:
        store = wired.cybertipline.credentials
        assert store.available and store.where == WORKSPACE_STORE
        store.save(cybertipline_emulator.url, Credentials(USERNAME, PASSWORD))
    finally:
        wired.close()
    with closing(sqlite3.connect(workspace.paths.workspace / DATABASE_NAME)) as conn:
        everything = b"".join(bytes(row[0]) for row in conn.execute("SELECT value FROM workspace_meta"))
    assert PASSWORD.encode() not in everything and USERNAME.encode() not in everything

    workspace.lock()
    with pytest.raises(WorkspaceLocked):
        build_services(workspace, settings, None).cybertipline.credentials.load(cybertipline_emulator.url)
    workspace.unlock(PASSPHRASE)
    wired = build_services(workspace, settings, None)
    try:
        assert wired.cybertipline.credentials.load(cybertipline_emulator.url) == Credentials(USERNAME, PASSWORD)
        answer = wired.cybertipline.check_connection()  # the emulator refuses wrong credentials
        assert answer.http_status == 200 and answer.response_code == 0
    finally:
        wired.close()
