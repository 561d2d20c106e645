"""The Reports page (drafts list + editor), the form's models, sections and summary."""

from datetime import UTC, datetime

from desktop_app.core.cybertipline.findings import error, warning
from desktop_app.core.cybertipline.model import ReportDraft
from desktop_app.core.cybertipline.schema import REPORT
from desktop_app.core.services.report_building import ReportSummary
from desktop_app.ui.report.dialogs import QueueItemsModel
from desktop_app.ui.report.drafts_model import REPORT_ID_ROLE, DraftListModel
from desktop_app.ui.report.findings_panel import FindingsModel, describe_path
from desktop_app.ui.report.sections import FILES_KEY, SECTIONS, section_of
from desktop_app.ui.report.summary import summary_html
from tests.conftest import PASSPHRASE
from tests.core.cybertipline.samples import good_draft
from tests.core.reports.helpers import import_uploads


def test_new_reports_are_listed_and_opened(qtbot, page, reports, items, tmp_path):
    ids = [item_id for item_id, _ in import_uploads(items, tmp_path).values()]
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.new_report(ids)
    editor = page.editor
    qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    assert [f.item_id for f in editor.record.draft.files] == ids
    assert page.model.rowCount() == 1
    assert "2 files" in page.model.data(page.model.index(0, 0))

    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.new_report()  # text-only
    assert page.model.rowCount() == 2 and page.editor.report_id != editor.report_id

    first_row = page.model.row_of(editor.report_id)
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.table.selectRow(first_row)
    assert page.editor.report_id == editor.report_id


def test_locking_clears_everything_decrypted_and_unlocking_brings_the_draft_back(qtbot, page, reports, workspace):
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.new_report()
    editor = page.editor
    qtbot.waitSignal(editor.loaded, timeout=10_000).wait()
    qtbot.keyClicks(editor.ctx.index.exact("report/incidentSummary/platform"), "Example Forum")
    assert page.flush()  # what the window does before it locks
    report_id = editor.report_id
    workspace.lock()
    page.clear()
    assert page.editor is None and page.model.rowCount() == 0

    workspace.unlock(PASSPHRASE)
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        page.reload()
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.table.selectRow(page.model.row_of(report_id))
    qtbot.waitSignal(page.editor.loaded, timeout=10_000).wait()
    assert page.editor.ctx.index.exact("report/incidentSummary/platform").text() == "Example Forum"


def summary(report_id="a" * 32, errors=0):
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    return ReportSummary(report_id, moment, moment, "draft", "Child Sex Trafficking", "user_one", 2, errors, 1, None)


def test_the_models_pass_the_model_tester(qtmodeltester, items, tmp_path):
    drafts = DraftListModel()
    drafts.set_summaries([summary(), summary("b" * 32, errors=3)])
    qtmodeltester.check(drafts)
    assert drafts.data(drafts.index(1, 0), REPORT_ID_ROLE) == "b" * 32
    assert drafts.data(drafts.index(0, 2)) == "ready" and drafts.data(drafts.index(1, 2)) == "3"
    assert drafts.data(drafts.index(1, 0)) == "Child Sex Trafficking\nuser_one · 2 files · bbbbbbbb"

    findings = FindingsModel()
    findings.set_findings([error("report/incidentSummary/incidentType", "required-missing", "Needed.")])
    qtmodeltester.check(findings)

    queue = QueueItemsModel()
    import_uploads(items, tmp_path)
    queue.set_items(items.list_items())
    qtmodeltester.check(queue)


def test_every_part_of_a_report_is_on_exactly_one_page():
    placed = [name for section in SECTIONS for name in section.children]
    assert sorted(placed) == sorted(child.name for child in REPORT.children)
    assert len(placed) == len(set(placed))
    assert section_of("report/reporter/reportingPerson/email[0]") == "reporter"
    assert section_of("fileDetails[1]/fileViewedByEsp") == FILES_KEY
    assert section_of("report/batchedReport/@reason") == "incident"


def test_finding_paths_read_as_words():
    assert describe_path("report/personOrUserReported[1]/ipCaptureEvent[0]/port") == (
        "Reported user 2 › IP address event 1 › Source port"
    )
    assert describe_path("fileDetails[0]/originalFileHash[2]/@hashType") == "File 1 › Original file hash 3 › Hash type"
    assert describe_path("report/notAThing") == "report/notAThing"


def test_the_summary_says_whether_it_is_ready_and_escapes_what_people_typed():
    draft = good_draft()
    draft.report.get("incidentSummary").set("platform", "<b>Forum & Co</b>")
    html = summary_html(draft, [warning("report", "referral-no-location", "No location.")])
    assert "Ready: NCMEC would accept this report." in html and "1 suggestion" in html
    assert "&lt;b&gt;Forum &amp; Co&lt;/b&gt;" in html and "<b>Forum" not in html
    assert "Online Enticement of Children for Sexual Acts" in html and "File 1: upload-1.jpg" in html
    assert "Not ready: 1 error" in summary_html(ReportDraft(), [error("report", "x", "y")])
