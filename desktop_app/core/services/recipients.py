"""The recipients address book and the desk's own age key pair.

Each entry has a fingerprint a person can read over the phone (``fingerprint``): the first 80 bits
of SHA-256 of the public key, in five groups of four hex digits. Every change is a custody event.
The desk's key pair is made on first use; its secret leaves the workspace only through
``export_desk_secret``, which is logged.
"""

import hashlib

from desktop_app.core.bundles.layout import RecipientRole
from desktop_app.core.crypto.age.keys import X25519Identity, X25519Recipient
from desktop_app.core.domain.events import EventType
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.storage.bundle_recipients import RecipientStore
from desktop_app.core.storage.bundle_recipients import StoredRecipient as StoredRecipient


def fingerprint(public_key: str) -> str:
    """A short, speakable digest of an ``age1...`` key (checks it parses)."""
    raw = X25519Recipient.parse(public_key).public_key
    digest = hashlib.sha256(b"evidence-desk recipient fingerprint v1\x00" + raw).hexdigest()[:20]
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


class RecipientBook:
    """Address book of one unlocked workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    @property
    def _store(self) -> RecipientStore:
        return RecipientStore(self._workspace.fields())

    def add(self, name: str, role: RecipientRole, public_key: str, note: str = "") -> StoredRecipient:
        """Add a recipient (the key must be a valid ``age1...``)."""
        key = X25519Recipient.parse(public_key).text
        with self._workspace.db.write() as conn:
            entry = self._store.add(conn, name.strip(), str(role), key, note)
            data = {"name": entry.name, "role": entry.role, "fingerprint": fingerprint(key)}
            self._workspace.append_event(conn, EventType.RECIPIENT_ADDED, data, entry.recipient_id)
        return entry

    def remove(self, recipient_id: str) -> bool:
        """Remove an entry; whether it existed."""
        with self._workspace.db.write() as conn:
            removed = self._store.remove(conn, recipient_id)
            if removed:
                self._workspace.append_event(conn, EventType.RECIPIENT_REMOVED, {}, recipient_id)
        return removed

    def list(self) -> list[StoredRecipient]:
        """Every entry."""
        with self._workspace.db.read() as reader:
            return self._store.list(reader.conn)

    def has_desk_key(self) -> bool:
        """Whether the desk's key pair exists (reading never makes it)."""
        with self._workspace.db.read() as reader:
            return self._store.desk_secret(reader.conn) is not None

    def desk_recipient(self) -> X25519Recipient:
        """The desk's own public key, making the key pair on first use."""
        return self._desk_identity().recipient

    def _desk_identity(self) -> X25519Identity:
        with self._workspace.db.write() as conn:
            secret = self._store.desk_secret(conn)
            if secret is None:
                identity = X25519Identity.generate()
                self._store.save_desk_secret(conn, identity.text)
                data = {"public_key": identity.recipient.text}
                self._workspace.append_event(conn, EventType.DESK_KEY_CREATED, data, None)
                return identity
        return X25519Identity.parse(secret)

    def desk_identity_for_opening(self) -> X25519Identity:
        """The desk's identity, to open bundles sent to it (stays in memory)."""
        return self._desk_identity()

    def export_desk_secret(self, reason: str) -> str:
        """The desk's ``AGE-SECRET-KEY-1...`` text, on explicit request; logged with the reason."""
        identity = self._desk_identity()
        self._workspace.record(EventType.DESK_KEY_EXPORTED, {"reason": reason, "public_key": identity.recipient.text})
        return identity.text
