"""Sealing a report as a bundle, and checking it the way a recipient would."""

import hashlib
import io
import json
import shutil
import subprocess
import tarfile

import pytest

from desktop_app.core.bundles.errors import BundleNotAllowed
from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.bundles.reader import check_bundle
from desktop_app.core.crypto.age.errors import AgeNoMatchingIdentity
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.domain.events import EventType
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.bundles import ExportRequest
from desktop_app.core.storage.reports import ReportStore

LAW_ENFORCEMENT = ExportRequest("Det. Example, ICAC unit", RecipientRole.LAW_ENFORCEMENT, Profile.FULL_EVIDENCE,
                                legal_basis="18 U.S.C. 2258A(g)(4)(A): request of the investigating agency")
COUNSEL = ExportRequest("Outside counsel", RecipientRole.COUNSEL, Profile.HASH_ONLY)


def export(sealed_report, identity, tmp_path, request=LAW_ENFORCEMENT):
    bundles, report_id, _ = sealed_report
    out = tmp_path / "bundle.age"
    result = run_to_completion(bundles.export_report(report_id, [identity.recipient], out, request))
    return result, out


def check(path, identity, **kwargs):
    with open(path, "rb") as handle:
        return run_to_completion(check_bundle(handle, [identity], **kwargs))


def test_a_full_evidence_bundle_carries_everything_and_checks_clean(sealed_report, recipient_identity, tmp_path):
    result, out = export(sealed_report, recipient_identity, tmp_path)
    assert result.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    verdict = check(out, recipient_identity)
    assert verdict.ok, verdict.differences
    _, _, uploads = sealed_report
    files = verdict.manifest["files"]
    assert [f["original_names"] for f in files] == [["IMG_4810.jpg"], ["IMG_4811.jpg"]]
    for entry, (_, data) in zip(files, uploads.values(), strict=True):
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["md5"] == hashlib.md5(data).hexdigest()
        assert entry["sha1"] == hashlib.sha1(data).hexdigest()
        assert "pdq" in entry and "vpdq" in entry  # None here: this queue was not analysed
        assert entry["sources"][0]["uploader_account_id"] == "u-7731"
    assert [f["viewed"] for f in files] == [True, False]
    assert verdict.evidence_bytes == sum(len(d) for _, d in uploads.values())
    assert verdict.manifest["recipient"]["role"] == "law-enforcement"


def test_the_export_is_a_custody_event_proven_in_the_bundle(sealed_report, recipient_identity, tmp_path, workspace):
    export(sealed_report, recipient_identity, tmp_path)
    kinds = [e.event.type for e in workspace.events()]
    assert EventType.BUNDLE_EXPORTED in kinds and EventType.BUNDLE_WRITTEN in kinds
    exported = next(e.event for e in workspace.events() if e.event.type == EventType.BUNDLE_EXPORTED)
    assert exported.data["recipient"] == "Det. Example, ICAC unit" and exported.data["profile"] == "full-evidence"
    assert {m["name"] for m in exported.data["contents"]} >= {"files/0001.bin", "report/report.xml"}
    members = _members(tmp_path / "bundle.age", recipient_identity)
    custody = json.loads(members["custody/log.json"])
    types = [e["event"]["type"] for e in custody["entries"]]
    assert "bundle.exported" in types and "item.added" in types and "item.revealed" in types
    assert workspace.verify_log().ok


def test_a_hash_only_bundle_has_no_depictions(sealed_report, recipient_identity, tmp_path):
    _, out = export(sealed_report, recipient_identity, tmp_path, COUNSEL)
    verdict = check(out, recipient_identity)
    assert verdict.ok, verdict.differences
    assert verdict.evidence_bytes == 0
    assert not [n for n in _members(out, recipient_identity) if n.startswith("files/")]
    assert all(f["member"] is None and f["sha256"] for f in verdict.manifest["files"])


def test_depictions_go_to_counsel_only_with_legal_process(sealed_report, recipient_identity, tmp_path):
    request = ExportRequest("Counsel", RecipientRole.COUNSEL, Profile.FULL_EVIDENCE, legal_basis="discovery")
    with pytest.raises(BundleNotAllowed):
        export(sealed_report, recipient_identity, tmp_path, request)
    assert not list(tmp_path.glob("*.age*"))
    allowed = ExportRequest("Counsel", RecipientRole.COUNSEL, Profile.FULL_EVIDENCE, "subpoena", "Case 25-cv-0001")
    _, out = export(sealed_report, recipient_identity, tmp_path, allowed)
    assert check(out, recipient_identity).ok


def test_only_the_recipient_opens_it(sealed_report, recipient_identity, tmp_path):
    _, out = export(sealed_report, recipient_identity, tmp_path)
    with pytest.raises(AgeNoMatchingIdentity):
        check(out, X25519Identity.generate())


NO_AGE = "the age tool is missing (./dev installs the Debian package age)"


@pytest.mark.skipif(shutil.which("age") is None, reason=NO_AGE)
def test_stock_age_and_tar_open_it(sealed_report, recipient_identity, tmp_path):
    _, out = export(sealed_report, recipient_identity, tmp_path)
    key = tmp_path / "key.txt"
    key.write_text(recipient_identity.text + "\n")
    plaintext = subprocess.run(["age", "-d", "-i", str(key), str(out)], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        names = tar.getnames()
        data = tar.extractfile("files/0001.bin").read()
    assert names[:4] == ["README.txt", "manifest.json", "manifest.sig", "custody/log.json"]
    _, _, uploads = sealed_report
    assert data == next(iter(uploads.values()))[1]


def _members(path, identity):
    from desktop_app.core.crypto.age.file import open_age

    with open(path, "rb") as handle:
        plaintext = b"".join(open_age(handle, [identity]).chunks())
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_import_streams_the_evidence_into_another_desks_vault(sealed_report, recipient_identity, tmp_path, other_desk):
    _, out = export(sealed_report, recipient_identity, tmp_path)
    service, other = other_desk
    result = run_to_completion(service.import_bundle(out, [recipient_identity]))
    assert result.check.ok and len(result.blob_ids) == 2
    _, _, uploads = sealed_report
    assert [other.vault().read_bytes(b) for b in result.blob_ids] == [d for _, d in uploads.values()]
    imported = [e.event for e in other.events() if e.event.type == EventType.BUNDLE_IMPORTED]
    assert imported[0].data["files"][0]["original_names"] == ["IMG_4810.jpg"]
    assert other.verify_log().ok
    assert sorted(p.name for p in other.blob_dir.iterdir()) == sorted(result.blob_ids)  # no temp files


def test_a_cancelled_export_leaves_no_file_behind(sealed_report, recipient_identity, tmp_path, workspace):
    from desktop_app.core.errors import OperationCancelled
    from desktop_app.core.progress import CancelToken

    bundles, report_id, _ = sealed_report
    folder = tmp_path / "out"
    folder.mkdir()
    cancel = CancelToken()
    out = folder / "bundle.age"
    steps = bundles.export_report(report_id, [recipient_identity.recipient], out, LAW_ENFORCEMENT, cancel)
    with pytest.raises(OperationCancelled):
        for _ in steps:
            cancel.cancel()  # at the first progress: the evidence files are still to come
    assert list(folder.iterdir()) == []  # neither the bundle nor its .partial
    kinds = [e.event.type for e in workspace.events()]
    assert EventType.BUNDLE_EXPORT_ABANDONED in kinds and EventType.BUNDLE_WRITTEN not in kinds


def test_the_report_is_read_once_so_the_bundle_packs_the_version_checked(
    sealed_report, recipient_identity, tmp_path, monkeypatch
):
    """The export checks the row against the log and renders it; the files packed come from that same read."""
    _, report_id, _ = sealed_report
    reads = []
    real = ReportStore.load

    def counted(self, conn, wanted):  # the real store, counted: a second read could see another row
        reads.append(wanted)
        return real(self, conn, wanted)

    monkeypatch.setattr(ReportStore, "load", counted)
    export(sealed_report, recipient_identity, tmp_path)
    assert reads == [report_id]
