"""The release smoke test (packaging/smoke_test.py) and the app's ``--smoke-test`` hook, run from source.

The same checks run against the frozen build in ``./dev package`` (CI runs it after this suite).
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import app as app_module
from desktop_app.core.platform.paths import PROFILE_ENV
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui import smoke

ROOT = Path(__file__).resolve().parents[2]


def _runner():
    spec = importlib.util.spec_from_file_location("smoke_test", ROOT / "packaging" / "smoke_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_smoke_test_passes_from_source():
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke_test.py"), "--source"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke-test: custody log verified" in done.stdout
    assert "digests match hashlib" in done.stdout


def test_the_runner_fails_a_program_that_prints_a_traceback(tmp_path):
    runner = _runner()
    liar = [sys.executable, "-c", "import sys; print('Traceback (most recent call last):', file=sys.stderr)"]
    result = runner.Result()
    runner.check_gui(runner.Programs(liar, liar, "a liar"), tmp_path, runner.isolated_env(tmp_path / "home"), result)
    assert any("Traceback" in failure for failure in result.failures)
    assert any("smoke test failed" in failure for failure in result.failures)  # it never said "passed"


def test_the_hook_refuses_without_an_explicit_profile(monkeypatch, capsys):
    monkeypatch.delenv(PROFILE_ENV)
    assert app_module.main(["--smoke-test"]) == smoke.EXIT_FAILED
    assert "--profile-dir" in capsys.readouterr().err


def test_the_hook_refuses_a_profile_that_holds_a_workspace(workspace, paths, isolated_profile, capsys):
    assert app_module.main(["--smoke-test", "--profile-dir", str(isolated_profile)]) == smoke.EXIT_FAILED
    assert "already holds a workspace" in capsys.readouterr().err
    assert Workspace.exists(paths) and workspace.is_unlocked  # untouched
