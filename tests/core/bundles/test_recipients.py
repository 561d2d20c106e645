"""The address book and the desk's key pair: sealed at rest, logged, and usable as age keys."""

import io
import sqlite3

import pytest

from desktop_app.core.bundles.layout import RecipientRole
from desktop_app.core.crypto.age.errors import AgeKeyInvalid
from desktop_app.core.crypto.age.file import encrypt_chunks, open_age
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.domain.events import EventType
from desktop_app.core.services.recipients import RecipientBook, fingerprint


def test_entries_are_sealed_listed_fingerprinted_and_logged(workspace):
    book = RecipientBook(workspace)
    key = X25519Identity.generate().recipient.text
    entry = book.add("Det. Example, ICAC", RecipientRole.LAW_ENFORCEMENT, key, "desk phone 555-0100")
    assert [e.name for e in book.list()] == ["Det. Example, ICAC"]
    assert len(fingerprint(key).split()) == 5 and fingerprint(key) == fingerprint(key)
    with sqlite3.connect(workspace.db.path) as raw:
        stored = raw.execute("SELECT sealed FROM bundle_recipients").fetchone()[0]
    assert b"ICAC" not in stored and b"555-0100" not in stored
    assert book.remove(entry.recipient_id) and book.list() == []
    kinds = [e.event.type for e in workspace.events()]
    assert EventType.RECIPIENT_ADDED in kinds and EventType.RECIPIENT_REMOVED in kinds


def test_a_malformed_key_is_refused(workspace):
    with pytest.raises(AgeKeyInvalid):
        RecipientBook(workspace).add("Someone", RecipientRole.OTHER, "age1notakey")


def test_the_desk_key_pair_is_made_once_sealed_and_opens_what_is_sent_to_it(workspace):
    book = RecipientBook(workspace)
    public = book.desk_recipient()
    assert book.desk_recipient() == public
    sealed = b"".join(encrypt_chunks([b"to the desk"], [public]))
    assert b"".join(open_age(io.BytesIO(sealed), [book.desk_identity_for_opening()]).chunks()) == b"to the desk"
    with sqlite3.connect(workspace.db.path) as raw:
        stored = raw.execute("SELECT sealed_secret FROM desk_identity").fetchone()[0]
    secret = book.export_desk_secret("moving to a new machine")
    assert secret.startswith("AGE-SECRET-KEY-1") and secret.encode() not in stored
    kinds = [e.event.type for e in workspace.events()]
    assert kinds.count(EventType.DESK_KEY_CREATED) == 1 and EventType.DESK_KEY_EXPORTED in kinds
