"""Hostile bundles: escaping names, links, devices, a lying manifest, a checkpoint from another key.

Each is built by re-packing a genuine bundle (so everything else about it is right) and sealing
it again to the recipient; each is refused or reported, quickly, with nothing written anywhere.
"""

import base64
import io
import json
import tarfile
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_app.core.bundles.errors import BundleMalformed
from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.bundles.reader import check_bundle
from desktop_app.core.crypto.age.file import encrypt_chunks, open_age
from desktop_app.core.crypto.signed_note import Checkpoint, sign_checkpoint
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.bundles import ExportRequest

REQUEST = ExportRequest("NCMEC", RecipientRole.NCMEC, Profile.FULL_EVIDENCE, legal_basis="18 U.S.C. 2258A(a)")


@pytest.fixture
def genuine(sealed_report, recipient_identity, tmp_path):
    bundles, report_id, _ = sealed_report
    out = tmp_path / "bundle.age"
    run_to_completion(bundles.export_report(report_id, [recipient_identity.recipient], out, REQUEST))
    plaintext = b"".join(open_age(io.BytesIO(out.read_bytes()), [recipient_identity]).chunks())
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]


def repack(members, identity, extra=()):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in list(members) + list(extra):
            info = _copy(info)
            if info.isreg():
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return b"".join(encrypt_chunks([buffer.getvalue()], [identity.recipient]))


def _copy(info):
    clone = tarfile.TarInfo(info.name)
    for attr in ("size", "mtime", "mode", "type", "linkname", "uid", "gid", "uname", "gname", "devmajor", "devminor"):
        setattr(clone, attr, getattr(info, attr))
    return clone


def verdict(sealed, identity):
    started = time.process_time()  # CPU seconds: a loaded machine does not stretch them
    result = run_to_completion(check_bundle(io.BytesIO(sealed), [identity]))
    assert time.process_time() - started < 1.0
    return result


def test_the_repacked_genuine_bundle_still_checks_clean(genuine, recipient_identity):
    assert verdict(repack(genuine, recipient_identity), recipient_identity).ok


def _member(name, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(
    "hostile",
    [
        (_member("../escape.txt"), b"x"),
        (_member("/etc/cron.d/evil"), b"x"),
        (_member("files/../../x.bin"), b"x"),
        (_member("files/0009.bin", tarfile.SYMTYPE, "/etc/passwd"), b""),
        (_member("files/0009.bin", tarfile.LNKTYPE, "manifest.json"), b""),
        (_member("files/0009.bin", tarfile.CHRTYPE), b""),
        (_member("files/0009.bin", tarfile.FIFOTYPE), b""),
        (_member("report", tarfile.DIRTYPE), b""),
        (_member("report/report.xml"), b"<duplicate/>"),
        (_member("files\\0009.bin"), b"x"),
        (_member("files/0009.bin", tarfile.GNUTYPE_SPARSE), b"x" * 600),
    ],
    ids=["dotdot", "absolute", "nested-dotdot", "symlink", "hardlink", "device", "fifo", "directory", "duplicate",
         "backslash", "sparse"],
)
def test_hostile_members_refuse_the_whole_bundle(genuine, recipient_identity, hostile, tmp_path):
    sealed = repack(genuine, recipient_identity, extra=[hostile])
    with pytest.raises(BundleMalformed) as refused:
        verdict(sealed, recipient_identity)
    assert refused.value.code == "bundle-malformed" and "Nothing from it was kept" in refused.value.message
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path.parent / "escape.txt").exists()


def test_a_member_before_the_manifest_is_refused(genuine, recipient_identity):
    reordered = [genuine[-1]] + genuine[:-1]
    with pytest.raises(BundleMalformed):
        verdict(repack(reordered, recipient_identity), recipient_identity)


def test_an_altered_evidence_file_is_named_with_each_hash_that_differs(genuine, recipient_identity):
    altered = [(i, d[:-1] + bytes([d[-1] ^ 1]) if i.name == "files/0002.bin" else d) for i, d in genuine]
    result = verdict(repack(altered, recipient_identity), recipient_identity)
    assert {(d.code, d.member) for d in result.differences} == {
        ("md5", "files/0002.bin"), ("sha1", "files/0002.bin"), ("sha256", "files/0002.bin"),
    }


def test_a_manifest_that_lies_about_a_hash_fails_its_signature_and_the_hash(genuine, recipient_identity):
    def lie(info, data):
        if info.name != "manifest.json":
            return info, data
        manifest = json.loads(data)
        manifest["files"][0]["sha256"] = "0" * 64
        return info, json.dumps(manifest).encode()

    result = verdict(repack([lie(i, d) for i, d in genuine], recipient_identity), recipient_identity)
    codes = {(d.code, d.member) for d in result.differences}
    assert ("manifest-signature", "manifest.sig") in codes
    assert ("sha256", "files/0001.bin") in codes


def test_a_checkpoint_signed_by_another_key_is_reported(genuine, recipient_identity):
    def forge(info, data):
        if info.name != "custody/log.json":
            return info, data
        custody = json.loads(data)
        origin = custody["verifier_key"].split("+")[0]
        honest = custody["checkpoint"]
        size = int(honest.splitlines()[1])
        root = root_of(honest)
        custody["checkpoint"] = sign_checkpoint(Checkpoint(origin, size, root), origin, Ed25519PrivateKey.generate())
        return info, json.dumps(custody).encode()

    result = verdict(repack([forge(i, d) for i, d in genuine], recipient_identity), recipient_identity)
    codes = {d.code for d in result.differences}
    assert "checkpoint-signature" in codes
    assert "sha256" in codes  # and the custody member no longer matches the signed manifest


def test_a_broken_inclusion_proof_is_reported(genuine, recipient_identity):
    def break_proof(info, data):
        if info.name != "custody/log.json":
            return info, data
        custody = json.loads(data)
        custody["entries"][0]["leaf_hash"] = "00" * 32
        return info, json.dumps(custody).encode()

    result = verdict(repack([break_proof(i, d) for i, d in genuine], recipient_identity), recipient_identity)
    assert "inclusion-proof" in {d.code for d in result.differences}


def test_a_missing_member_is_reported(genuine, recipient_identity):
    result = verdict(repack([(i, d) for i, d in genuine if i.name != "files/0001.bin"], recipient_identity),
                     recipient_identity)
    assert [(d.code, d.member) for d in result.differences] == [("missing-member", "files/0001.bin")]


def test_a_different_expected_key_is_reported(genuine, recipient_identity):
    sealed = repack(genuine, recipient_identity)
    other = "evidence-desk/00+00000000+AAAA"
    result = run_to_completion(check_bundle(io.BytesIO(sealed), [recipient_identity], expected_verifier_key=other))
    assert [d.code for d in result.differences] == ["unexpected-key"]


def root_of(note):
    """The root hash line of a checkpoint note (read, not verified: the forger copies it)."""
    return base64.b64decode(note.splitlines()[2])


def test_importing_an_altered_bundle_keeps_nothing(genuine, recipient_identity, other_desk, tmp_path):
    altered = [(i, d[:-1] + bytes([d[-1] ^ 1]) if i.name == "files/0002.bin" else d) for i, d in genuine]
    path = tmp_path / "altered.age"
    path.write_bytes(repack(altered, recipient_identity))
    service, other = other_desk
    result = run_to_completion(service.import_bundle(path, [recipient_identity]))
    assert not result.check.ok and result.blob_ids == ()
    assert list(other.blob_dir.iterdir()) == []


def test_importing_a_hostile_bundle_writes_nothing_anywhere(genuine, recipient_identity, other_desk, tmp_path):
    path = tmp_path / "hostile.age"
    path.write_bytes(repack(genuine, recipient_identity, extra=[(_member("../escape.txt"), b"x")]))
    service, other = other_desk
    with pytest.raises(BundleMalformed):
        run_to_completion(service.import_bundle(path, [recipient_identity]))
    assert list(other.blob_dir.iterdir()) == []
    assert not list(tmp_path.rglob("escape.txt"))


def test_a_tar_stream_that_ends_inside_an_evidence_file_is_refused(genuine, recipient_identity):
    """The age layer is intact (sealed after the cut): the tar reader itself must notice the end."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in genuine:
            tar.addfile(_copy(info), io.BytesIO(data))
    evidence = next(info for info, _ in genuine if info.name.startswith("files/") and info.size > 2)
    whole = buffer.getvalue()
    start = whole.index(next(data for info, data in genuine if info is evidence)[:512])
    sealed = b"".join(encrypt_chunks([whole[: start + evidence.size // 2]], [recipient_identity.recipient]))
    with pytest.raises(BundleMalformed, match="is cut short"):
        verdict(sealed, recipient_identity)
