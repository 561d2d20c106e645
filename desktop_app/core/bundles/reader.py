"""Checking a bundle as a stream, without writing anything to disk.

Every member is checked against the manifest, the manifest against its signature, the custody
entries against the signed checkpoint.

Structural problems (a member name outside the format - ``../``, absolute, odd characters - a
link, a device, a duplicate, a member before the manifest, an oversized member) refuse the whole
bundle at once with ``BundleMalformed``. Content problems (a hash, a size, a signature, a proof)
are collected as ``Difference`` records so the recipient learns exactly what differs.
Evidence files go to an optional sink (the importer's vault writer) which is told to abort when
that file does not match; the caller keeps nothing unless the whole check is clean.
"""

import hashlib
import json
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from cryptography.exceptions import InvalidSignature

from desktop_app.core.bundles import layout
from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.bundles.tar_source import ForwardReader
from desktop_app.core.crypto.age.file import open_age
from desktop_app.core.crypto.age.keys import Identity
from desktop_app.core.crypto.merkle import verify_inclusion
from desktop_app.core.crypto.signed_note import CheckpointError, open_note, parse_and_verify, public_key_from_vkey
from desktop_app.core.hashing.parallel import INTAKE_GROUPS, ParallelDigests
from desktop_app.core.progress import CancelToken, Progress, ProgressGenerator

_COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Difference:
    """One way the bundle differs from what it claims. ``code`` is stable; ``message`` is for people."""

    code: str
    member: str
    message: str


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of checking a bundle."""

    manifest: dict[str, Any]
    verifier_key: str
    members: int
    evidence_bytes: int
    differences: tuple[Difference, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """Whether everything matched."""
        return not self.differences


class FileSink(Protocol):
    """Where an evidence file's bytes go while it is checked (the importer's vault writer)."""

    def write(self, data: bytes | memoryview) -> None:
        """Take the next bytes (a view the sink may keep: nobody changes it afterwards)."""
        ...

    def finish(self) -> None:
        """The file matched its manifest entry."""
        ...

    def abort(self) -> None:
        """The file did not match (or the check failed): discard it."""
        ...


def _malformed(detail: str) -> BundleMalformed:
    return BundleMalformed(f"This is not a well-formed Evidence Desk bundle: {detail}. Nothing from it was kept.")


def _check_member(member: tarfile.TarInfo, seen: set[str]) -> None:
    if not layout.is_member_name(member.name):
        raise _malformed(f"it contains a member named {member.name[:80]!r}, which the format does not allow")
    if not member.isreg():
        raise _malformed(f"{member.name} is a link, folder or device, not a regular file")
    if member.name in seen:
        raise _malformed(f"{member.name} appears twice")
    if len(seen) >= layout.MAX_MEMBERS:
        raise _malformed("it has too many members")
    seen.add(member.name)


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > layout.MAX_SMALL_MEMBER:
        raise _malformed(f"{member.name} is {member.size} bytes, far more than such a member can need")
    handle = tar.extractfile(member)
    data = handle.read() if handle is not None else b""
    if len(data) != member.size:
        raise _malformed(f"{member.name} is cut short")
    return data


class _Expectations:
    def __init__(self, manifest_bytes: bytes) -> None:
        try:
            manifest = json.loads(manifest_bytes)
            if manifest.get("format") != layout.FORMAT:
                raise ValueError(f"format {manifest.get('format')!r}")
            self.members: dict[str, dict[str, Any]] = {m["name"]: m for m in manifest["members"]}
            self.files: dict[str, dict[str, Any]] = {f["member"]: f for f in manifest["files"] if f.get("member")}
            self.verifier_key: str = manifest["workspace"]["verifier_key"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _malformed(f"its manifest is unreadable ({exc})") from None
        self.manifest: dict[str, Any] = manifest

    def compare(self, name: str, size: int, digests: dict[str, str]) -> list[Difference]:
        expected = self.members.get(name)
        if expected is None:
            return [Difference("unlisted-member", name, f"{name} is in the bundle but not in its manifest.")]
        found: list[Difference] = []
        if expected.get("size") != size:
            found.append(Difference("size", name, f"{name} is {size} bytes; the manifest says {expected.get('size')}."))
        wanted = {"sha256": expected.get("sha256")} | {
            k: self.files[name].get(k) for k in ("md5", "sha1", "sha256") if name in self.files
        }
        for algorithm, value in wanted.items():
            if digests.get(algorithm) != value:
                found.append(
                    Difference(
                        algorithm,
                        name,
                        f"{name}: {algorithm.upper()} is {digests.get(algorithm)}; the manifest says {value}.",
                    )
                )
        return found


def _digest_stream(
    source: ForwardReader, member: tarfile.TarInfo, sink: FileSink | None, cancel: CancelToken | None
) -> dict[str, str]:
    """Hash (and hand to ``sink``) one evidence file's bytes, as views of the decrypted pieces.

    ``tarfile`` yields a member with the payload standing at its data, and before the next header
    it skips what is left (the padding); so exactly ``member.size`` bytes are read here, without a
    copy (``tar_source``). Sparse members (whose stored bytes are not the file) are refused: the
    format never writes them.
    """
    if member.sparse is not None or member.type == tarfile.GNUTYPE_SPARSE:
        raise _malformed(f"{member.name} is stored as a sparse file, which the format does not use")
    if source.tell() != member.offset_data:
        raise _malformed(f"{member.name}'s data is not where its header says")  # a bug, or tarfile changed
    digests = ParallelDigests(INTAKE_GROUPS)  # MD5 | SHA-1 + SHA-256 beside decryption, as intake does
    try:
        left = member.size
        for view in source.views(member.size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            left -= len(view)
            digests.update(view)
            if sink is not None:
                sink.write(view)
        if left:
            raise _malformed(f"{member.name} is cut short")
        return digests.hexdigests()
    finally:
        digests.close()


def only_zeros_follow(tar: tarfile.TarFile, cancel: CancelToken | None = None) -> bool:
    """Read what follows a stream-mode archive's end-of-archive block to the payload's end: all zeros?

    ``tarfile`` stops at the first zero block, and the stream is read 1 MiB at a time; when the
    record padding runs past such a boundary, the age layer would never see the final chunk. So a
    bundle cut short at a chunk boundary, or with bytes after its final chunk, would check clean
    (``age -d`` refuses both), and a member behind a junk block (GNU tar skips the junk and
    extracts it) would go unread. Reading on makes the age layer authenticate the final chunk and look past it.
    """
    stream = tar.fileobj
    assert stream is not None  # an archive being read always has one
    while data := stream.read(_COPY_CHUNK):
        if data.count(0) != len(data):
            return False
        if cancel is not None:  # a hostile file can pad for gigabytes
            cancel.raise_if_cancelled()
    return True


def check_bundle(
    src: BinaryIO,
    identities: Sequence[Identity],
    expected_verifier_key: str | None = None,
    open_sink: Callable[[dict[str, Any]], FileSink] | None = None,
    cancel: CancelToken | None = None,
) -> ProgressGenerator[BundleCheck]:
    """Decrypt and check a bundle as a stream; returns what differs (nothing, if it is intact).

    Raises:
        AgeError subclasses: the age layer failed (wrong key, damaged or altered file).
        BundleMalformed: the tar stream breaks the format's rules.
    """
    decryption = open_age(src, identities)
    seen: set[str] = set()
    held: dict[str, bytes] = {}
    expectations: _Expectations | None = None
    differences: list[Difference] = []
    evidence_bytes = 0
    source = ForwardReader(decryption.chunks())
    try:
        tar = tarfile.TarFile(fileobj=source, mode="r")  # type: ignore[arg-type]  # read, tell, seek: all it uses
    except tarfile.TarError as exc:
        raise _malformed(f"its content is not a tar stream ({exc})") from None
    try:
        for member in tar:
            _check_member(member, seen)
            if expectations is None and member.name not in (layout.README, layout.MANIFEST):
                raise _malformed(f"{member.name} comes before the manifest")
            if member.name.startswith("files/"):
                assert expectations is not None
                entry = expectations.files.get(member.name)
                sink = open_sink(entry) if (open_sink is not None and entry is not None) else None
                try:
                    digests = _digest_stream(source, member, sink, cancel)
                    found = expectations.compare(member.name, member.size, digests)
                except BaseException:
                    if sink is not None:
                        sink.abort()
                    raise
                if sink is not None:
                    (sink.abort if found else sink.finish)()
                differences += found
                evidence_bytes += member.size
            else:
                data = _read_small(tar, member)
                if member.name == layout.MANIFEST:
                    expectations = _Expectations(data)
                    held[member.name] = data
                    for name, early in held.items():
                        if name == layout.README:
                            differences += expectations.compare(name, len(early), _digests(early))
                else:
                    held[member.name] = data
                    if expectations is not None and member.name != layout.MANIFEST_SIGNATURE:
                        differences += expectations.compare(member.name, len(data), _digests(data))
            yield Progress(evidence_bytes, None, member.name)
        if not only_zeros_follow(tar, cancel):
            raise _malformed("it has data after the end of its archive")
    except tarfile.TarError as exc:
        raise _malformed(f"its tar stream is damaged ({exc})") from None
    if expectations is None:
        raise _malformed("it has no manifest")
    for name in expectations.members:
        if name not in seen:
            differences.append(Difference("missing-member", name, f"{name} is in the manifest but not in the bundle."))
    differences += _check_signatures(expectations, held, expected_verifier_key)
    return BundleCheck(expectations.manifest, expectations.verifier_key, len(seen), evidence_bytes, tuple(differences))


def _digests(data: bytes) -> dict[str, str]:
    return {"sha256": hashlib.sha256(data).hexdigest()}


def _check_signatures(
    expectations: _Expectations, held: dict[str, bytes], expected_key: str | None
) -> list[Difference]:
    found: list[Difference] = []
    vkey = expectations.verifier_key
    if expected_key is not None and expected_key.strip() != vkey:
        found.append(
            Difference(
                "unexpected-key",
                layout.MANIFEST,
                "The bundle is signed by a different workspace key than the one you expected: do not trust it.",
            )
        )
    try:
        origin, public_key = public_key_from_vkey(vkey)
    except CheckpointError as exc:
        return found + [Difference("verifier-key", layout.MANIFEST, f"The workspace key is malformed: {exc}.")]
    statement = layout.manifest_statement(hashlib.sha256(held[layout.MANIFEST]).hexdigest())
    try:
        signed = open_note(held.get(layout.MANIFEST_SIGNATURE, b"").decode("utf-8", "replace"), origin, public_key)
        if signed != statement:
            raise ValueError("it vouches for a different manifest")
    except (CheckpointError, InvalidSignature, ValueError) as exc:
        found.append(
            Difference("manifest-signature", layout.MANIFEST_SIGNATURE, f"The manifest's signature fails: {exc}.")
        )
    found += _check_custody(held.get(layout.CUSTODY), origin, public_key)
    return found


def _check_custody(data: bytes | None, origin: str, public_key: Any) -> list[Difference]:
    if data is None:
        return []  # reported as a missing member already
    name = layout.CUSTODY
    try:
        custody = json.loads(data)
        checkpoint = parse_and_verify(custody["checkpoint"], origin, public_key)
    except (CheckpointError, InvalidSignature) as exc:
        why = f"The checkpoint is not signed by this workspace's key: {exc}."
        return [Difference("checkpoint-signature", name, why)]
    except (ValueError, KeyError, TypeError) as exc:
        return [Difference("custody-unreadable", name, f"The custody record is unreadable ({exc}).")]
    found: list[Difference] = []
    for entry in custody.get("entries", []):
        try:
            seq = int(entry["seq"])
            ok = verify_inclusion(
                bytes.fromhex(entry["leaf_hash"]),
                seq - 1,
                checkpoint.size,
                [bytes.fromhex(p) for p in entry["proof"]],
                checkpoint.root,
            )
        except (ValueError, KeyError, TypeError):
            seq, ok = -1, False
        if not ok:
            found.append(
                Difference("inclusion-proof", name, f"Custody entry {seq} is not proven to be in the signed log.")
            )
    return found
