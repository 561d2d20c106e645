"""An upload's body: plaintext decrypted from the vault on the fly, with a known length.

httpx's multipart encoder reads a file-like object in chunks and asks it for its length (``tell``,
``seek(0, SEEK_END)``) so the request carries a ``Content-Length``. ``StreamingBody`` answers those
questions from the size recorded for the blob without reading ahead, hands out the decrypted chunks
as they come, and on the way hashes them (the MD5 NCMEC's answer must match), counts them (for the
progress rows) and runs ``check`` between chunks (the deadline and the cancel flag). Nothing is
written anywhere: the plaintext exists only in the chunk being sent.

The submission does not hash on the way (``digest=False``): the vault's decryption is authenticated
chunk by chunk and at the end, so the bytes sent are exactly the bytes stored, whose MD5 was
recorded when the item was taken in; NCMEC's MD5 is compared with that one. Hashing again would
only cost CPU the upload competes for (measured: about a fifth of the client's time).
"""

import hashlib
import io
import os
import time
from collections.abc import Callable, Iterator

from desktop_app.core.errors import BlobIntegrityError


class StreamingBody(io.RawIOBase):
    """A read-once, forward-only file over ``chunks`` that is exactly ``size`` bytes long."""

    def __init__(
        self,
        chunks: Iterator[bytes | bytearray],
        size: int,
        check: Callable[[], None] = lambda: None,
        *,
        digest: bool = True,
    ) -> None:
        super().__init__()
        self._chunks = chunks
        self._size = size
        self._check = check
        self._buffer = b""
        self._position = 0
        self._md5 = hashlib.md5(usedforsecurity=False) if digest else None
        self.finished = False
        self.finished_at: float | None = None  # time.monotonic() when the last byte was handed out

    @property
    def size(self) -> int:
        """The number of bytes the body holds."""
        return self._size

    @property
    def position(self) -> int:
        """How many bytes were handed out so far (read by the progress loop on another thread)."""
        return self._position

    def md5(self) -> str | None:
        """The MD5 of what was handed out, as lowercase hex (None when built with ``digest=False``)."""
        return self._md5.hexdigest() if self._md5 is not None else None

    def readable(self) -> bool:
        """Always."""
        return True

    def seekable(self) -> bool:
        """Only in the ways httpx asks: see ``seek``."""
        return True

    def tell(self) -> int:
        """The bytes handed out so far."""
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Report the length (``seek(0, SEEK_END)``) or stay put; the body never rewinds."""
        if whence == os.SEEK_END and offset == 0:
            return self._size  # a length query: the position does not move (httpx seeks back at once)
        if whence == os.SEEK_SET and offset == self._position:
            return self._position
        raise io.UnsupportedOperation("an upload body is read once, forwards")

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left for -1); empty at the end."""
        self._check()
        wanted = self._size - self._position if size is None or size < 0 else size
        while len(self._buffer) < wanted:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        out, self._buffer = self._buffer[:wanted], self._buffer[wanted:]
        self._position += len(out)
        if self._position > self._size or (not out and wanted and self._position < self._size):
            raise BlobIntegrityError(
                f"The stored file is {self._position:,} bytes where {self._size:,} were recorded; nothing more is sent."
            )
        if self._md5 is not None:
            self._md5.update(out)
        if self._position == self._size and not self.finished:
            # Run the source to its end: the vault authenticates the stream's end only there.
            if self._buffer or next(self._chunks, None):
                raise BlobIntegrityError(f"The stored file is longer than the {self._size:,} bytes recorded.")
            self.finished = True
            self.finished_at = time.monotonic()
        return out

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Fill ``buffer`` from the stream."""
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
