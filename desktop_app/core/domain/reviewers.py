"""The reviewers of a workspace, as the app and the CLI list them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reviewer:
    """One named reviewer with a passphrase of their own (a key slot); ``is_you`` for the unlocked one."""

    name: str
    slot: str
    is_you: bool = False
