"""The bundle check must read the age payload to its authenticated end, whatever the tar says.

``tarfile`` stops at the first zero block, and the check reads the payload 1 MiB at a time: when
the end-of-archive blocks fall before a 1 MiB boundary and the tar's record padding runs past it
(our own writer does this when the end blocks end up to 9 KiB before a MiB boundary, about one
bundle over 1 MiB in two hundred; GNU tar with a large blocking factor does too), the last age
chunk was never read. Then a bundle with its final chunk cut off, or with bytes appended, or
with a member hidden after the end-of-archive blocks, checked clean although ``age -d``
refuses it.
"""

import io
import json
import shutil
import subprocess
import tarfile

import pytest

from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.crypto.age.errors import AgePayloadDamaged
from desktop_app.core.crypto.age.file import encrypt_chunks
from desktop_app.core.domain.events import EventType
from desktop_app.core.progress import run_to_completion
from tests.core.bundles.test_bundle_tamper import _copy, genuine, verdict  # noqa: F401 - genuine: a fixture

MIB = 1024 * 1024


def _tar_body(members):
    """The members as tarfile writes them, without the end-of-archive blocks and record padding."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(_copy(info), io.BytesIO(data))
        body = tar.offset
    return buffer.getvalue()[:body]


def _sealed(members, identity, hidden=b""):
    """The genuine members; the end-of-archive blocks end by 1 MiB, the zero padding runs past it.

    ``hidden`` goes right after the two zero blocks (a member ``tarfile`` never reads).
    """
    body = _tar_body(members)
    assert len(body) + 1024 + len(hidden) <= MIB, "the genuine bundle grew: use a larger boundary"
    payload = body + bytes(1024) + hidden
    payload += bytes(MIB + 6144 - len(payload))  # a whole number of 10 KiB records, as tarfile pads
    assert len(payload) % tarfile.RECORDSIZE == 0
    return b"".join(encrypt_chunks([payload], [identity.recipient]))


def _age_refuses(sealed, identity, tmp_path):
    """Whether ``age -d`` refuses it (True, unchecked, where the age tool is not installed)."""
    if shutil.which("age") is None:
        return True
    key, bundle = tmp_path / "key.txt", tmp_path / "cut.age"
    key.write_text(identity.text + "\n")
    bundle.write_bytes(sealed)
    return subprocess.run(["age", "-d", "-i", str(key), str(bundle)], capture_output=True).returncode != 0


def test_the_padded_bundle_is_well_formed_and_checks_clean(genuine, recipient_identity):  # noqa: F811
    assert verdict(_sealed(genuine, recipient_identity), recipient_identity).ok


def test_a_bundle_cut_at_the_chunk_before_its_final_one_is_refused(genuine, recipient_identity, tmp_path):  # noqa: F811
    sealed = _sealed(genuine, recipient_identity)
    cut = sealed[: len(sealed) - (6144 + 16)]  # the final chunk (padding zeros only) is gone
    assert _age_refuses(cut, recipient_identity, tmp_path)
    with pytest.raises(AgePayloadDamaged, match="cut short"):
        verdict(cut, recipient_identity)


def test_bytes_after_a_bundles_final_chunk_are_refused(genuine, recipient_identity, tmp_path):  # noqa: F811
    extended = _sealed(genuine, recipient_identity) + b"appended by someone else"
    assert _age_refuses(extended, recipient_identity, tmp_path)
    with pytest.raises(AgePayloadDamaged):  # they join the final chunk, which then fails
        verdict(extended, recipient_identity)


def test_a_member_hidden_after_the_end_of_archive_blocks_is_refused(genuine, recipient_identity):  # noqa: F811
    extra = tarfile.TarInfo("files/0009.bin")
    extra.size = 3
    hidden = extra.tobuf(tarfile.PAX_FORMAT) + b"abc" + bytes(509)
    with pytest.raises(BundleMalformed, match="after the end of its archive"):
        verdict(_sealed(genuine, recipient_identity, hidden), recipient_identity)


def test_importing_a_bundle_cut_before_its_final_chunk_keeps_nothing(genuine, recipient_identity, other_desk, tmp_path):  # noqa: F811
    """Every evidence file was read, hashed and sealed into the vault before the cut shows: all go."""
    sealed = _sealed(genuine, recipient_identity)
    path = tmp_path / "cut.age"
    path.write_bytes(sealed[: len(sealed) - (6144 + 16)])
    service, other = other_desk
    with pytest.raises(AgePayloadDamaged):
        run_to_completion(service.import_bundle(path, [recipient_identity]))
    assert list(other.blob_dir.iterdir()) == []
    assert EventType.BUNDLE_IMPORTED not in [e.event.type for e in other.events()]


def test_our_writer_makes_that_shape_and_a_cut_of_it_is_refused(recipient_identity):
    """``write_bundle`` itself: the end blocks end exactly at 1 MiB, its record padding runs 6 KiB past."""
    from desktop_app.core.bundles.layout import FORMAT
    from desktop_app.core.bundles.writer import BundleContents, StreamedMember, write_bundle

    manifest = json.dumps({"format": FORMAT, "members": [], "files": [], "workspace": {"verifier_key": "-"}})
    size = MIB - 5 * tarfile.BLOCKSIZE  # two headers, the manifest, the two end blocks
    contents = BundleContents(
        [("manifest.json", manifest.encode())], [StreamedMember("files/0001.bin", size, lambda: [bytes(size)])], 0
    )
    out = io.BytesIO()
    written = run_to_completion(write_bundle(out, [recipient_identity.recipient], contents))
    assert written.plaintext_size == MIB + 6144
    sealed = out.getvalue()
    assert not verdict(sealed, recipient_identity).ok  # well formed; it differs from its (empty) manifest
    with pytest.raises(AgePayloadDamaged, match="cut short"):
        verdict(sealed[: len(sealed) - (6144 + 16)], recipient_identity)


def test_reading_a_long_padding_after_the_end_can_be_cancelled(genuine, recipient_identity):  # noqa: F811
    """Reading on past the end must not become an uncancellable wait (zeros cost a sender nothing)."""
    from desktop_app.core.bundles.reader import check_bundle
    from desktop_app.core.errors import OperationCancelled
    from desktop_app.core.progress import CancelToken

    payload = _tar_body(genuine) + bytes(4 * MIB)
    cancel = CancelToken()
    steps = check_bundle(
        io.BytesIO(b"".join(encrypt_chunks([payload], [recipient_identity.recipient]))),
        [recipient_identity],
        cancel=cancel,
    )
    with pytest.raises(OperationCancelled):
        for progress in steps:
            if progress.message == genuine[-1][0].name:  # the last member is read: the padding is next
                cancel.cancel()
