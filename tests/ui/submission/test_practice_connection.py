"""The connection dialog's Practice environment: no account, the built-in server started on demand."""

import pytest

from desktop_app.core.cybertipline.endpoint import TEST_URL
from desktop_app.core.domain.events import EventType
from desktop_app.core.domain.submission import Environment
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.settings import AppSettings
from desktop_app.ui.dialogs.cybertipline_dialog import PRACTICE, CyberTiplineDialog


@pytest.fixture
def practice():
    endpoint = PracticeEndpoint()
    yield endpoint
    endpoint.close()


def test_practice_needs_no_account_and_its_check_starts_the_built_in_server(
    qtbot, pool, paths, workspace, keyring, practice
):
    service = CyberTiplineService(workspace, keyring, TEST_URL)
    dialog = CyberTiplineDialog(service, AppSettings(), paths.settings_file, pool, practice=practice)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.band.environment is Environment.TEST  # the address in use, named and coloured

    dialog.endpoint_combo.setCurrentIndex(dialog.endpoint_combo.findData(PRACTICE))

    assert dialog.band.environment is Environment.PRACTICE
    assert not dialog.username_edit.isEnabled() and not dialog.password_edit.isEnabled()
    assert not practice.running  # nothing started by choosing it
    dialog.check_button.click()
    qtbot.waitUntil(dialog.check_button.isEnabled, timeout=20_000)
    assert practice.running
    assert dialog.result_label.text().startswith("Connected. The practice server says")
    checked = [e.event for e in workspace.events() if e.event.type == EventType.CYBERTIPLINE_CONNECTION_CHECKED]
    assert checked and checked[-1].data["endpoint"].startswith("http://127.0.0.1:")

    dialog.save_button.click()  # "Done": nothing to save
    assert not dialog.isVisible()
    assert keyring.load(practice.connection()[0]) is None  # its made-up credentials are never kept
    assert not paths.settings_file.exists()
    pool.wait_for_done(10_000)


def test_choosing_production_colours_the_band_as_a_warning(qtbot, pool, paths, workspace, keyring, practice):
    from desktop_app.core.cybertipline.endpoint import PRODUCTION_URL

    service = CyberTiplineService(workspace, keyring, TEST_URL)
    dialog = CyberTiplineDialog(service, AppSettings(), paths.settings_file, pool, practice=practice)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.endpoint_combo.setCurrentIndex(dialog.endpoint_combo.findData(PRODUCTION_URL))
    assert dialog.band.environment is Environment.PRODUCTION
    assert "PRODUCTION" in dialog.band.headline.text() and "cannot be amended" in dialog.band.meaning.text()
    assert dialog.username_edit.isEnabled()
