"""Submission fixtures: a real workspace, a practice server on loopback, short limits by parameter."""

import threading

import pytest

from desktop_app.core.cybertipline.client import CallLimits
from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.services.practice import PracticeEndpoint
from desktop_app.core.services.submission import SubmissionService, SubmissionSettings
from tests import service_fixtures
from tests.core.submission.helpers import credentials_of
from tests.service_fixtures import QUICK_RETRIES

# Short enough that a hang or a trickle costs about a second, long enough for a loaded CI machine
# to answer a healthy call.
FAST = SubmissionSettings(
    limits=CallLimits(connect=2.0, read=1.0, deadline=3.0, upload_min_rate=10 * 1024 * 1024),
    retry=QUICK_RETRIES,
    max_restarts=2,
)

# Fixtures shared with other folders (``tests/service_fixtures.py``), offered to this folder's tests.
items = service_fixtures.items
reports = service_fixtures.reports
server = service_fixtures.server


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def submissions(workspace, reports, items, server):
    practice = PracticeEndpoint.attached(server.url, credentials_of(server))
    return SubmissionService(
        workspace, reports, items, CredentialStore(MemorySecretStore()), practice, settings=FAST
    )
