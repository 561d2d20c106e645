"""Child process for the submission crash test: submits (or resumes) one report until it is killed.

``python -m tests.integration.submission_crash_child PROFILE PASSPHRASE REPORT_ID URL USER PASSWORD``

It talks to a practice server the parent runs (so the server outlives this process), prints
``ready`` once the workspace is unlocked, then carries the report as far as it goes and prints its
final state. The parent kills it with SIGKILL at a random moment in between.
"""

import sys

from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import CancelToken
from desktop_app.core.services.workspace import Workspace
from tests.integration.submission_crash_harness import build_service


def main(profile: str, passphrase: str, report_id: str, url: str, user: str, password: str) -> None:
    workspace = Workspace.open(AppPaths.resolve(profile))
    workspace.unlock(passphrase)
    service = build_service(workspace, url, Credentials(user, password))
    print("ready", flush=True)
    state = service.status(report_id).state
    if state in (SubmissionState.DRAFT, SubmissionState.RETRACTED):
        steps = service.submit(report_id, Environment.PRACTICE, CancelToken())
    else:
        steps = service.resume(report_id, CancelToken())
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            print(f"done {stop.value.state}", flush=True)
            break
    workspace.close()


if __name__ == "__main__":
    main(*sys.argv[1:7])
