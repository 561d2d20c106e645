"""A report filed through the API carries NCMEC's receipt, byte for byte, in its bundle."""

import io
import tarfile

from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.crypto.age.file import open_age
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.domain.submission import Environment, SubmissionState
from desktop_app.core.progress import CancelToken, run_to_completion
from desktop_app.core.services.bundles import BundleService, ExportRequest
from tests.core.submission.conftest import items, reports, server, submissions  # noqa: F401 - fixtures
from tests.core.submission.helpers import import_media, new_report

NCMEC = ExportRequest("NCMEC (API down)", RecipientRole.NCMEC, Profile.FULL_EVIDENCE, legal_basis="18 U.S.C. 2258A(a)")


def test_a_filed_reports_bundle_holds_the_archived_receipt(workspace, items, reports, submissions, tmp_path):  # noqa: F811
    item_ids = import_media(items, tmp_path / "media", pictures=1, video=False)
    report_id = new_report(reports, item_ids)
    status = run_to_completion(submissions.submit(report_id, Environment.PRACTICE, CancelToken()))
    assert status.state is SubmissionState.FINISHED, status.advice
    archived = workspace.vault().read_bytes(status.receipt_blob_id)

    identity = X25519Identity.generate()
    bundles = BundleService(workspace, items, reports, receipt_for=submissions.receipt)
    out = tmp_path / "filed.age"
    run_to_completion(bundles.export_report(report_id, [identity.recipient], out, NCMEC))

    with open(out, "rb") as handle:
        plain = b"".join(open_age(handle, [identity]).chunks())
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        receipts = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("receipt/")}
    assert list(receipts.values()) == [archived], sorted(receipts)
    assert status.ncmec_report_id in next(iter(receipts))


def test_a_draft_has_no_receipt(reports, submissions):  # noqa: F811
    assert submissions.receipt(new_report(reports, [])) == []
