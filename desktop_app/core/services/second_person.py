"""Second-person confirmation: another reviewer confirms destruction or a full-evidence export.

Optional (``AppSettings.second_person_confirmation``). The second person types their name and
their own passphrase on the same machine; it must open that reviewer's key slot (each reviewer has
one, ``docs/vault-format.md``) and must not be the reviewer who is acting. The act is then logged
with both names: the acting reviewer as the event's actor, the confirmer in its data
(``confirmed_by``, as their slot names them, and ``confirmed_with``: ``"reviewer-slot"``).
"""

from dataclasses import dataclass
from typing import Protocol

from desktop_app.core.errors import EvidenceDeskError, WrongPassphrase


class SecondPersonRefused(EvidenceDeskError):
    """The second person's confirmation failed: no name, or a passphrase that opens nothing."""

    code = "second-person-refused"


@dataclass(frozen=True)
class Confirmation:
    """Who confirmed, and what their passphrase was checked against."""

    name: str
    checked_with: str  # "reviewer-slot": the passphrase opened the confirmer's own key slot

    def to_json(self) -> dict[str, str]:
        """As logged in the confirmed act's event."""
        return {"confirmed_by": self.name, "confirmed_with": self.checked_with}


class ReviewerDirectory(Protocol):
    """What can say whose slot a passphrase opens, and who is acting (the workspace)."""

    @property
    def reviewer(self) -> str:
        """The unlocked reviewer."""
        ...

    def reviewer_for(self, passphrase: str, name: str | None = None) -> str:
        """The reviewer whose slot ``passphrase`` opens (``name``'s); ``WrongPassphrase`` if none."""
        ...


class ConfirmationCheck(Protocol):
    """Checks a second person's name and passphrase; a ``Confirmation`` or ``SecondPersonRefused``."""

    def confirm(self, name: str, passphrase: str) -> Confirmation:
        """Check ``passphrase``; whom it confirms."""
        ...


class SecondReviewerCheck:
    """The second person is another reviewer of the workspace, proved by their own passphrase."""

    def __init__(self, workspace: ReviewerDirectory) -> None:
        self._workspace = workspace

    def confirm(self, name: str, passphrase: str) -> Confirmation:
        """Refuse an empty name, a passphrase that is not that reviewer's, or the acting reviewer themself."""
        name = name.strip()
        if not name:
            raise SecondPersonRefused("The second person must give their name; it is kept in the custody log.")
        try:
            confirmer = self._workspace.reviewer_for(passphrase, name) if passphrase else None
        except WrongPassphrase:
            confirmer = None
        if confirmer is None:
            raise SecondPersonRefused(
                f"That passphrase does not open {name}'s key slot. The second person checks their name "
                "(Workspace > Reviewers lists them) and types their passphrase again."
            )
        if confirmer.casefold() == self._workspace.reviewer.casefold():
            raise SecondPersonRefused(
                "The second person must be another reviewer, not the one acting. Add them under "
                "Workspace > Reviewers if they have no passphrase of their own yet."
            )
        return Confirmation(confirmer, "reviewer-slot")
