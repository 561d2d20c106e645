"""A full-evidence export, when the setting asks for it, needs a second person's passphrase and logs both names."""

from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.domain.events import EventType
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.second_person import SecondReviewerCheck
from desktop_app.ui.bundles.export_dialog import BundleExportDialog
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads

SECOND_PASSPHRASE = "the second reviewer's own passphrase"


def _second_reviewer(workspace) -> SecondReviewerCheck:
    workspace.reviewers.add("Second Reviewer", SECOND_PASSPHRASE)
    return SecondReviewerCheck(workspace)


def test_full_evidence_needs_the_second_person_and_names_them(qtbot, pool, workspace, tmp_path):
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    record = reports.create_draft([item_id for item_id, _ in import_uploads(items, tmp_path).values()])
    record.draft.report = good_draft().report
    reports.save(record)
    dialog = BundleExportDialog(
        pool,
        BundleService(workspace, items, reports),
        record.report_id,
        second_person=_second_reviewer(workspace),
    )
    qtbot.addWidget(dialog)
    dialog.recipient_field.setText("ICAC Task Force")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("law-enforcement"))
    dialog.basis_field.setText("agency request ICAC-26-0042")
    dialog.keys_field.setPlainText(X25519Identity.generate().recipient.text)
    dialog.output_field.setText(str(tmp_path / "report.age"))
    assert not dialog.export_button.isEnabled() and "second person" in dialog.rule_label.text()
    dialog.hash_button.setChecked(True)
    assert dialog.export_button.isEnabled()  # hash-only needs no second person
    dialog.full_button.setChecked(True)

    dialog.confirmer_field.setText("Second Reviewer")
    dialog.confirmer_passphrase.setText("not the passphrase")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "does not open" in dialog.result_label.text(), timeout=30_000)
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=5_000)
    assert not (tmp_path / "report.age").exists() and dialog.confirmer_passphrase.text() == ""

    dialog.confirmer_passphrase.setText(SECOND_PASSPHRASE)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "SHA-256" in dialog.result_label.text(), timeout=30_000)
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=5_000)
    [event] = [e.event for e in workspace.events() if e.event.type is EventType.BUNDLE_EXPORTED]
    assert event.actor == "Test Reviewer" and event.data["confirmed_by"] == "Second Reviewer"
    assert event.data["profile"] == "full-evidence"
