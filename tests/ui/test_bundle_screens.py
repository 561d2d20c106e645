"""The bundle dialogs, driven offscreen over a real workspace: export, then check (intact and altered)."""

import os
from pathlib import Path

import pytest

from desktop_app.core.bundles.reader import check_bundle
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.bundles import BundleService
from desktop_app.ui.bundles.export_dialog import BundleExportDialog
from desktop_app.ui.bundles.verify_dialog import BundleVerifyDialog
from tests.ui.helpers import report_with_two_files
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def report(workspace, tmp_path):
    items, reports, report_id = report_with_two_files(workspace, tmp_path)
    return BundleService(workspace, items, reports), report_id


def test_export_dialog_enforces_the_rules_then_exports(qtbot, pool, report, tmp_path, shots):
    bundles, report_id = report
    key = X25519Identity.generate()
    dialog = BundleExportDialog(pool, bundles, report_id)
    qtbot.addWidget(dialog)
    dialog.recipient_field.setText("Outside counsel, Example LLP")
    dialog.role_box.setCurrentIndex(2)  # counsel: no depictions without legal process
    dialog.keys_field.setPlainText(key.recipient.text)
    dialog.output_field.setText(str(tmp_path / "report.age"))
    assert not dialog.export_button.isEnabled() and "legal process" in dialog.rule_label.text()
    grab(dialog, shots / "bundle-export-refused.png")

    dialog.hash_button.setChecked(True)
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "SHA-256" in dialog.result_label.text(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=5_000)
    path = grab(dialog, shots / "bundle-export.png")
    assert distinct_colours(path) > 3 and (tmp_path / "report.age").is_file()


def test_verify_dialog_shows_intact_and_altered(qtbot, pool, report, tmp_path, shots):
    bundles, report_id = report
    from desktop_app.core.bundles.layout import Profile, RecipientRole
    from desktop_app.core.services.bundles import ExportRequest

    key = X25519Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(key.text + "\n")
    out = tmp_path / "bundle.age"
    request = ExportRequest("ICAC Task Force", RecipientRole.LAW_ENFORCEMENT, Profile.FULL_EVIDENCE, "agency request")
    run_to_completion(bundles.export_report(report_id, [key.recipient], out, request))

    dialog = BundleVerifyDialog(pool)
    qtbot.addWidget(dialog)
    dialog.bundle_field.setText(str(out))
    dialog.key_field.setText(str(key_file))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: "Intact" in dialog.verdict.text(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=5_000)
    grab(dialog, shots / "bundle-verify-intact.png")

    with open(out, "rb") as handle:
        genuine = run_to_completion(check_bundle(handle, [key]))
    from desktop_app.core.bundles.reader import BundleCheck, Difference

    altered = BundleCheck(genuine.manifest, genuine.verifier_key, genuine.members, genuine.evidence_bytes, (
        Difference("sha256", "files/0002.bin", "files/0002.bin: SHA256 is 5f1c…; the manifest says 9ad0…."),
        Difference("checkpoint-signature", "custody/log.json",
                   "The checkpoint is not signed by this workspace's key: signature does not verify."),
    ))
    dialog.differences.clear()
    dialog.show_check(altered)
    assert dialog.differences.count() == 2 and "2 differences" in dialog.verdict.text()
    grab(dialog, shots / "bundle-verify-differences.png")
