"""The OS keyring behind a tiny interface: the only place secrets (and witnesses) are kept.

There is no plaintext fallback: where no keyring backend exists (a headless server, say),
``system_secret_store()`` returns None and callers do without, saying so. Tests use
``MemorySecretStore``.
"""

import contextlib
import logging
from typing import Protocol

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "Evidence Desk"
_log = logging.getLogger(__name__)


class SecretStore(Protocol):
    """Get, set and delete small strings by name."""

    def get(self, name: str) -> str | None:
        """The stored value, or None."""

    def set(self, name: str, value: str) -> None:
        """Store a value, replacing any previous one."""

    def delete(self, name: str) -> None:
        """Forget a value (no error if absent)."""


class KeyringSecretStore:
    """The platform keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""

    def get(self, name: str) -> str | None:
        """The stored value, or None."""
        try:
            value: str | None = keyring.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:  # a locked or broken keyring must not stop the app
            _log.warning("Could not read %s from the OS keyring: %s", name, exc)
            return None
        return value

    def set(self, name: str, value: str) -> None:
        """Store a value, replacing any previous one."""
        try:
            keyring.set_password(SERVICE, name, value)
        except keyring.errors.KeyringError as exc:
            _log.warning("Could not store %s in the OS keyring: %s", name, exc)

    def delete(self, name: str) -> None:
        """Forget a value (no error if absent)."""
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name)


class MemorySecretStore:
    """An in-process store for tests."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        """The stored value, or None."""
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        """Store a value, replacing any previous one."""
        self.values[name] = value

    def delete(self, name: str) -> None:
        """Forget a value (no error if absent)."""
        self.values.pop(name, None)


def system_secret_store() -> SecretStore | None:
    """The OS keyring, or None when this system has no usable backend."""
    if isinstance(keyring.get_keyring(), fail.Keyring):
        # Logged, not printed: the CLI tells the user once per profile (``cli.common.secret_store``).
        _log.info("No OS keyring available: the checkpoint witness copy is not kept on this system.")
        return None
    return KeyringSecretStore()
