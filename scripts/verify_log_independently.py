#!/usr/bin/env python3
"""Verify an Evidence Desk custody log with nothing but the public key (docs/custody-log-format.md).

Written from the format specification alone, without importing Evidence Desk: only sqlite3,
hashlib and cryptography. It checks the hash chain, the head row's position, and every checkpoint
(stored in the database, in the anchor file, or handed over as files) against the RFC 6962 tree.

    verify_log_independently.py WORKSPACE.DB --vkey 'evidence-desk/...+xxxxxxxx+AbC...' [--checkpoint FILE]...

Exit status: 0 intact, 1 verification failed (the reason is printed), 2 unusable input.
"""

import argparse
import base64
import hashlib
import sqlite3
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SEPARATOR = "\n--- checkpoint ---\n"


class Failed(Exception):
    pass


def parse_vkey(vkey):
    name, key_id, key = vkey.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] != bytes.fromhex(key_id):
        raise ValueError("key ID does not match")
    return name, Ed25519PublicKey.from_public_bytes(raw[1:]), bytes.fromhex(key_id)


def open_checkpoint(note, name, public_key, key_id):
    """Return (size, root) of a checkpoint note signed by the key, or raise Failed."""
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    for line in signatures.rstrip("\n").split("\n"):
        signer, _, blob = line.removeprefix("\u2014 ").partition(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4] == key_id:
            try:
                public_key.verify(raw[4:], text.encode())
            except InvalidSignature:
                raise Failed("a checkpoint's signature does not verify") from None
            origin, size, root = text.rstrip("\n").split("\n")
            if origin != name:
                raise Failed(f"a checkpoint belongs to another log ({origin})")
            return int(size), base64.b64decode(root, validate=True)
    raise Failed("a checkpoint is not signed by the given key")


def root_of(peaks):
    """RFC 6962 root from the perfect-subtree roots (largest first) of the leaves so far."""
    if not peaks:
        return hashlib.sha256(b"").digest()
    root = peaks[-1]
    for peak in reversed(peaks[:-1]):
        root = hashlib.sha256(b"\x01" + peak + root).digest()
    return root


def verify(db, vkey, notes):
    name, public_key, key_id = parse_vkey(vkey)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    meta = dict(conn.execute("SELECT key, value FROM workspace_meta"))
    if name != "evidence-desk/" + meta["workspace_id"].hex():
        raise Failed("the verifier key names another workspace")
    if meta["public_key"] != public_key.public_bytes_raw():
        raise Failed("the database's public key differs from the verifier key: it was replaced")
    notes = [("stored checkpoint", n) for (n,) in conn.execute("SELECT note FROM log_checkpoints")] + notes
    wanted = {}
    for label, note in notes:
        size, root = open_checkpoint(note, name, public_key, key_id)
        wanted.setdefault(size, []).append((label, root))
    prev, peaks, count = bytes(32), [], 0
    for label, root in wanted.get(0, []):
        if root != root_of(peaks):
            raise Failed(f"the {label} of size 0 does not match")
    for seq, nonce, ciphertext, entry_hash in conn.execute("SELECT * FROM log_entries ORDER BY seq"):
        if seq != count + 1:
            raise Failed(f"entry {count + 1} is missing or duplicated (found {seq})")
        ad = b"custody-log/v1\x00" + meta["log_id"] + seq.to_bytes(8, "big") + prev
        if hashlib.sha256(b"\x00" + ad + nonce + ciphertext).digest() != entry_hash:
            raise Failed(f"entry {seq} was altered (hash or chain mismatch)")
        node, size = entry_hash, count
        while size & 1:  # merge equal-height subtrees, like a binary carry
            node = hashlib.sha256(b"\x01" + peaks.pop() + node).digest()
            size >>= 1
        peaks.append(node)
        prev, count = entry_hash, seq
        for label, root in wanted.get(seq, []):
            if root != root_of(peaks):
                raise Failed(f"the {label} at size {seq} does not match the log: history was rewritten")
    for size, found in wanted.items():
        if size > count:
            raise Failed(f"the {found[0][0]} covers {size} entries but the log has {count}: entries removed")
    head = conn.execute("SELECT seq, head_hash FROM log_head WHERE id = 1").fetchone()
    if head is None or head[0] != count or bytes(head[1]) != (prev if count else bytes(32)):
        raise Failed(f"the head row does not point at the last of the {count} entries")
    return count, len(notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--vkey", required=True, help="the verifier key line given to you")
    parser.add_argument("--checkpoint", action="append", default=[], help="anchor or checkpoint file")
    args = parser.parse_args()
    notes = []
    for path in args.checkpoint:
        with open(path, "rb") as handle:
            text = handle.read(2 << 20).decode("utf-8")
        notes.append((f"checkpoint in {path}", text.partition(SEPARATOR)[2] or text))
    try:
        entries, checkpoints = verify(args.database, args.vkey, notes)
    except Failed as failure:
        print(f"FAILED: {failure}")
        return 1
    except (ValueError, KeyError, sqlite3.Error) as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    print(f"intact: {entries} entries, {checkpoints} checkpoints checked (structure; contents need the keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
