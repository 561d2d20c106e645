"""The recovery key slot's check at unlock: is the slot still the one the workspace wrote?

The slot (the master key wrapped under the recovery key) cannot be opened without the recovery
key, so it is checked in two ways that need only the master key or the log:

* a check value in ``workspace_meta`` (``recovery_slot_mac``): HMAC under a key only the master
  key yields, over the slot;
* the custody log: the SHA-256 of the slot is recorded by ``workspace.created``,
  ``key.recovery-key-replaced`` and, for a workspace from before that, ``key.recovery-slot-recorded``
  (written once, at the first unlock that finds the slot sound). The log is authenticated, so a slot
  damaged *and* stripped of its check value is still caught: the check value can be deleted, the
  record in the log cannot.

A workspace whose log has no record and whose check value is gone (made before either existed)
takes its slot as found, once, and records it: that first time, there is nothing to compare with.
"""

import hashlib
from dataclasses import dataclass

from desktop_app.core.crypto.aead import hkdf, mac

_CHECK_INFO = b"evidence-desk/v1/recovery-slot-check"
MISSING = "The recovery key slot is missing: the recovery key no longer opens this workspace."
DAMAGED = "The recovery key slot is damaged: the recovery key would not open this workspace."


def slot_mac(master: bytes, workspace_id: bytes, wrapped: bytes) -> bytes:
    """The slot's check value (``workspace_meta.recovery_slot_mac``)."""
    return mac(hkdf(master, workspace_id, _CHECK_INFO), b"recovery-slot/v1\x00" + wrapped)


def slot_digest(wrapped: bytes) -> str:
    """What the log records of the slot: its SHA-256, hex."""
    return hashlib.sha256(wrapped).hexdigest()


@dataclass(frozen=True)
class SlotCheck:
    """The outcome of ``check_slot``."""

    problem: str | None  # why the recovery key would not work, or None
    store_mac: bytes | None = None  # a check value to (re)store: the slot is vouched for
    record_digest: str | None = None  # a digest the log should record (it has none yet)


def check_slot(
    wrapped: bytes | None, stored_mac: bytes | None, logged_digest: str | None, master: bytes, workspace_id: bytes
) -> SlotCheck:
    """Check the slot against the log's record (when there is one) and the check value."""
    if wrapped is None:
        return SlotCheck(MISSING)
    expected = slot_mac(master, workspace_id, wrapped)
    if logged_digest is not None:
        if slot_digest(wrapped) != logged_digest:
            return SlotCheck(DAMAGED)
        return SlotCheck(None, expected if stored_mac != expected else None)
    if stored_mac is not None and stored_mac != expected:
        return SlotCheck(DAMAGED)
    return SlotCheck(None, expected if stored_mac is None else None, slot_digest(wrapped))
