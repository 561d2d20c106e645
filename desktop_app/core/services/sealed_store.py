"""A ``SecretStore`` inside the workspace, for systems without an OS keyring (see storage.sealed_secrets).

Values open only while the workspace is unlocked; each write is one transaction. Nothing is logged
(the values are credentials): saving them is a setting of the connection, not an act on evidence.
"""

from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.sealed_secrets import delete_secret, read_secret, write_secret

KEYRING_STORE = "this computer's keyring"
WORKSPACE_STORE = "this workspace, sealed under its key (this computer has no OS keyring)"


class WorkspaceSecretStore:
    """Get, set and delete small strings sealed in the workspace database."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def get(self, name: str) -> str | None:
        """The stored value, or None."""
        with self._workspace.db.read() as reader:
            return read_secret(reader.conn, self._workspace.fields(), name)

    def set(self, name: str, value: str) -> None:
        """Store a value, replacing any previous one."""
        with self._workspace.db.write() as conn:
            write_secret(conn, self._workspace.fields(), name, value)

    def delete(self, name: str) -> None:
        """Forget a value (no error if absent)."""
        with self._workspace.db.write() as conn:
            delete_secret(conn, name)
