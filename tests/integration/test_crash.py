import pytest

from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf
from tests.integration.crash_harness import run_cycles


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(paths, isolated_profile):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Crash Tester", fast_kdf())
    workspace.close()
    results = run_cycles(isolated_profile, PASSPHRASE, cycles=20, seed=2258)
    assert sum(r.acked_events for r in results) > 100  # the writer really was writing when killed
    assert sum(r.acked_blobs for r in results) > 10
