"""The tamper-evident custody log (custody-log-format.md; decisions.md §1).

Each entry is the AES-GCM encryption of one canonical-JSON event. Its associated data binds the
log id, the entry's sequence number and the previous entry's hash, and ``entry_hash`` =
SHA-256(0x00 || AD || nonce || ciphertext) is exactly the RFC 6962 leaf hash of the stored bytes:
the chain, the Merkle tree and the signed checkpoints can all be checked *without* the keys
(an auditor needs only the public key), while the keys additionally prove every entry's content.

A head row (last seq, last hash, HMAC under a key-holder-only key) is rewritten in the same
transaction as every append, which makes dropping the newest entries detectable. Checkpoints
(signed C2SP tlog-checkpoint notes) are also announced by a log event, so deleting a checkpoint
row is detectable too. What no local check can see is a restored older copy of the whole file:
that takes a checkpoint kept elsewhere (the anchor file, an exported note), passed as ``external``.
"""

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop_app.core.crypto.aead import NONCE_LENGTH, mac, seal
from desktop_app.core.crypto.merkle import EMPTY_ROOT, root_from_peaks, root_of
from desktop_app.core.crypto.signed_note import Checkpoint, CheckpointError, parse_and_verify, sign_checkpoint
from desktop_app.core.domain.events import CustodyEvent, EventType
from desktop_app.core.domain.events import LoggedEvent as LoggedEvent
from desktop_app.core.domain.verification import Verification as Verification
from desktop_app.core.errors import LogIntegrityError

_ENTRY_DOMAIN = b"custody-log/v1\x00"
_HEAD_DOMAIN = b"custody-head/v1\x00"
_GENESIS = bytes(32)
_CHECKPOINT_MARKER = str(EventType.CHECKPOINT_SIGNED).encode()


@dataclass(frozen=True)
class LogKeys:
    """Keys that only an unlocked workspace has."""

    entry: bytes
    head: bytes


def _entry_ad(log_id: bytes, seq: int, prev_hash: bytes) -> bytes:
    return _ENTRY_DOMAIN + log_id + seq.to_bytes(8, "big") + prev_hash


def _head_mac(key: bytes, log_id: bytes, seq: int, head_hash: bytes) -> bytes:
    return mac(key, _HEAD_DOMAIN + log_id + seq.to_bytes(8, "big") + head_hash)


class EntryChanged(Exception):
    """The entry a reader stopped at is gone or different: read the log from its first entry again."""


class _Problem(Exception):
    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


def _sequence_problem(seq: object, expected: int) -> _Problem:
    if not isinstance(seq, int):
        return _Problem(f"A custody log row after entry {expected - 1} has no sequence number ({seq!r}).", expected)
    if seq < expected:
        return _Problem(f"Custody log entry {seq} appears more than once.", seq)
    return _Problem(f"Custody log entry {expected} is missing (next present is {seq}).", expected)


class CustodyLog:
    """Appends to and verifies the log tables. Callers own the transaction (one per action)."""

    def __init__(self, log_id: bytes, origin: str, public_key: Ed25519PublicKey, keys: LogKeys | None) -> None:
        # Sees every entry's plaintext as verification with keys authenticates it, so a pass that
        # needs the events (the tables' reconciliation) costs no second decryption of the log.
        self.on_entry: Callable[[int, bytes], None] | None = None
        self.log_id = log_id
        self.origin = origin
        self.public_key = public_key
        self._keys = keys

    def _require_keys(self) -> LogKeys:
        if self._keys is None:
            raise RuntimeError("custody log opened without keys cannot append")  # a bug, not a user error
        return self._keys

    def initialise(self, conn: sqlite3.Connection) -> None:
        """Write the sealed head of an empty log."""
        keys = self._require_keys()
        conn.execute(
            "INSERT INTO log_head (id, seq, head_hash, mac) VALUES (1, 0, ?, ?)",
            (_GENESIS, _head_mac(keys.head, self.log_id, 0, _GENESIS)),
        )

    def append(self, conn: sqlite3.Connection, event: CustodyEvent) -> int:
        """Append one event inside the caller's write transaction; returns its sequence number."""
        keys = self._require_keys()
        row = conn.execute("SELECT seq, head_hash FROM log_head WHERE id = 1").fetchone()
        if row is None:
            raise LogIntegrityError("The custody log has no head; run 'log verify' for details.")
        seq, prev_hash = row[0] + 1, row[1]
        ad = _entry_ad(self.log_id, seq, prev_hash)
        sealed = seal(keys.entry, event.to_json(), ad)
        nonce, ciphertext = sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:]
        entry_hash = hashlib.sha256(b"\x00" + ad + nonce + ciphertext).digest()
        conn.execute(
            "INSERT INTO log_entries (seq, nonce, ciphertext, entry_hash) VALUES (?, ?, ?, ?)",
            (seq, nonce, ciphertext, entry_hash),
        )
        conn.execute(
            "UPDATE log_head SET seq = ?, head_hash = ?, mac = ? WHERE id = 1",
            (seq, entry_hash, _head_mac(keys.head, self.log_id, seq, entry_hash)),
        )
        return int(seq)

    def size(self, conn: sqlite3.Connection) -> int:
        """Number of entries according to the head row."""
        row = conn.execute("SELECT seq FROM log_head WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def leaf_hashes(self, conn: sqlite3.Connection) -> list[bytes]:
        """Every entry hash in order: the leaves of the log's Merkle tree."""
        return [bytes(h) for (h,) in conn.execute("SELECT entry_hash FROM log_entries ORDER BY seq")]

    def sign_checkpoint(
        self,
        conn: sqlite3.Connection,
        signing_key: Ed25519PrivateKey,
        actor: str,
        before_signing: Callable[[list[bytes], Checkpoint], None] | None = None,
    ) -> str:
        """Sign the current tree, store the note and announce it in the log (caller's transaction).

        ``before_signing`` sees the leaves and the checkpoint about to be signed and may raise to
        refuse it (the workspace checks that it extends the anchored checkpoint).
        """
        leaves = self.leaf_hashes(conn)
        checkpoint = Checkpoint(self.origin, len(leaves), root_of(leaves))
        if before_signing is not None:
            before_signing(leaves, checkpoint)
        note = sign_checkpoint(checkpoint, self.origin, signing_key)
        conn.execute("INSERT OR IGNORE INTO log_checkpoints (size, note) VALUES (?, ?)", (checkpoint.size, note))
        self.append(
            conn,
            CustodyEvent(EventType.CHECKPOINT_SIGNED, actor, {"size": checkpoint.size, "root": checkpoint.root.hex()}),
        )
        return note

    def latest_checkpoint(self, conn: sqlite3.Connection) -> str | None:
        """The newest stored checkpoint note."""
        row = conn.execute("SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        return str(row[0]) if row else None

    def plaintexts(self, conn: sqlite3.Connection) -> Iterator[tuple[int, bytes]]:
        """Every entry's canonical JSON in order, undecoded (for passes that parse only some entries)."""
        for seq, plaintext, _ in self.plaintexts_since(conn, None):
            yield seq, plaintext

    def plaintexts_since(
        self, conn: sqlite3.Connection, mark: tuple[int, bytes] | None
    ) -> Iterator[tuple[int, bytes, bytes]]:
        """(seq, canonical JSON, entry hash) of every entry after ``mark``, in order; None: from the first.

        ``mark`` is the (seq, entry hash) of the last entry a reader read before. ``EntryChanged`` if
        that entry is no longer in the log as it was (the log was cut, rolled back or rewritten since):
        the reader must read from the first entry again. The mark and the entries after it are read by
        one statement (one snapshot), and the first new entry is decrypted against the mark's hash, so
        what follows it is chained to what the reader read.
        """
        aead = AESGCM(self._require_keys().entry)
        seq, prev_hash = mark or (0, _GENESIS)
        rows = conn.execute(
            "SELECT seq, nonce, ciphertext, entry_hash FROM log_entries WHERE seq >= ? ORDER BY seq", (seq,)
        )
        try:  # the cursor is closed even when the reader stops half-way
            if mark is not None:
                first = rows.fetchone()
                if first is None or first[0] != seq or first[3] != prev_hash:
                    raise EntryChanged(f"Custody log entry {seq} is not the one read before.")
            for seq, nonce, ciphertext, entry_hash in rows:
                try:
                    plaintext = aead.decrypt(nonce, ciphertext, _entry_ad(self.log_id, seq, prev_hash))
                except InvalidTag:
                    raise LogIntegrityError(f"Custody log entry {seq} cannot be authenticated.", seq) from None
                yield seq, plaintext, entry_hash
                prev_hash = entry_hash
        finally:
            rows.close()

    def events(self, conn: sqlite3.Connection) -> Iterator[LoggedEvent]:
        """Decrypt every entry in order. Assumes a verified log; raises on an entry that fails to open."""
        keys = self._require_keys()
        aead = AESGCM(keys.entry)
        prev_hash = _GENESIS
        rows = conn.execute("SELECT seq, nonce, ciphertext, entry_hash FROM log_entries ORDER BY seq")
        try:  # the cursor is closed even when a bad entry stops the reader half-way
            for seq, nonce, ciphertext, entry_hash in rows:
                try:
                    plaintext = aead.decrypt(nonce, ciphertext, _entry_ad(self.log_id, seq, prev_hash))
                except (InvalidTag, TypeError, ValueError, AttributeError):
                    raise LogIntegrityError(f"Custody log entry {seq} cannot be authenticated.", seq) from None
                prev_hash = entry_hash
                yield LoggedEvent(seq, CustodyEvent.from_json(plaintext))
        finally:
            rows.close()

    def verify(self, conn: sqlite3.Connection, external: Sequence[str | tuple[str, str]] = ()) -> Verification:
        """Check the whole log; with keys also every entry's content and the head's seal. Read-only.

        ``external`` holds checkpoint notes kept outside the database (the anchor file, exported
        notes), optionally as ``(label, note)`` so a failure can name which one the log contradicts:
        the only defence against a restored older copy of the whole file.
        """
        count, stored = 0, 0
        try:
            rows = conn.execute("SELECT size, note FROM log_checkpoints ORDER BY size").fetchall()
            stored = len(rows)
            checkpoints: dict[int, list[tuple[str, Checkpoint]]] = {}
            announced: dict[int, bytes] = {}
            sources: list[tuple[tuple[str, str], int | None]] = [(("checkpoint", n), s) for s, n in rows]
            for item in external:
                sources.append((item if isinstance(item, tuple) else ("external checkpoint", item), None))
            for (label, note), size_column in sources:
                checkpoint = self._open_checkpoint(label, note, size_column)
                checkpoints.setdefault(checkpoint.size, []).append((label, checkpoint))
            count = self._verify_entries(conn, checkpoints, announced)
            # Checkpoints the log falls short of come before the head's seal: a restored or cut log
            # is best explained by naming the checkpoint it contradicts.
            for size, entries in sorted(checkpoints.items()):
                if size > count:
                    label, checkpoint = entries[-1]
                    raise _Problem(
                        f"The {label} (size {size}, root {checkpoint.root.hex()[:16]}…) covers {size} entries but "
                        f"the log has only {count}: entries were removed, or an older copy of the workspace was "
                        "restored.",
                        count + 1,
                    )
            self._verify_head(conn, count)
            stored_roots = {
                (size, cp.root)
                for size, entries in checkpoints.items()
                for label, cp in entries
                if label == "checkpoint"
            }
            for size, root in announced.items():
                if (size, root) not in stored_roots:
                    raise _Problem(f"The checkpoint at size {size} announced in the log is missing.", size + 1)
        except _Problem as problem:
            return Verification(count, stored, self._keys is not None, str(problem), problem.seq)
        return Verification(count, stored, self._keys is not None)

    def _open_checkpoint(self, label: str, note: str, size_column: int | None) -> Checkpoint:
        try:
            checkpoint = parse_and_verify(note, self.origin, self.public_key)
        except (CheckpointError, InvalidSignature) as exc:
            raise _Problem(f"A {label} is not validly signed by this workspace: {exc}") from None
        if checkpoint.origin != self.origin:
            raise _Problem(f"A {label} belongs to another log ({checkpoint.origin}).")
        if size_column is not None and size_column != checkpoint.size:
            raise _Problem(f"A {label} row says size {size_column} but its signed note says {checkpoint.size}.")
        return checkpoint

    def _verify_entries(
        self,
        conn: sqlite3.Connection,
        checkpoints: dict[int, list[tuple[str, Checkpoint]]],
        announced: dict[int, bytes],
    ) -> int:
        aead = AESGCM(self._keys.entry) if self._keys else None
        # The Merkle tree's compact range kept inline (crypto/merkle.py's CompactRange, unrolled):
        # this loop runs once per entry and is what 'log verify' spends its time in.
        peaks: list[bytes] = []
        pop, push = peaks.pop, peaks.append
        prev_hash, expected = _GENESIS, 1
        sha256, ad_prefix = hashlib.sha256, _ENTRY_DOMAIN + self.log_id
        for label, checkpoint in checkpoints.get(0, ()):
            if checkpoint.root != EMPTY_ROOT:
                raise _Problem(f"The {label} of the empty log does not match.", 1)
        for seq, nonce, ciphertext, entry_hash in conn.execute(
            "SELECT seq, nonce, ciphertext, entry_hash FROM log_entries ORDER BY seq"
        ):
            if seq != expected:
                raise _sequence_problem(seq, expected)
            ad = ad_prefix + seq.to_bytes(8, "big") + prev_hash
            try:
                recomputed = sha256(b"\x00" + ad + nonce + ciphertext).digest()
            except TypeError:  # a column edited to text or NULL
                raise _Problem(f"Custody log entry {seq} is malformed (a column is not bytes).", seq) from None
            if recomputed != entry_hash:
                raise _Problem(f"Custody log entry {seq} was altered (hash or chain mismatch).", seq)
            if aead is not None:
                try:
                    plaintext = aead.decrypt(nonce, ciphertext, ad)
                except (InvalidTag, ValueError):  # ValueError: a nonce of the wrong length
                    raise _Problem(f"Custody log entry {seq} cannot be authenticated.", seq) from None
                if self.on_entry is not None:
                    self.on_entry(seq, plaintext)
                if _CHECKPOINT_MARKER in plaintext:
                    event = CustodyEvent.from_json(plaintext)
                    if event.type == EventType.CHECKPOINT_SIGNED:
                        announced[int(event.data["size"])] = bytes.fromhex(event.data["root"])
            node, carry = entry_hash, seq - 1
            while carry & 1:  # merge equal-height subtrees, like a binary carry
                node = sha256(b"\x01" + pop() + node).digest()
                carry >>= 1
            push(node)
            if seq in checkpoints:
                root = root_from_peaks(peaks)
                for label, checkpoint in checkpoints[seq]:
                    if checkpoint.root != root:
                        raise _Problem(
                            f"The {label} at size {seq} (root {checkpoint.root.hex()[:16]}…) does not match the "
                            "log: history was rewritten.",
                            seq,
                        )
            prev_hash, expected = entry_hash, seq + 1
        return expected - 1

    def _verify_head(self, conn: sqlite3.Connection, count: int) -> None:
        rows = conn.execute("SELECT id, seq, head_hash, mac FROM log_head").fetchall()
        if len(rows) != 1 or rows[0][0] != 1:
            raise _Problem("The custody log's head record is missing.", count + 1)
        _, seq, head_hash, head_mac = rows[0]
        last = conn.execute("SELECT entry_hash FROM log_entries WHERE seq = ?", (count,)).fetchone()
        expected_hash = last[0] if last else _GENESIS
        if seq != count or head_hash != expected_hash:
            first_bad = min(seq, count) + 1
            raise _Problem(
                f"The custody log's head says {seq} entries but {count} are present: entries were "
                "removed or added outside the app.",
                first_bad,
            )
        if self._keys is not None and head_mac != _head_mac(self._keys.head, self.log_id, seq, head_hash):
            raise _Problem("The custody log's head record is not sealed by this workspace.", count + 1)
