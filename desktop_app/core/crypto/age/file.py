"""Reading and writing age v1 files as streams (c2sp.org/age), on ``cryptography``.

Writing: ``AgeWriter`` is a write-only file object (tarfile can stream into it); the header goes
out first, then the payload through the STREAM implementation the vault uses
(``core.crypto.stream``), so memory stays one batch of chunks for any size. ``encrypt_chunks``
is the same as a generator.

Reading: ``open_age`` parses the header under ``ReaderLimits``, unwraps the file key, checks the
header MAC, and only then returns an ``AgeDecryption`` whose ``chunks()`` yields plaintext one
64 KiB chunk at a time, each released only after it (and its position, and whether it is the
last) authenticated. Whatever consumes the chunks must discard what it got if iteration raises:
the vault's blob writer does, and nothing here writes plaintext anywhere.

Why not pyrage: it holds the GIL for whole files, leaves unauthenticated plaintext in its
output file on failure, cannot stream with a passphrase, and parses long headers in quadratic
time (measured; see docs/bundle-format.md).
"""

import hmac
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from desktop_app.core.crypto import stream
from desktop_app.core.crypto.aead import hkdf, mac
from desktop_app.core.crypto.age import armor
from desktop_app.core.crypto.age.errors import (
    AgeError,
    AgeHeaderAltered,
    AgeHeaderInvalid,
    AgeNoMatchingIdentity,
    AgePayloadDamaged,
)
from desktop_app.core.crypto.age.header import (
    Header,
    ReaderLimits,
    b64_encode_raw,
    header_without_mac,
    parse_header,
)
from desktop_app.core.crypto.age.keys import Identity, Recipient, ScryptRecipient

_TEXT = frozenset(range(32, 127)) | frozenset(b"\t\r\n")


def _header_mac(file_key: bytes, mac_input: bytes) -> bytes:
    return mac(hkdf(file_key, salt=b"", info=b"header"), mac_input)


class AgeWriter:
    """Encrypts what is written to it into ``out`` as an age file; call ``finish()`` at the end.

    ``finish`` writes the final chunk: a file that was never finished has no final chunk and every
    age reader refuses it as truncated, so an interrupted export can never pass for a whole one.
    """

    def __init__(self, out: BinaryIO, recipients: Sequence[Recipient], hand_off: bool = False) -> None:
        """Write the header now; with ``hand_off``, ``out`` may keep what it is given (see ``StreamEncryptor``)."""
        if not recipients:
            raise ValueError("an age file needs at least one recipient")
        if any(isinstance(r, ScryptRecipient) for r in recipients) and len(recipients) > 1:
            raise AgeError("A passphrase-protected file can have no other recipient (age's rule).")
        file_key = stream.new_file_key()
        stanzas = [r.wrap(file_key) for r in recipients]
        mac_input = header_without_mac(stanzas)
        out.write(mac_input + b" " + b64_encode_raw(_header_mac(file_key, mac_input)) + b"\n")
        self._encryptor = stream.StreamEncryptor(file_key, out, stream.Cipher.CHACHA20_POLY1305, hand_off)
        self.plaintext_size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Add plaintext; returns its length (the file-object contract)."""
        self._encryptor.write(data)
        size = len(memoryview(data).cast("B"))
        self.plaintext_size += size
        return size

    def tell(self) -> int:
        """Plaintext bytes written so far (tarfile asks once; the writer never seeks)."""
        return self.plaintext_size

    def finish(self) -> None:
        """Seal the final chunk. Idempotent."""
        self._encryptor.finish()


class _Collector:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        yield from parts


def encrypt_chunks(plaintext: Iterable[bytes], recipients: Sequence[Recipient]) -> Iterator[bytes]:
    """Yield an age file, piece by piece, holding ``plaintext``."""
    sink = _Collector()
    writer = AgeWriter(sink, recipients)  # type: ignore[arg-type]  # write() is all it needs
    yield from sink.drain()
    for piece in plaintext:
        writer.write(piece)
        yield from sink.drain()
    writer.finish()
    yield from sink.drain()


def _payload_damaged(detail: str) -> AgePayloadDamaged:
    return AgePayloadDamaged(
        f"The encrypted content is damaged: {detail}. The file was altered or cut short; anything "
        "read from it has been discarded. Ask the sender for a fresh copy."
    )


_READ_BATCH_CHUNKS = 16  # sealed chunks read per system call and plaintext per piece yielded (~1 MiB)


def _open_into(aead: ChaCha20Poly1305, counter: int, sealed: memoryview, last: bool, target: memoryview) -> bool:
    """Decrypt one chunk into ``target`` (its exact plaintext size); False if it does not authenticate."""
    if len(sealed) < stream.TAG_SIZE:
        return False
    nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
    try:
        aead.decrypt_into(nonce, sealed, None, target[: len(sealed) - stream.TAG_SIZE])
    except InvalidTag:
        return False
    return True


def _fill(src: BinaryIO, target: memoryview) -> int:
    """Read into ``target`` until it is full or the source ends; the bytes read."""
    filled = 0
    while filled < len(target):
        count = src.readinto(target[filled:])  # type: ignore[attr-defined]  # always a BufferedReader here
        if not count:
            break
        filled += count
    return filled


class AgeDecryption:
    """An opened age file: header checked, file key known; the payload is read by ``chunks()``."""

    def __init__(self, header: Header, file_key: bytes, nonce: bytes, payload: BinaryIO) -> None:
        self.header = header
        self._file_key = file_key
        self._nonce = nonce
        self._payload = payload
        self._started = False

    def chunks(self) -> Iterator[bytes | bytearray]:
        """Authenticated plaintext, ~1 MiB at a time; raises ``AgePayloadDamaged`` at the first bad chunk.

        Chunks are released as the reference reader releases them: a full-size chunk is tried as a
        middle chunk, then as the final one; after the final chunk the file must end. They are read
        and decrypted 16 at a time (one read, no per-chunk allocation); when one fails, the chunks
        of its batch before it are yielded first and then the error raised, so exactly the same
        bytes come out as one chunk at a time (the test kit checks them). Each piece yielded is a
        new object the consumer may keep.
        """
        if self._started:
            raise RuntimeError("an age payload can be read only once")
        self._started = True
        aead = ChaCha20Poly1305(hkdf(self._file_key, salt=self._nonce, info=b"payload"))
        block = stream.CHUNK_SIZE + stream.TAG_SIZE
        sealed = memoryview(bytearray(_READ_BATCH_CHUNKS * block))
        counter = 0
        while True:
            filled = _fill(self._payload, sealed)
            if not filled:
                raise _payload_damaged("it ends without its final chunk (cut short)")
            plaintext = bytearray(filled)
            out = memoryview(plaintext)
            offset = done = 0
            problem: str | None = None
            last = False
            while offset < filled and problem is None:
                piece = sealed[offset : min(offset + block, filled)]
                last = len(piece) < block
                if last and len(piece) == stream.TAG_SIZE and counter > 0:
                    problem = "its final chunk is empty"
                    break
                opened = _open_into(aead, counter, piece, last, out[done:])
                if not opened and not last:
                    last = True
                    opened = _open_into(aead, counter, piece, last, out[done:])
                if not opened:
                    problem = f"chunk {counter} does not authenticate (altered, reordered or cut)"
                    break
                offset, done = offset + len(piece), done + len(piece) - stream.TAG_SIZE
                if last:
                    if offset < filled or self._payload.read(1):
                        problem = "there is data after its final chunk"
                    break
                counter += 1
            out.release()
            del plaintext[done:]
            if plaintext or (last and problem is None):
                yield plaintext  # only chunks that authenticated, in order
            if problem is not None:
                raise _payload_damaged(problem)
            if last:
                return


class _RawSource(io.RawIOBase):
    """Any readable binary file object as a raw stream, so it can be buffered (and peeked)."""

    def __init__(self, src: BinaryIO) -> None:
        super().__init__()
        self._src = src

    def readable(self) -> bool:  # noqa: D102 - io protocol
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Fill ``buffer`` with what one read of the source returns."""
        out = memoryview(buffer).cast("B")
        data = self._src.read(len(out))
        out[: len(data)] = data
        return len(data)


def open_age(src: BinaryIO, identities: Sequence[Identity], limits: ReaderLimits | None = None) -> AgeDecryption:
    """Open an age file (binary or armored) with the first identity that matches.

    Raises:
        AgeArmorInvalid, AgeHeaderInvalid (and its bounds subclasses), AgeNoMatchingIdentity,
        AgeHeaderAltered: nothing of the payload has been read.
    """
    limits = limits or ReaderLimits()
    buffered = src if isinstance(src, io.BufferedReader) else io.BufferedReader(_RawSource(src))
    if not buffered.peek(4).startswith(b"age-"):
        head = buffered.peek(64)[:64]
        if not head or any(c not in _TEXT for c in head):
            raise AgeHeaderInvalid(
                "This is not an age file (it starts neither with the age version line nor with an "
                "armor BEGIN line). Check you chose the right file."
            )
        armor.skip_leading_whitespace(buffered)
        buffered = io.BufferedReader(armor.ArmorReader(buffered), buffer_size=stream.CHUNK_SIZE)
    header = parse_header(buffered, limits)
    if any(s.type == "scrypt" for s in header.stanzas) and len(header.stanzas) != 1:
        raise AgeHeaderInvalid("This age file is damaged: a passphrase stanza must be its only recipient.")
    file_key = None
    for identity in identities:
        file_key = identity.unwrap(header.stanzas)
        if file_key is not None:
            break
    if file_key is None:
        raise AgeNoMatchingIdentity(
            "None of the keys or passphrases given opens this file. Check you chose the right key file "
            "or passphrase, and that the sender encrypted it to you."
        )
    if len(file_key) != 16:
        raise AgeHeaderInvalid("This age file is damaged: its file key has the wrong size.")
    if not hmac.compare_digest(_header_mac(file_key, header.mac_input), header.mac):
        raise AgeHeaderAltered(
            "This age file's header was altered after it was written (its MAC does not match). "
            "Do not trust it; ask the sender for a fresh copy."
        )
    nonce = buffered.read(stream.NONCE_SIZE)
    if len(nonce) != stream.NONCE_SIZE:
        raise AgeHeaderInvalid("This age file is damaged: it ends right after its header.")
    return AgeDecryption(header, file_key, nonce, buffered)
