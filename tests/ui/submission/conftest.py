"""Submission GUI fixtures: a real workspace, the real submission service, the practice server on loopback.

Nothing is mocked: the dialog drives ``SubmissionService`` on the worker bridge, which talks HTTP to a
``PracticeServer`` on 127.0.0.1; assertions read the server's own snapshot.
"""

import pytest
import shiboken6

from desktop_app.core.cybertipline.client import CallLimits
from desktop_app.core.cybertipline.endpoint import Credentials, CredentialStore
from desktop_app.core.domain.submission import Environment
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService, SubmissionSettings
from desktop_app.ui.submission.dialog import SubmissionDialog
from desktop_app.ui.submission.texts import SubmissionMode
from tests import service_fixtures
from tests.service_fixtures import QUICK_RETRIES

# Long enough for a loaded 2-core CI machine, short enough that a retry costs little.
LIMITS = SubmissionSettings(
    limits=CallLimits(connect=5.0, read=10.0, deadline=20.0, upload_min_rate=1024 * 1024),
    retry=QUICK_RETRIES,
    max_restarts=2,
)
SLOW_STEP_SECONDS = 1.5  # a delayed answer: long enough to act on the dialog mid-submission


# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items
reports = service_fixtures.reports
server = service_fixtures.server


@pytest.fixture
def keyring():
    return CredentialStore(MemorySecretStore())


@pytest.fixture
def submissions(workspace, reports, items, server, keyring):
    """The service; "production" points at the practice server too (its credentials in the fake keyring)."""
    keyring.save(server.url, Credentials(server.username, server.password))
    practice = PracticeEndpoint.attached(server.url, Credentials(server.username, server.password))
    return SubmissionService(
        workspace,
        reports,
        items,
        keyring,
        practice,
        endpoints={Environment.PRODUCTION: server.url},
        settings=LIMITS,
    )


@pytest.fixture
def open_dialog(qtbot, pool, submissions):
    """Open a submission dialog and wait until it is ready to send."""
    dialogs = []

    def open_(report_id, mode=SubmissionMode.SUBMIT, environment=Environment.PRACTICE, owned_by_test=False):
        dialog = SubmissionDialog(submissions, pool, report_id, mode, environment)
        if not owned_by_test:  # a test that deletes its dialog must not have pytest-qt close it again
            qtbot.addWidget(dialog)
        dialog.resize(900, 560)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.phase == "ready", timeout=10_000)
        dialogs.append(dialog)
        return dialog

    yield open_
    for dialog in dialogs:
        if shiboken6.isValid(dialog):  # a test may have deleted it
            dialog.reject()
    pool.wait_for_done(20_000)
