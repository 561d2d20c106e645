"""The report form as a reviewer uses it: typing, adding, findings, files from the queue, lock/unlock."""

import hashlib

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox

from desktop_app.core.cybertipline.findings import Severity
from desktop_app.ui.report.delegates import BADGE_ROLE
from desktop_app.ui.report.findings_panel import CODE_ROLE, PATH_ROLE
from desktop_app.ui.report.rows import ElementRow
from tests.conftest import PASSPHRASE
from tests.core.reports.helpers import UPLOADS, import_uploads, reveal


def row_of(widget) -> ElementRow:
    while not isinstance(widget, ElementRow):
        widget = widget.parentWidget()
    return widget


def click(qtbot, widget):
    # A check box reacts to clicks on its box and text, not on the empty width a layout gives it.
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def codes(editor):
    return {(f.code, f.path) for f in editor.findings}


def test_typing_an_invalid_email_shows_the_field_error_and_fixing_it_clears_it(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("reporter")
    click(qtbot, editor.ctx.index.exact("report/reporter/reportingPerson/email"))  # "Add email"
    field = editor.ctx.index.exact("report/reporter/reportingPerson/email[0]")
    row = row_of(field)

    assert not field.property("invalid")
    qtbot.keyClicks(field, "trust.example.org")
    qtbot.waitUntil(row.message.isVisible)
    assert [f.code for f in row.message.findings] == ["invalid-email"]
    assert "not a valid email address" in row.message.text()
    assert field.property("invalid") is True  # outlined, not only captioned

    field.clear()
    qtbot.keyClicks(field, "trust@example.org")
    assert not row.message.isVisible() and row.message.findings == []
    assert field.property("invalid") is False
    email = editor.record.draft.report.get("reporter").get("reportingPerson").get("email")
    assert email.value == "trust@example.org"


def test_adding_a_second_reported_person_on_a_non_batched_report_raises_the_finding(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("reported")
    add = editor.ctx.index.exact("report/personOrUserReported")
    click(qtbot, add)
    with qtbot.waitSignal(editor.findings_updated, timeout=5000):
        pass
    assert not [c for c in codes(editor) if c[0] == "multiple-reported-persons"]

    click(qtbot, editor.ctx.index.exact("report/personOrUserReported"))
    with qtbot.waitSignal(editor.findings_updated, timeout=5000):
        pass
    assert ("multiple-reported-persons", "report/personOrUserReported[1]") in codes(editor)
    reported_row = editor.keys.index("reported")
    assert editor.section_list.item(reported_row).data(BADGE_ROLE) == 1

    box = editor.ctx.index.exact("report/personOrUserReported[1]")
    click(qtbot, box.remove_button)
    with qtbot.waitSignal(editor.findings_updated, timeout=5000):
        pass
    assert not [c for c in codes(editor) if c[0] == "multiple-reported-persons"]
    assert len(editor.record.draft.report.all("personOrUserReported")) == 1


def test_a_report_built_from_two_imported_items_carries_their_hashes_and_viewed_flags(
    qtbot, open_editor, reports, items, tmp_path
):
    uploads = import_uploads(items, tmp_path)
    (first, first_bytes), (second, second_bytes) = (uploads[row["original_name"]] for row in UPLOADS)
    reveal(items, first)
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("files")

    picker = editor.controller.files.open_queue_picker()
    qtbot.waitUntil(lambda: picker.model.rowCount() == 2, timeout=10_000)
    picker.select_ids([first, second])
    with qtbot.waitSignal(editor.findings_updated, timeout=10_000):
        click(qtbot, picker.add_button)

    cards = editor.files_page.cards
    assert [card.viewed_box.isChecked() for card in cards] == [True, False]
    files = editor.record.draft.files
    assert [f.item_id for f in files] == [first, second]
    for entry, data in zip(files, (first_bytes, second_bytes), strict=True):
        hashes = {h.attribute("hashType"): h.value for h in entry.details.all("originalFileHash")}
        assert hashes == {
            "MD5": hashlib.md5(data).hexdigest(),
            "SHA1": hashlib.sha1(data).hexdigest(),
            "SHA256": hashlib.sha256(data).hexdigest(),
        }
    assert [f.details.text("fileViewedByEsp") for f in files] == ["true", "false"]
    assert ("referral-file-not-viewed", "fileDetails[1]/fileViewedByEsp") in codes(editor)
    assert editor.record.draft.report.get("personOrUserReported").text("espIdentifier") == "u-7731"

    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.flush()
    stored = reports.load(editor.report_id)
    assert [f.details.text("fileViewedByEsp") for f in stored.draft.files] == ["true", "false"]


def test_clicking_a_finding_focuses_its_field(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor.window())
    view = editor.findings_panel.view
    model = editor.findings_panel.model

    def activate(path):
        row = next(r for r in range(model.rowCount()) if model.data(model.index(r), PATH_ROLE) == path)
        rect = view.visualRect(model.index(row))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))

    activate("report/incidentSummary/incidentType")
    assert editor.current_section == "incident"
    incident_type = editor.ctx.index.exact("report/incidentSummary/incidentType")
    assert isinstance(incident_type, QComboBox) and incident_type.hasFocus()

    activate("report/reporter/reportingPerson/email[0]")  # not there yet: lands on "Add email"
    assert editor.current_section == "reporter"
    assert editor.ctx.index.exact("report/reporter/reportingPerson/email").hasFocus()


def test_a_viewed_flag_against_the_log_takes_a_reason_that_is_logged(
    qtbot, open_editor, reports, items, workspace, tmp_path
):
    uploads = import_uploads(items, tmp_path)
    item_id = next(iter(uploads.values()))[0]
    editor = open_editor(reports.create_draft([item_id]).report_id)
    editor.show_section("files")
    box = editor.files_page.cards[0].viewed_box
    assert not box.isChecked()

    click(qtbot, box)
    dialog = editor.controller.files.viewed_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.ok_button.isEnabled()  # no reason, no change
    qtbot.keyClicks(dialog.reason_field, "Viewed in the moderation console")
    click(qtbot, dialog.ok_button)

    assert editor.files_page.cards[0].viewed_box.isChecked()
    assert "moderation console" in editor.files_page.cards[0].provenance.text()
    assert editor.flush()
    logged = [e.event.data for e in workspace.events() if str(e.event.type) == "report.viewed-flag-overridden"]
    assert logged == [{"item": item_id, "viewed": True, "reason": "Viewed in the moderation console"}]


def test_cancelling_the_reason_leaves_the_flag_as_the_log_says(qtbot, open_editor, reports, items, tmp_path):
    uploads = import_uploads(items, tmp_path)
    editor = open_editor(reports.create_draft([next(iter(uploads.values()))[0]]).report_id)
    editor.show_section("files")
    click(qtbot, editor.files_page.cards[0].viewed_box)
    editor.controller.files.viewed_dialog.reject()
    assert not editor.files_page.cards[0].viewed_box.isChecked()
    assert editor.record.overrides == {}


def test_autosave_stores_changes_with_a_custody_event(qtbot, open_editor, reports, workspace):
    editor = open_editor(reports.create_draft().report_id)
    platform = editor.ctx.index.exact("report/incidentSummary/platform")
    with qtbot.waitSignal(editor.saved, timeout=10_000) as saved:
        qtbot.keyClicks(platform, "Example Forum")
    assert saved.args[0].paths == ("report/incidentSummary/platform",)
    assert reports.load(editor.report_id).draft.report.get("incidentSummary").text("platform") == "Example Forum"
    changed = [e.event for e in workspace.events() if str(e.event.type) == "report.changed"]
    assert changed[-1].data["paths"] == ["report/incidentSummary/platform"]
    assert "Saved" in editor.save_status.text()


def test_drafts_survive_lock_and_unlock_and_reopen_identical(qtbot, open_editor, reports, workspace):
    editor = open_editor(reports.create_draft().report_id)
    incident_type = editor.ctx.index.exact("report/incidentSummary/incidentType")
    incident_type.setCurrentIndex(2)
    incident_type.activated.emit(2)
    qtbot.keyClicks(editor.ctx.index.exact("report/incidentSummary/platform"), "Example Forum")
    click(qtbot, editor.ctx.index.exact("report/incidentSummary/incidentDateTime"))  # "Add date and time"
    editor.show_section("reported")
    click(qtbot, editor.ctx.index.exact("report/personOrUserReported"))
    qtbot.keyClicks(editor.ctx.index.exact("report/personOrUserReported[0]/screenName"), "user_one")
    assert editor.flush()
    before = editor.record.draft.to_json()

    workspace.lock()
    workspace.unlock(PASSPHRASE)
    again = open_editor(editor.report_id)

    assert again.record.draft.to_json() == before
    assert again.ctx.index.exact("report/incidentSummary/platform").text() == "Example Forum"
    assert again.ctx.index.exact("report/personOrUserReported[0]/screenName").text() == "user_one"
    assert again.ctx.index.exact("report/incidentSummary/incidentType").currentIndex() == 2


def test_sections_are_reached_by_keyboard(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor.window())
    editor.section_list.setFocus()
    assert editor.current_section == "incident"
    qtbot.keyClick(editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert editor.current_section == "internet"
    qtbot.keyClick(editor.section_list, Qt.Key.Key_Down)
    assert editor.current_section == "reported"
    qtbot.keyClick(editor, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert editor.current_section == "incident"


def test_where_it_happened_adds_the_chosen_kind_of_place(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("internet")
    button = editor.ctx.index.exact("report/internetDetails")
    chat = next(a for a in button.menu().actions() if a.text() == "Chat or instant message")
    chat.trigger()
    qtbot.keyClicks(editor.ctx.index.exact("report/internetDetails[0]/chatImIncident/chatClient"), "Example DMs")
    details = editor.record.draft.report.get("internetDetails")
    assert details.get("chatImIncident").text("chatClient") == "Example DMs"


def test_tags_add_their_group_only_while_one_is_set(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    box = editor.ctx.index.exact("report/incidentSummary/reportAnnotations/sextortion")
    assert isinstance(box, QCheckBox)
    click(qtbot, box)
    summary = editor.record.draft.report.get("incidentSummary")
    assert summary.get("reportAnnotations").get("sextortion") is not None
    click(qtbot, box)
    assert summary.get("reportAnnotations") is None


def test_a_time_without_zone_or_in_the_future_is_flagged_as_typed(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    click(qtbot, editor.ctx.index.exact("report/incidentSummary/incidentDateTime"))
    moment = row_of(editor.ctx.index.exact("report/incidentSummary/incidentDateTime"))
    field = moment.field
    field.zone.addItem("(no zone)")
    field.zone.setCurrentText("(no zone)")
    field.zone.activated.emit(field.zone.currentIndex())
    assert [f.code for f in moment.message.findings] == ["missing-timezone"]
    field.zone.setCurrentText("Z")
    field.zone.activated.emit(field.zone.currentIndex())
    # The test clock is 2025-06-01; "Add date and time" took the real now, which is later.
    assert [f.code for f in moment.message.findings] == ["not-in-past"]
    assert moment.message.findings[0].severity is Severity.ERROR


@pytest.mark.parametrize("key", ["files", "preview"])
def test_a_text_only_report_is_complete_without_files(qtbot, open_editor, reports, key):
    from tests.core.cybertipline.samples import minimal_report

    record = reports.create_draft()
    record.draft.report = minimal_report()
    reports.save(record)
    editor = open_editor(record.report_id)
    editor.show_section(key)
    assert not [f for f in editor.findings if f.severity is Severity.ERROR]
    if key == "preview":
        assert editor.preview_page.preview.document_choice.count() == 1
        assert "Ready" in editor.preview_page.preview.summary.toPlainText()
    else:
        assert editor.files_page.cards == []


def test_the_preview_shows_the_exact_bytes_of_each_document(qtbot, open_editor, reports, items, tmp_path):
    from desktop_app.core.services.report_building import render_documents

    uploads = import_uploads(items, tmp_path)
    editor = open_editor(reports.create_draft([i for i, _ in uploads.values()]).report_id)
    editor.show_section("preview")
    preview = editor.preview_page.preview
    documents = render_documents(editor.record)
    assert [preview.document_choice.itemText(i) for i in range(preview.document_choice.count())] == [
        d.name for d in documents
    ]
    for index, document in enumerate(documents):
        preview.document_choice.setCurrentIndex(index)
        assert preview.xml.toPlainText() == document.data.decode("utf-8")
        assert preview.note.isHidden() != document.placeholder_ids
    assert "IMG_4810.jpg" in preview.summary.toPlainText()


def test_finding_codes_reach_the_model_roles(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    model = editor.findings_panel.model
    found = {model.data(model.index(r), CODE_ROLE) for r in range(model.rowCount())}
    assert {"required-missing", "reporting-person-email"} <= found


def test_a_required_field_left_empty_is_outlined_until_filled(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.refresh_findings()
    incident_type = editor.ctx.index.exact("report/incidentSummary/incidentType")
    assert isinstance(incident_type, QComboBox) and incident_type.property("invalid") is True
    assert "Choose the incident type." in {f.message for f in editor.findings}
    incident_type.setCurrentIndex(1)
    incident_type.activated.emit(1)
    editor.refresh_findings()
    assert incident_type.property("invalid") is False
