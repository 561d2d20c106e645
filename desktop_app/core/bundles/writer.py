"""Writing a bundle in one pass: a tar stream straight into an age writer, nothing staged on disk.

The small members (README, manifest and its signature, custody proofs, report documents,
receipt) are in memory; evidence files stream from the vault ~1 MiB at a time, each piece
authenticated by the vault's own AEAD as it is read, into the age writer, into the output file.
Memory stays a few pieces whatever the bundle's size.

The tar framing is written here rather than through ``tarfile.addfile``: each header comes from
``TarInfo.tobuf`` exactly as ``tarfile`` (pax format) writes it, the end is the same two zero
blocks and padding to a 10 KiB record, but file data goes to the age writer in the pieces the vault
yields, without ``tarfile``'s copy through a buffered reader. The reading of the vault and the
hashing and writing of the output run on threads beside the encryption (``pipeline``).
"""

import hashlib
import tarfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from desktop_app.core.bundles.pipeline import HashingWriter, prefetched
from desktop_app.core.crypto.age.file import AgeWriter
from desktop_app.core.crypto.age.keys import Recipient
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator

_NUL_BLOCK = bytes(tarfile.BLOCKSIZE)


class BundleSourceChanged(EvidenceDeskError):
    """An evidence file streamed a different number of bytes than its recorded size."""

    code = "bundle-source-changed"


@dataclass(frozen=True)
class WrittenBundle:
    """What ``write_bundle`` wrote: the tar payload's size, and the output file's SHA-256 and size."""

    plaintext_size: int
    sha256: str
    size: int


@dataclass(frozen=True)
class StreamedMember:
    """An evidence file: its member name, exact size, and a way to read its plaintext chunks."""

    name: str
    size: int
    chunks: Callable[[], Iterable[bytes | bytearray]]


@dataclass(frozen=True)
class BundleContents:
    """Everything a bundle holds, in order: small members first, then the streamed files."""

    small: Sequence[tuple[str, bytes]]
    files: Sequence[StreamedMember]
    mtime: int  # one timestamp for every member (the export time)

    @property
    def total_bytes(self) -> int:
        """Plaintext bytes to write (members only; tar headers are not counted)."""
        return sum(len(data) for _, data in self.small) + sum(f.size for f in self.files)


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, mtime, 0o600, tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


class _InlineHashingWriter:
    """``HashingWriter`` without its thread (``pipelined=False``: the benchmark's baseline)."""

    def __init__(self, out: BinaryIO) -> None:
        self._out, self._digest, self._size = out, hashlib.sha256(), 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._digest.update(data)
        self._out.write(data)
        self._size += len(memoryview(data))
        return len(memoryview(data))

    def finish(self) -> tuple[str, int]:
        return self._digest.hexdigest(), self._size

    def abort(self) -> None:
        pass


def write_bundle(
    out: BinaryIO,
    recipients: Sequence[Recipient],
    contents: BundleContents,
    cancel: CancelToken | None = None,
    pipelined: bool = True,
) -> ProgressGenerator[WrittenBundle]:
    """Write ``contents`` as an age-encrypted tar stream to ``out``; returns sizes and the SHA-256.

    If this raises (or is cancelled), ``out`` holds an age file without its final chunk, which every
    age reader refuses; the caller deletes it. ``pipelined=False`` does every pass on the caller's
    thread (the benchmark compares the two in one run).
    """
    sink = HashingWriter(out) if pipelined else _InlineHashingWriter(out)
    read_ahead = prefetched if pipelined else iter
    try:
        writer = AgeWriter(sink, recipients, hand_off=True)  # type: ignore[arg-type]  # write() is all it needs
        total, done = contents.total_bytes, 0

        def member(name: str, size: int) -> None:
            header = _info(name, size, contents.mtime).tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape")
            writer.write(header)

        for name, data in contents.small:
            member(name, len(data))
            writer.write(data)
            writer.write(_padding(len(data)))
            done += len(data)
            yield Progress(done, total, name)
        for streamed in contents.files:
            member(streamed.name, streamed.size)
            written = 0
            for piece in read_ahead(iter(streamed.chunks())):
                written += len(piece)
                if written > streamed.size:
                    break
                writer.write(piece)
                done += len(piece)
                if cancel is not None:
                    cancel.raise_if_cancelled()
                yield Progress(done, total, streamed.name)
            if written != streamed.size:
                raise BundleSourceChanged(
                    f"{streamed.name} gave {'more' if written > streamed.size else 'fewer'} bytes than its recorded "
                    f"size ({streamed.size}); nothing was exported. Run a workspace verification."
                )
            writer.write(_padding(streamed.size))
        # The end of the archive as tarfile writes it: two zero blocks, then zeros to a whole record.
        writer.write(_NUL_BLOCK * 2)
        writer.write(bytes(-writer.plaintext_size % tarfile.RECORDSIZE))
        writer.finish()
        sha256, size = sink.finish()
    except BaseException:
        sink.abort()
        raise
    return WrittenBundle(writer.plaintext_size, sha256, size)
