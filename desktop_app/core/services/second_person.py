"""Second-person confirmation: a second passphrase-holder confirms destruction or a full-evidence export.

Optional (``AppSettings.second_person_confirmation``). The second person types their name and their
passphrase on the same machine; the act is then logged with both names: the reviewer as the
event's actor, the confirmer in its data (``confirmed_by``, and ``confirmed_with``: what the
passphrase was checked against).

Until a workspace has several reviewers with a key slot each, the only passphrase it can check is
the workspace's own (``Workspace.passphrase_matches``), and the confirmer is named as typed. The
check is behind ``ConfirmationCheck`` so that per-reviewer slots can replace it without touching
the dialogs or the services that use it: a slot check returns the slot's name instead of the typed
one.
"""

from dataclasses import dataclass
from typing import Protocol

from desktop_app.core.errors import EvidenceDeskError


class SecondPersonRefused(EvidenceDeskError):
    """The second person's confirmation failed: no name, or a passphrase that opens nothing."""

    code = "second-person-refused"


@dataclass(frozen=True)
class Confirmation:
    """Who confirmed, and what their passphrase was checked against."""

    name: str
    checked_with: str  # "workspace-passphrase" now; a reviewer slot's id later

    def to_json(self) -> dict[str, str]:
        """As logged in the confirmed act's event."""
        return {"confirmed_by": self.name, "confirmed_with": self.checked_with}


class PassphraseHolder(Protocol):
    """What can tell whether a passphrase opens it (the workspace)."""

    def passphrase_matches(self, passphrase: str) -> bool:
        """Whether ``passphrase`` opens the workspace's passphrase slot."""
        ...


class ConfirmationCheck(Protocol):
    """Checks a second person's name and passphrase; a ``Confirmation`` or ``SecondPersonRefused``."""

    def confirm(self, name: str, passphrase: str) -> Confirmation:
        """Check ``passphrase``; whom it confirms."""
        ...


class WorkspacePassphraseCheck:
    """Today's check: the workspace's one passphrase, the confirmer named as typed."""

    def __init__(self, workspace: PassphraseHolder) -> None:
        self._workspace = workspace

    def confirm(self, name: str, passphrase: str) -> Confirmation:
        """Refuse an empty name or a wrong passphrase with a message the second person can act on."""
        name = name.strip()
        if not name:
            raise SecondPersonRefused("The second person must give their name; it is kept in the custody log.")
        if not passphrase or not self._workspace.passphrase_matches(passphrase):
            raise SecondPersonRefused("That passphrase does not open this workspace. The second person types it again.")
        return Confirmation(name, "workspace-passphrase")
