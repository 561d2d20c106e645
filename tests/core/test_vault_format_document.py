"""docs/vault-format.md is enough to read the vault: an independent reader, written from the document.

Nothing below imports Evidence Desk's crypto or storage code: only sqlite3, hashlib/hmac and the
primitives of ``cryptography``, following the document's steps. The workspace is made by the app.
"""

import hashlib
import hmac
import json
import os
import sqlite3
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.workspace import Workspace
from tests.conftest import PASSPHRASE, fast_kdf

CHUNK = 65536 + 16


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def open_sealed(key: bytes, sealed: bytes, ad: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], ad)


def master_key(db: sqlite3.Connection, passphrase: str) -> tuple[bytes, bytes]:
    workspace_id = db.execute("SELECT value FROM workspace_meta WHERE key = 'workspace_id'").fetchone()[0]
    kdf, wrapped = db.execute("SELECT kdf, wrapped FROM key_slots WHERE kind = 'passphrase'").fetchone()
    params = json.loads(kdf)
    assert params["alg"] == "argon2id" and 8 * 1024 <= params["m"] <= 2 * 1024 * 1024 and 1 <= params["t"] <= 50
    kek = Argon2id(
        salt=bytes.fromhex(params["salt"]),
        length=32,
        iterations=params["t"],
        lanes=params["p"],
        memory_cost=params["m"],
    ).derive(unicodedata.normalize("NFC", passphrase).encode())
    ad = b"evidence-desk/keyslot/v1\0passphrase\0" + workspace_id + kdf.encode()
    return open_sealed(kek, wrapped, ad), workspace_id


def read_blob(folder: str, blob_id: str, file_key: bytes) -> bytes:
    with open(os.path.join(folder, "blobs", blob_id), "rb") as handle:
        data = handle.read()
    nonce, body = data[:16], data[16:]
    aead = AESGCM(hkdf(file_key, nonce, b"payload"))
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    out = []
    for counter, chunk in enumerate(chunks):
        last = counter == len(chunks) - 1
        out.append(aead.decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None))
    return b"".join(out)


def read_vault(folder: str, passphrase: str) -> dict[str, bytes]:
    db = sqlite3.connect(f"file:{os.path.join(folder, 'workspace.db')}?mode=ro", uri=True)
    master, workspace_id = master_key(db, passphrase)
    subkey = {p: hkdf(master, workspace_id, b"evidence-desk/v1/" + p) for p in (b"dek-wrap", b"fields", b"blind-index")}
    contents = {}
    for blob_id, wrapped_key, index, meta_ct in db.execute(
        "SELECT blob_id, wrapped_key, sha256_index, meta_ct FROM blobs"
    ):
        file_key = open_sealed(subkey[b"dek-wrap"], wrapped_key, b"dek-v1\0" + blob_id.encode())
        plaintext = read_blob(folder, blob_id, file_key)
        meta = json.loads(open_sealed(subkey[b"fields"], meta_ct, b"field/v1\0blobs\0meta_ct\0" + blob_id.encode()))
        digest = hashlib.sha256(plaintext).digest()
        assert meta["sha256"] == digest.hex() and meta["size"] == len(plaintext)
        assert index == hmac.new(subkey[b"blind-index"], b"blind-index/v1\0sha256\0" + digest, "sha256").digest()
        contents[blob_id] = plaintext
    db.close()
    return contents


def test_an_outsider_reads_every_blob_with_the_passphrase_and_the_document(paths):
    pieces = [b"", b"short evidence", os.urandom(65536), os.urandom(3 * 65536 + 17)]
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Test Reviewer", fast_kdf())
    try:
        stored = {run_to_completion(workspace.store_blob([piece])).blob_id: piece for piece in pieces}
    finally:
        workspace.close()
    assert read_vault(str(paths.workspace), PASSPHRASE) == stored


def reviewers_from_the_document(folder: str, passphrase: str) -> list[str]:
    """The reviewers' names, after checking the slot list's check value as the document says."""
    db = sqlite3.connect(f"file:{os.path.join(folder, 'workspace.db')}?mode=ro", uri=True)
    master, workspace_id = master_key(db, passphrase)
    fields = hkdf(master, workspace_id, b"evidence-desk/v1/fields")
    message, names = b"reviewer-slots/v1\0", []
    for kind, kdf, wrapped in db.execute("SELECT * FROM key_slots WHERE kind != 'recovery' ORDER BY kind"):
        key, ad = (
            ("reviewer", b"workspace_meta.reviewer")
            if kind == "passphrase"
            else (
                f"reviewer-name/{kind}",
                b"workspace_meta.reviewer-name\0" + kind.encode(),
            )
        )
        sealed = db.execute("SELECT value FROM workspace_meta WHERE key = ?", (key,)).fetchone()[0]
        names.append(open_sealed(fields, sealed, ad).decode())
        for value in (kind.encode(), kdf.encode(), wrapped, sealed):
            message += len(value).to_bytes(4, "big") + value
    list_key = hkdf(master, workspace_id, b"evidence-desk/v1/reviewer-slot-list")
    stored = db.execute("SELECT value FROM workspace_meta WHERE key = 'reviewer_slots_mac'").fetchone()[0]
    db.close()
    assert hmac.new(list_key, message, "sha256").digest() == stored
    return sorted(names)


def test_an_outsider_checks_the_reviewers_slot_list_with_the_document(paths):
    workspace, _ = Workspace.create(paths, PASSPHRASE, "Alice", fast_kdf())
    try:
        workspace.reviewers.add("Bob", "bob's passphrase")
        workspace.reviewers.add("Carol", "carol's passphrase")
        workspace.reviewers.remove("Bob")
    finally:
        workspace.close()
    assert reviewers_from_the_document(str(paths.workspace), PASSPHRASE) == ["Alice", "Carol"]
