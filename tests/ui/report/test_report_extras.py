"""Around the form: NCMEC's report id and earlier reports to cite (end to end), the reporter profile bar."""

from PySide6.QtCore import Qt

from desktop_app.core.domain.events import EventType
from tests.core.cybertipline.samples import good_draft

PRIOR = "<priorCTReports>4564654</priorCTReports>"


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def events(workspace, kind, subject=None):
    return [
        e.event for e in workspace.events() if e.event.type == kind and (subject is None or e.event.subject == subject)
    ]


def open_on_page(qtbot, page, report_id):
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.table.selectRow(page.model.row_of(report_id))
    qtbot.waitUntil(lambda: page.editor.record is not None, timeout=10_000)
    return page.editor


# -- NCMEC's report id, and citing it from a later report --------------------------------------------


def test_an_ncmec_id_recorded_on_one_report_is_offered_on_the_next_about_that_account_and_cited(
    qtbot, page, reports, workspace
):
    earlier = reports.create_draft()  # report A, about account u-1001
    earlier.draft.report.add("personOrUserReported").add("espIdentifier", "u-1001")
    reports.save(earlier)
    later = reports.create_draft()  # report B, a complete report about the same account
    later.draft.report = good_draft().report
    later.draft.report.get("personOrUserReported").add("priorCTReports", 250799407)  # filed before the app
    reports.save(later)
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        page.reload()

    editor = open_on_page(qtbot, page, earlier.report_id)
    bar = editor.ncmec_bar
    assert bar.field.text() == "" and not bar.record_button.isEnabled()
    qtbot.keyClicks(bar.field, "4564654")
    with qtbot.waitSignal(editor.ncmec_id_recorded, timeout=10_000):
        click(qtbot, bar.record_button)
    assert reports.load(earlier.report_id).ncmec_report_id == 4564654
    [recorded] = [e.data for e in events(workspace, EventType.REPORT_NCMEC_ID_RECORDED, earlier.report_id)]
    assert recorded["ncmec_report_id"] == 4564654 and "previous" not in recorded  # with its transparency figures
    assert not bar.record_button.isEnabled() and bar.message.isVisible()

    editor = open_on_page(qtbot, page, later.report_id)
    editor.show_section("reported")
    box = editor.prior_box
    assert box.isVisible() and [b.text() for b in box.buttons] == ["Cite report 4564654 (account ID u-1001)"]
    with qtbot.waitSignal(editor.findings_updated, timeout=5000):
        click(qtbot, box.buttons[0])
    user = editor.record.draft.report.get("personOrUserReported")
    assert [v.value for v in user.all("priorCTReports")] == ["250799407", "4564654"]
    assert editor.ctx.index.exact("report/personOrUserReported[0]/priorCTReports[1]").text() == "4564654"
    # The workspace knows the id it recorded; the older one it cannot vouch for, so that one is a warning.
    assert [(f.path, f.severity) for f in editor.findings if f.code == "prior-report-unknown"] == [
        ("report/personOrUserReported[0]/priorCTReports[0]", "warning")
    ]

    editor.show_section("preview")
    assert PRIOR in editor.preview_page.preview.xml.toPlainText()
    assert editor.flush()
    export = reports.export_xml(later.report_id)
    assert PRIOR.encode() in export.documents[0].data


def test_what_is_not_a_report_number_is_refused_where_it_was_typed(qtbot, open_editor, reports, workspace):
    editor = open_editor(reports.create_draft().report_id)
    bar = editor.ncmec_bar
    for typed in ("0", "CT-4564654"):
        bar.field.clear()
        qtbot.keyClicks(bar.field, typed)
        qtbot.keyClick(bar.field, Qt.Key.Key_Return)
        assert bar.message.isVisible() and "not a CyberTipline report number" in bar.message.text()
        assert bar.record_button.isEnabled()  # to try again once it is fixed
    qtbot.keyClicks(bar.field, "x")
    assert not bar.message.isVisible()  # typing clears the complaint
    assert reports.load(editor.report_id).ncmec_report_id is None
    assert events(workspace, EventType.REPORT_NCMEC_ID_RECORDED) == []


def test_an_id_already_recorded_for_another_report_is_refused_with_the_reason(qtbot, open_editor, reports):
    other = reports.create_draft()
    reports.record_ncmec_report_id(other.report_id, 4564654)
    editor = open_editor(reports.create_draft().report_id)
    qtbot.keyClicks(editor.ncmec_bar.field, "4564654")
    click(qtbot, editor.ncmec_bar.record_button)
    qtbot.waitUntil(editor.ncmec_bar.message.isVisible, timeout=10_000)
    assert other.report_id[:8] in editor.ncmec_bar.message.text()
    assert reports.load(editor.report_id).ncmec_report_id is None


def test_the_recorded_id_is_shown_when_the_report_is_opened_again(qtbot, open_editor, reports):
    record = reports.create_draft()
    reports.record_ncmec_report_id(record.report_id, 4564654)
    editor = open_editor(record.report_id)
    assert editor.ncmec_bar.field.text() == "4564654" and not editor.ncmec_bar.record_button.isEnabled()


# -- the reporter profile bar --------------------------------------------------------------------------

PROFILE = {"firstName": "Quillonette", "lastName": "Vandermeerschaft", "email": "q.v@trust-desk-4417.example"}


def test_fill_from_saved_profile_puts_it_in_the_form_and_the_change_is_logged(qtbot, open_editor, reports, workspace):
    record = reports.create_draft()  # no profile yet: an empty reporter part
    saved = record.draft.report.get("reporter").copy()
    for name, value in PROFILE.items():
        saved.get("reportingPerson").add(name, value)
    saved.add("legalURL", "https://trust-desk-4417.example/legal")
    reports.save_reporter_profile(saved)
    editor = open_editor(record.report_id)
    editor.show_section("reporter")
    bar = editor.profile_bar

    with qtbot.waitSignal(editor.saved, timeout=10_000) as stored:
        click(qtbot, bar.use_button)
    assert bar.status.text() == "Filled from your saved profile."
    for name in ("firstName", "lastName"):
        assert editor.ctx.index.exact(f"report/reporter/reportingPerson/{name}").text() == PROFILE[name]
    assert editor.ctx.index.exact("report/reporter/reportingPerson/email[0]").text() == PROFILE["email"]
    assert editor.ctx.index.exact("report/reporter/legalURL").text() == "https://trust-desk-4417.example/legal"
    assert editor.record.draft.report.get("reporter") == saved
    assert "reporting-person-email" not in {f.code for f in editor.findings}
    changed = events(workspace, EventType.REPORT_CHANGED, record.report_id)[-1].data
    assert "report/reporter/reportingPerson/firstName" in changed["paths"] == list(stored.args[0].paths)
    assert not any(value in str(changed) for value in PROFILE.values())  # paths only, never values


def test_fill_without_a_saved_profile_says_so_and_changes_nothing(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    before = editor.record.draft.to_json()
    click(qtbot, editor.profile_bar.use_button)
    qtbot.waitUntil(lambda: "No profile saved yet" in editor.profile_bar.status.text(), timeout=10_000)
    assert editor.record.draft.to_json() == before


def test_save_as_reporter_profile_keeps_the_section_for_new_reports_and_is_logged(
    qtbot, open_editor, reports, workspace
):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("reporter")
    qtbot.keyClicks(editor.ctx.index.exact("report/reporter/reportingPerson/firstName"), PROFILE["firstName"])
    click(qtbot, editor.ctx.index.exact("report/reporter/reportingPerson/email"))  # "Add email"
    qtbot.keyClicks(editor.ctx.index.exact("report/reporter/reportingPerson/email[0]"), PROFILE["email"])

    click(qtbot, editor.profile_bar.save_button)
    qtbot.waitUntil(lambda: editor.profile_bar.status.text() == "Saved as your reporter profile.", timeout=10_000)
    profile = reports.reporter_profile()
    assert profile == editor.record.draft.report.get("reporter")
    assert profile.get("reportingPerson").text("email") == PROFILE["email"]
    (saved,) = events(workspace, EventType.REPORTER_PROFILE_SAVED)
    assert {"report/reporter/reportingPerson/firstName", "report/reporter/reportingPerson/email[0]"} <= set(
        saved.data["paths"]
    )
    assert reports.create_draft().draft.report.get("reporter") == profile
