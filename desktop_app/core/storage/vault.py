"""The evidence vault: byte-exact evidence, encrypted at rest, one random key per blob.

A blob is written as an age-layout STREAM payload (``crypto.stream``) to ``blobs/tmp-<random>``,
fsynced, renamed to ``blobs/<blob id>``, the directory fsynced, and only then is the database row
(wrapped file key, blind index, encrypted metadata) committed, together with its custody event.
A crash at any point leaves either nothing referenced or a complete blob; ``sweep()`` removes
the leftovers. Many small blobs can be sealed one by one and committed together
(``commit_batch``): one directory fsync and one transaction for the lot. Names on disk are
random, never derived from content or original names.

Destroying a blob deletes its wrapped key (with ``secure_delete=ON`` the bytes are zeroed) and
then the file: without the key the ciphertext is noise (cryptographic erase).
"""

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from desktop_app.core.crypto import stream
from desktop_app.core.crypto.aead import OpenFailed, open_sealed, seal
from desktop_app.core.errors import BlobIntegrityError, BlobMissing
from desktop_app.core.hashing.parallel import ParallelDigests
from desktop_app.core.platform.files import fsync_directory, open_private, private_dir
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator
from desktop_app.core.storage.database import WorkspaceDatabase
from desktop_app.core.storage.fields import FieldCipher, FieldDamaged

TEMP_PREFIX = "tmp-"
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


@dataclass(frozen=True)
class SweepReport:
    """What the start-up sweep found and did."""

    removed_temp_files: int = 0
    removed_unreferenced_blobs: int = 0
    missing_blobs: list[str] = field(default_factory=list)
    damaged_blobs: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether the sweep found nothing at all."""
        return not (
            self.removed_temp_files or self.removed_unreferenced_blobs or self.missing_blobs or self.damaged_blobs
        )


def sweep(directory: Path, db: WorkspaceDatabase) -> SweepReport:
    """Remove crash leftovers and report rows whose blobs are gone or the wrong size. Needs no keys."""
    private_dir(directory)
    with db.read() as reader:
        expected = {row["blob_id"]: row["stored_size"] for row in reader.query("SELECT * FROM blobs")}
    temp = unreferenced = 0
    present: dict[str, int] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX):
                os.unlink(entry.path)
                temp += 1
            elif entry.name not in expected:
                # Renamed into place but its row never committed: ciphertext whose key was never stored.
                os.unlink(entry.path)
                unreferenced += 1
            else:
                present[entry.name] = entry.stat().st_size
    if temp or unreferenced:
        fsync_directory(directory)
    missing = sorted(b for b in expected if b not in present)
    damaged = sorted(b for b, size in present.items() if size != expected[b])
    return SweepReport(temp, unreferenced, missing, damaged)


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

    def write(self, data: bytes) -> None:
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
        existing = conn.execute("SELECT blob_id FROM blobs WHERE sha256_index = ?", (index,)).fetchone()
        if existing is not None:
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
        return StoredBlob(blob_id, blob.size, sha256, created=True, digests=blob.digests)

    def _file_key(self, blob_id: str) -> bytes:
        with self._db.read() as reader:
            rows = list(reader.query("SELECT wrapped_key FROM blobs WHERE blob_id = ?", [blob_id]))
        if not rows:
            raise BlobMissing(f"Evidence blob {blob_id} is not in this workspace.")
        try:
            return open_sealed(self._keys.dek_wrap, rows[0]["wrapped_key"], b"dek-v1\x00" + blob_id.encode())
        except OpenFailed:
            raise BlobIntegrityError(f"The key record of evidence blob {blob_id} was altered.") from None

    def encrypted_file(self, blob_id: str) -> stream.EncryptedFile:
        """The blob's file and key, for a decoder that decrypts in memory (never to disk)."""
        return stream.EncryptedFile(self.directory / blob_id, self._file_key(blob_id), CIPHER)

    def iter_plaintext(self, blob_id: str) -> Iterator[bytes]:
        """Stream a blob's plaintext; each chunk is authenticated, the stream's end only at the end.

        Consumers that must not act on unverified content (a viewer) use ``read_bytes``.
        """
        file_key = self._file_key(blob_id)
        try:
            handle = open(self.directory / blob_id, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise BlobMissing(
                f"Evidence blob {blob_id} is recorded but its file is gone. Restore the workspace from a backup."
            ) from None
        with handle:
            try:
                yield from stream.iter_decrypt(file_key, handle, CIPHER)
            except stream.StreamError as exc:
                raise BlobIntegrityError(f"Evidence blob {blob_id} failed authentication ({exc}).") from None

    def read_bytes(self, blob_id: str) -> bytes:
        """The whole plaintext in memory, returned only once every chunk has authenticated."""
        out = bytearray()
        for chunk in self.iter_plaintext(blob_id):
            out += chunk
        return bytes(out)

    def metadata(self, blob_id: str) -> dict[str, object]:
        """The decrypted metadata of a blob (size, sha256, stored_at)."""
        with self._db.read() as reader:
            rows = list(reader.query("SELECT meta_ct FROM blobs WHERE blob_id = ?", [blob_id]))
        if not rows:
            raise BlobMissing(f"Evidence blob {blob_id} is not in this workspace.")
        try:
            result: dict[str, object] = self._keys.fields.open_json("blobs", "meta_ct", blob_id, rows[0]["meta_ct"])
        except FieldDamaged:
            raise BlobIntegrityError(f"The metadata of evidence blob {blob_id} was altered.") from None
        return result

    def destroy(self, blob_id: str, on_commit: Callable[[sqlite3.Connection], object]) -> None:
        """Cryptographic erase: delete the wrapped key (and log it, via ``on_commit``), then the file."""
        with self._db.write() as conn:
            deleted = conn.execute("DELETE FROM blobs WHERE blob_id = ?", (blob_id,)).rowcount
            if not deleted:
                raise BlobMissing(f"Evidence blob {blob_id} is not in this workspace.")
            on_commit(conn)
        (self.directory / blob_id).unlink(missing_ok=True)
        fsync_directory(self.directory)
