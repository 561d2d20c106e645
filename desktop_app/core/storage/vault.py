"""The evidence vault: byte-exact evidence, encrypted at rest, one random key per blob.

A blob is written as an age-layout STREAM payload (``crypto.stream``) to ``blobs/tmp-<random>``,
fsynced, renamed to ``blobs/<blob id>``, the directory fsynced, and only then is the database row
(wrapped file key, blind index, encrypted metadata) committed, together with its custody event.
A crash at any point leaves either nothing referenced or a complete blob; ``scan()`` finds the
leftovers and ``tidy()`` clears them once verification passed (see ``SweepReport``). Many small
blobs can be sealed one by one and committed together (``commit_batch``): one directory fsync and
one transaction for the lot. Names on disk are random, never derived from content or original
names. Reading checks the blob's row tag, every chunk, and the SHA-256 against the record (an
export skips re-hashing: see ``iter_plaintext``).

Destroying a blob deletes its wrapped key (with ``secure_delete=ON`` the bytes are zeroed) and
then the file: without the key the ciphertext is noise (cryptographic erase).
"""

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.core.crypto import stream
from desktop_app.core.crypto.aead import OpenFailed, open_sealed, seal
from desktop_app.core.domain.verification import BlobProblem as BlobProblem
from desktop_app.core.domain.verification import SweepReport as SweepReport
from desktop_app.core.domain.verification import VaultVerification as VaultVerification
from desktop_app.core.errors import BlobIntegrityError, BlobMissing
from desktop_app.core.hashing.parallel import ParallelDigests
from desktop_app.core.platform.files import fsync_directory, open_private, private_dir
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.fields import FieldCipher, FieldDamaged
from desktop_app.core.storage.row_tags import BOUND, RowTampered
from desktop_app.core.storage.vault_sweep import TEMP_PREFIX

_BLOB_ROW = f"SELECT {', '.join(BOUND['blobs'])}, row_tag FROM blobs"
CIPHER = stream.Cipher.AES_256_GCM
# Called inside the write transaction that commits a blob row, to add the custody event
# (and whatever else belongs to the same action) atomically.
OnCommit = Callable[[sqlite3.Connection, "StoredBlob"], None]
OnCommitBatch = Callable[[sqlite3.Connection, list["StoredBlob"]], None]


@dataclass(frozen=True)
class VaultKeys:
    """The keys the vault uses: its own for file keys, the shared cipher for columns."""

    dek_wrap: bytes
    fields: FieldCipher


@dataclass(frozen=True)
class StoredBlob:
    """A blob in the vault. ``created`` is False when identical content was already stored."""

    blob_id: str
    size: int
    sha256: str
    created: bool
    digests: dict[str, str] = field(default_factory=dict)  # every digest computed while writing


@dataclass(frozen=True, repr=False)
class SealedBlob:
    """A blob fully written and fsynced under a temp name, not yet committed (``repr`` hides the key)."""

    temp: Path
    file_key: bytes
    size: int
    digests: dict[str, str]


class BlobWriter:
    """One blob being written. Use ``write()`` then ``commit()`` (or ``seal()`` for a batch); ``abort()`` on failure.

    The writer computes the digests named in ``groups`` (one thread per group, see
    ``hashing.parallel``) from the same bytes it encrypts, so the intake reads each file once and
    gets MD5, SHA-1 and SHA-256 with the encryption. SHA-256 is always among them: it is the
    duplicate key.
    """

    def __init__(self, vault: "EvidenceVault", groups: Iterable[str | Iterable[str]] = ("sha256",)) -> None:
        self._vault = vault
        self._digests = ParallelDigests(groups)
        if "sha256" not in self._digests.names:
            self._digests.close()
            raise ValueError("the vault needs SHA-256 among the digests")  # a bug in the caller
        self._file_key = stream.new_file_key()
        self._temp = vault.directory / f"{TEMP_PREFIX}{secrets.token_hex(16)}"
        # Owner-only (0600) whatever the umask; closed in seal/abort.
        self._handle: BinaryIO = os.fdopen(open_private(self._temp, os.O_WRONLY | os.O_EXCL), "wb")
        self._encryptor = stream.StreamEncryptor(self._file_key, self._handle, CIPHER)
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Add plaintext. ``data`` must not be modified afterwards (it is hashed on another thread)."""
        self._digests.update(data)
        self._encryptor.write(data)
        self.size += len(data)

    def abort(self) -> None:
        """Discard everything written so far."""
        self._digests.close()
        if not self._handle.closed:
            self._handle.close()
        self._temp.unlink(missing_ok=True)

    def seal(self) -> SealedBlob:
        """Finish the ciphertext and make it durable under its temp name; commit it with ``commit_batch``."""
        try:
            self._encryptor.finish()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            return SealedBlob(self._temp, self._file_key, self.size, self._digests.hexdigests())
        except BaseException:
            self.abort()
            raise

    def commit(self, on_commit: OnCommit | None = None) -> StoredBlob:
        """Make the blob durable, then commit its row (and ``on_commit``'s writes) in one transaction."""
        sealed = self.seal()

        def each(conn: sqlite3.Connection, stored: list[StoredBlob]) -> None:
            if on_commit is not None:
                on_commit(conn, stored[0])

        return self._vault.commit_batch([sealed], each)[0]


class EvidenceVault:
    """Stores, reads and destroys encrypted blobs under ``directory``."""

    def __init__(self, directory: Path, db: WorkspaceDatabase, keys: VaultKeys) -> None:
        self.directory = directory
        self._db = db
        self._keys = keys
        private_dir(directory)

    def sha256_index(self, sha256_hex: str) -> bytes:
        """The blind index of a SHA-256: lets duplicates be found without storing the hash in clear."""
        return self._keys.fields.blind_index("sha256", bytes.fromhex(sha256_hex))

    def writer(self, groups: Iterable[str | Iterable[str]] = ("sha256",)) -> BlobWriter:
        """Start writing a new blob, computing the digests in ``groups`` on the way."""
        return BlobWriter(self, groups)

    def store(
        self,
        chunks: Iterable[bytes],
        total: int | None = None,
        cancel: CancelToken | None = None,
        on_commit: OnCommit | None = None,
    ) -> ProgressGenerator[StoredBlob]:
        """Store plaintext chunks as one blob, yielding progress; cancelling leaves nothing behind."""
        writer = self.writer()
        try:
            for chunk in chunks:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                writer.write(chunk)
                yield Progress(writer.size, total)
        except BaseException:
            writer.abort()
            raise
        return writer.commit(on_commit)

    @staticmethod
    def discard(sealed: Iterable[SealedBlob]) -> None:
        """Delete sealed blobs that will not be committed."""
        for blob in sealed:
            blob.temp.unlink(missing_ok=True)

    def commit_batch(self, sealed: Sequence[SealedBlob], on_commit: OnCommitBatch | None = None) -> list[StoredBlob]:
        """Commit sealed blobs in one transaction, with ``on_commit``'s writes; returns them in order.

        A blob whose SHA-256 is already stored (or earlier in the batch) is not stored again: its
        ``StoredBlob`` names the existing blob with ``created=False``. The temp files are gone
        afterwards in every case: renamed into place, or deleted. One directory fsync and one
        database commit cover the whole batch, which is what makes many small files cheap.
        """
        renamed: list[Path] = []
        try:
            with self._db.write() as conn:
                stored = [self._insert(conn, blob, renamed) for blob in sealed]
                if renamed:
                    fsync_directory(self.directory)
                if on_commit is not None:
                    on_commit(conn, stored)
        except BaseException:
            for final in renamed:
                final.unlink(missing_ok=True)
            raise
        finally:
            self.discard(sealed)
        return stored

    def _insert(self, conn: sqlite3.Connection, blob: SealedBlob, renamed: list[Path]) -> StoredBlob:
        sha256 = blob.digests["sha256"]
        index = self.sha256_index(sha256)
        existing = conn.execute(_BLOB_ROW + " WHERE sha256_index = ?", (index,)).fetchone()
        if existing is not None:  # sha256_index is clear: one moved between rows must not link to other bytes
            if not self._keys.fields.rows.matches("blobs", existing[:-1], existing[-1]) or (
                self._open_meta(existing[0], existing[3])["sha256"] != sha256
            ):
                raise BlobIntegrityError(
                    f"Evidence blob {existing[0]}'s record was altered; nothing was stored. Verify the workspace."
                )
            return StoredBlob(existing[0], blob.size, sha256, created=False, digests=blob.digests)
        blob_id = secrets.token_hex(16)
        final = self.directory / blob_id
        os.replace(blob.temp, final)
        renamed.append(final)
        meta = {"size": blob.size, "sha256": sha256, "stored_at": datetime.now(UTC).isoformat()}
        conn.execute(
            "INSERT INTO blobs (blob_id, wrapped_key, sha256_index, meta_ct, stored_size) VALUES (?, ?, ?, ?, ?)",
            (
                blob_id,
                seal(self._keys.dek_wrap, blob.file_key, b"dek-v1\x00" + blob_id.encode()),
                index,
                self._keys.fields.seal_json("blobs", "meta_ct", blob_id, meta),
                final.stat().st_size,
            ),
        )
        self._keys.fields.rows.retag(conn, "blobs", blob_id)
        return StoredBlob(blob_id, blob.size, sha256, created=True, digests=blob.digests)

    def _row(self, blob_id: str) -> tuple[Any, ...]:
        """The blob's row (``BOUND["blobs"]`` order), its tag checked."""
        with self._db.read() as reader:
            row = reader.conn.execute(_BLOB_ROW + " WHERE blob_id = ?", (blob_id,)).fetchone()
        if row is None:
            raise BlobMissing(f"Evidence blob {blob_id} is not in this workspace.")
        try:
            self._keys.fields.rows.check("blobs", row[:-1], row[-1])
        except RowTampered:
            raise BlobIntegrityError(f"The record of evidence blob {blob_id} was altered outside the app.") from None
        return tuple(row[:-1])

    def _open_key(self, blob_id: str, wrapped: bytes) -> bytes:
        try:
            return open_sealed(self._keys.dek_wrap, wrapped, b"dek-v1\x00" + blob_id.encode())
        except OpenFailed:
            raise BlobIntegrityError(f"The key record of evidence blob {blob_id} was altered.") from None

    def _open_meta(self, blob_id: str, sealed: bytes) -> dict[str, Any]:
        try:
            result: dict[str, Any] = self._keys.fields.open_json("blobs", "meta_ct", blob_id, sealed)
        except FieldDamaged:
            raise BlobIntegrityError(f"The metadata of evidence blob {blob_id} was altered.") from None
        return result

    def _file_key(self, blob_id: str) -> bytes:
        return self._open_key(blob_id, self._row(blob_id)[1])

    def encrypted_file(self, blob_id: str, expected_sha256: str | None = None) -> stream.EncryptedFile:
        """The blob's file and key, for a decoder that decrypts in memory (never to disk).

        ``expected_sha256`` (what the item holding the blob recorded) must be the blob's recorded
        digest: a decoder that reads only part of a blob never reaches the end-of-stream digest check.
        """
        row = self._row(blob_id)
        if expected_sha256 is not None:
            self._check_recorded(blob_id, str(self._open_meta(blob_id, row[3])["sha256"]), expected_sha256)
        return stream.EncryptedFile(self.directory / blob_id, self._open_key(blob_id, row[1]), CIPHER)

    @staticmethod
    def _check_recorded(blob_id: str, recorded: str, expected: str) -> None:
        if expected != recorded:
            raise BlobIntegrityError(
                f"Evidence blob {blob_id} is not the content its item recorded (SHA-256 {recorded[:12]}… "
                f"where the item says {expected[:12]}…): the item's link to it was changed."
            )

    def iter_plaintext(
        self, blob_id: str, expected_sha256: str | None = None, rehash: bool = True
    ) -> Iterator[bytes | bytearray]:
        """Stream a blob's plaintext; each chunk is authenticated, the stream's end only at the end.

        ``expected_sha256`` (what the item holding the blob recorded) must equal the blob's sealed
        record: an item's link changed to another blob fails here, before a byte is read. With
        ``rehash`` (the default) the end also checks the SHA-256 of what was read against that
        record, which catches a bug in our own writer. ``rehash=False`` needs ``expected_sha256``
        and relies on the binding instead: the file key opens only under this ``blob_id``
        (its AD), every chunk authenticates under that key with its position and last flag, and
        the recorded SHA-256 is sealed to the same ``blob_id``; content that differs from the
        record needs the workspace's keys to make (decisions.md §6). Consumers that must not act
        on unverified content (a viewer) use ``read_bytes``.
        """
        if not rehash and expected_sha256 is None:
            raise ValueError("rehash=False needs the item's expected_sha256")  # a bug in the caller
        row = self._row(blob_id)
        file_key = self._open_key(blob_id, row[1])
        recorded = str(self._open_meta(blob_id, row[3])["sha256"])
        if expected_sha256 is not None:
            self._check_recorded(blob_id, recorded, expected_sha256)
        try:
            handle = open(self.directory / blob_id, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise BlobMissing(
                f"Evidence blob {blob_id} is recorded but its file is gone. Restore the workspace from a backup."
            ) from None
        digest = hashlib.sha256() if rehash else None
        with handle:
            try:
                for chunk in stream.iter_decrypt(file_key, handle, CIPHER):
                    if digest is not None:
                        digest.update(chunk)
                    yield chunk
            except stream.StreamError as exc:
                raise BlobIntegrityError(f"Evidence blob {blob_id} failed authentication ({exc}).") from None
        if digest is not None and digest.hexdigest() != recorded:
            raise BlobIntegrityError(f"Evidence blob {blob_id} does not match its recorded SHA-256.")

    def read_bytes(self, blob_id: str, expected_sha256: str | None = None) -> bytes:
        """The whole plaintext in memory, returned only once every chunk and the digest have checked out."""
        out = bytearray()
        for chunk in self.iter_plaintext(blob_id, expected_sha256):
            out += chunk
        return bytes(out)

    def metadata(self, blob_id: str) -> dict[str, object]:
        """The decrypted metadata of a blob (size, sha256, stored_at)."""
        return dict(self._open_meta(blob_id, self._row(blob_id)[3]))

    def verify_all(self, cancel: CancelToken | None = None) -> ProgressGenerator[VaultVerification]:
        """Authenticate every blob: its row, key, every chunk, and its size and SHA-256 against the record.

        Read-only. Yields ``Progress`` in bytes of ciphertext (for a bar over a big vault); one bad
        blob is a finding, not the end of the pass.
        """
        with self._db.read() as reader:
            rows = reader.conn.execute(_BLOB_ROW + " ORDER BY blob_id").fetchall()
        total = sum(int(row[4]) for row in rows)
        done = 0
        problems: list[BlobProblem] = []
        checked_bytes = 0
        for row in rows:
            if cancel is not None:
                cancel.raise_if_cancelled()
            blob_id = str(row[0])
            problem = self._verify_one(row)
            if problem is not None:
                problems.append(problem)
            done += int(row[4])
            checked_bytes += int(row[4])
            yield Progress(done, total, blob_id)
        return VaultVerification(len(rows), checked_bytes, tuple(problems))

    def _verify_one(self, row: tuple[Any, ...]) -> BlobProblem | None:
        blob_id, wrapped, _, meta_ct, stored_size, tag = row
        if not self._keys.fields.rows.matches("blobs", row[:-1], tag):
            return BlobProblem(blob_id, "tampered-row", "its record was changed outside the app")
        try:
            file_key = self._open_key(blob_id, wrapped)
            meta = self._open_meta(blob_id, meta_ct)
        except BlobIntegrityError as exc:
            return BlobProblem(blob_id, "unreadable-key", str(exc))
        path = self.directory / blob_id
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return BlobProblem(blob_id, "missing", "its file is gone")
        digest, size = hashlib.sha256(), 0
        with handle:
            if os.fstat(handle.fileno()).st_size != stored_size:
                return BlobProblem(blob_id, "size-mismatch", "its file is not the size it was written with")
            try:
                for chunk in stream.iter_decrypt(file_key, handle, CIPHER):
                    digest.update(chunk)
                    size += len(chunk)
            except stream.StreamError as exc:
                return BlobProblem(blob_id, "damaged", f"it fails authentication ({exc})")
        if digest.hexdigest() != meta.get("sha256") or size != meta.get("size"):
            return BlobProblem(blob_id, "digest-mismatch", "its content does not match its recorded SHA-256 and size")
        return None

    def destroy(self, blob_id: str, on_commit: Callable[[sqlite3.Connection], object]) -> None:
        """Cryptographic erase: delete the wrapped key (and log it, via ``on_commit``), then the file."""
        with self._db.write() as conn:
            holders = [r[0] for r in conn.execute("SELECT item_id FROM items WHERE blob_id = ?", (blob_id,))]
            deleted = conn.execute("DELETE FROM blobs WHERE blob_id = ?", (blob_id,)).rowcount
            if not deleted:
                raise BlobMissing(f"Evidence blob {blob_id} is not in this workspace.")
            for item_id in holders:  # ON DELETE SET NULL changed the item's link: its tag follows
                self._keys.fields.rows.retag(conn, "items", item_id)
            on_commit(conn)
        (self.directory / blob_id).unlink(missing_ok=True)
        fsync_directory(self.directory)
