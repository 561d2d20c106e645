"""A decrypted payload as a file ``tarfile`` reads in its ordinary mode, and evidence read from it without copies.

``tarfile``'s stream mode (``r|``) copies every byte two or three times on the way through
(its buffer is re-joined and re-sliced on each read): measured, that was half the checking
thread's time. Its ordinary mode needs only ``read``, ``tell`` and ``seek``, and on a sequential
pass it seeks forward only (past a member's padding, or to a member's data), so a forward-only
file object serves it: headers and small members are read as ``bytes`` (small copies), and an
evidence file's bytes come out of ``views`` as slices of the decrypted pieces themselves.

A seek backwards is refused as a damaged archive (``tarfile.ReadError``, which the checker reports
as a malformed bundle): nothing in a one-pass check of a well-formed archive needs one (a header
whose size is negative would), and a payload is authenticated as it is read, never twice.
"""

import io
import tarfile
from collections.abc import Iterator


class ForwardReader:
    """Read-only, forward-seeking file object over decrypted pieces (each a new buffer never changed afterwards)."""

    def __init__(self, pieces: Iterator[bytes | bytearray]) -> None:
        self._pieces = pieces
        self._current = memoryview(b"")
        self._position = 0

    def readable(self) -> bool:  # noqa: D102 - io protocol
        return True

    def seekable(self) -> bool:  # noqa: D102 - io protocol
        return True  # forward only; see ``seek``

    def tell(self) -> int:
        """Bytes of plaintext passed so far."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Skip forward to ``offset`` (or to the end, if the payload ends first)."""
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence != io.SEEK_SET:
            raise tarfile.ReadError("an encrypted payload cannot be seeked from its end")
        if offset < self._position:
            raise tarfile.ReadError(f"the archive goes back from byte {self._position} to {offset}")
        for _ in self.views(offset - self._position):
            pass
        return self._position

    def views(self, size: int) -> Iterator[memoryview]:
        """The next ``size`` bytes (fewer only at the payload's end) as views into the pieces: no copy.

        A view stays valid for as long as it is held (it keeps its piece alive), so it can be
        handed to another thread.
        """
        while size > 0:
            if not self._current:
                piece = next(self._pieces, None)
                if piece is None:
                    return
                self._current = memoryview(piece)
            view = self._current[:size]
            self._current = self._current[len(view) :]
            self._position += len(view)
            size -= len(view)
            yield view

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes (fewer only at the payload's end) as ``bytes``.

        There is no read-to-the-end: a hostile payload can be gigabytes long, and ``tarfile``
        always says how much it wants.
        """
        return b"".join(self.views(size))
