"""Child process for the crash test: appends events and stores blobs until it is killed.

Prints one line per action *after* its transaction committed (an acknowledgement):
``event <seq> <marker>`` or ``blob <blob_id> <sha256>``. Stored content carries a marker that the
parent looks for on disk: finding it anywhere would mean plaintext leaked.
"""

import os
import sys

from desktop_app.core.domain.events import EventType
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.workspace import Workspace

PLAINTEXT_MARKER = b"PLAINTEXT-MARKER-"


def main(profile: str, passphrase: str) -> None:
    workspace = Workspace.open(AppPaths.resolve(profile))
    workspace.unlock(passphrase)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        if n % 4 == 0:
            body = (PLAINTEXT_MARKER + str(n).encode() + b"-" + os.urandom(8).hex().encode()) * 5000
            chunks = [body[i : i + 70_000] for i in range(0, len(body), 70_000)]
            blob = run_to_completion(workspace.store_blob(chunks, len(body)))
            print(f"blob {blob.blob_id} {blob.sha256}", flush=True)
        elif n % 25 == 0:
            workspace.checkpoint()
            print("checkpoint", flush=True)
        else:
            marker = f"m{os.getpid()}-{n}"
            seq = workspace.record(EventType.SETTINGS_CHANGED, {"marker": marker})
            print(f"event {seq} {marker}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
