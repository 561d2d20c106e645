"""Run the command line as a user does: ``python -m desktop_app.cli`` in its own process.

One place for how a test starts the CLI (environment, no terminal, a time-out), so the tests of
every command group run it the same way. The passphrase goes in through the environment, as a
script would give it; ``passphrase=None`` runs without one.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import PASSPHRASE

TIMEOUT_S = 120


def run_cli(
    profile: Path | str | None,
    *args: Any,
    passphrase: str | None = PASSPHRASE,
    check_code: int | None = None,
    stdin: str | None = None,
    cwd: Path | str | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``evidence-desk ARGS`` on the workspace in ``profile`` (None: no profile named), its output as text.

    ``check_code``: assert the exit code (the output is shown if it differs); ``stdin``: text to
    type in (otherwise there is no terminal, as in a script).
    """
    env = {**os.environ}
    env.pop("EVIDENCE_DESK_PASSPHRASE", None)
    if profile is not None:
        env["EVIDENCE_DESK_PROFILE_DIR"] = str(profile)
    if passphrase is not None:
        env["EVIDENCE_DESK_PASSPHRASE"] = passphrase
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        timeout=TIMEOUT_S,
        cwd=cwd,
        preexec_fn=preexec_fn,
    )
    if check_code is not None:
        assert done.returncode == check_code, (done.stdout, done.stderr)
    return done
