"""Repeatable parts of the form beyond persons: IP address events, URLs of a web page, files.

Each adds and removes through the widgets a reviewer clicks, then checks the model and the XML.
"""

from PySide6.QtCore import Qt

from desktop_app.core.cybertipline.parse import parse_report
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.domain.events import EventType
from desktop_app.core.services.report_building import render_documents
from desktop_app.ui.report.rows import ElementRow
from tests.core.reports.helpers import UPLOADS, import_uploads

USER = "report/personOrUserReported[0]"


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def xml_of(editor):
    return serialize(editor.record.draft.report).decode("utf-8")


def test_ip_address_events_are_added_and_removed(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("reported")
    click(qtbot, editor.ctx.index.exact("report/personOrUserReported"))  # "Add reported user"
    for address in ("93.184.216.34", "2001:4860:4860::8888"):
        click(qtbot, editor.ctx.index.exact(f"{USER}/ipCaptureEvent"))  # "Add IP address event"
        count = len(editor.record.draft.report.get("personOrUserReported").all("ipCaptureEvent"))
        qtbot.keyClicks(editor.ctx.index.exact(f"{USER}/ipCaptureEvent[{count - 1}]/ipAddress"), address)
    qtbot.keyClicks(editor.ctx.index.exact(f"{USER}/ipCaptureEvent[1]/port"), "51515")
    user = editor.record.draft.report.get("personOrUserReported")
    assert [e.text("ipAddress") for e in user.all("ipCaptureEvent")] == ["93.184.216.34", "2001:4860:4860::8888"]
    assert xml_of(editor).count("<ipCaptureEvent>") == 2

    click(qtbot, editor.ctx.index.exact(f"{USER}/ipCaptureEvent[0]").remove_button)
    (event,) = user.all("ipCaptureEvent")
    assert (event.text("ipAddress"), event.text("port")) == ("2001:4860:4860::8888", "51515")
    # The remaining event's widgets moved up to index 0.
    assert editor.ctx.index.exact(f"{USER}/ipCaptureEvent[0]/ipAddress").text() == "2001:4860:4860::8888"
    assert editor.ctx.index.exact(f"{USER}/ipCaptureEvent[1]") is None
    xml = xml_of(editor)
    assert "93.184.216.34" not in xml and "<ipAddress>2001:4860:4860::8888</ipAddress>" in xml
    assert "<port>51515</port>" in xml

    assert editor.flush()
    stored = reports.load(editor.report_id).draft.report.get("personOrUserReported")
    assert [e.text("ipAddress") for e in stored.all("ipCaptureEvent")] == ["2001:4860:4860::8888"]


def test_urls_of_a_web_page_are_added_and_removed(qtbot, open_editor, reports):
    editor = open_editor(reports.create_draft().report_id)
    editor.show_section("internet")
    add_place = editor.ctx.index.exact("report/internetDetails")
    next(a for a in add_place.menu().actions() if a.text() == "Web page").trigger()
    page = "report/internetDetails[0]/webPageIncident"
    urls = ["https://forum.example.org/t/1", "https://forum.example.org/t/2", "https://cdn.example.net/a.jpg"]
    for n, url in enumerate(urls):
        click(qtbot, editor.ctx.index.exact(f"{page}/url"))  # "Add URL"
        qtbot.keyClicks(editor.ctx.index.exact(f"{page}/url[{n}]"), url)
    incident = editor.record.draft.report.get("internetDetails").get("webPageIncident")
    assert [u.value for u in incident.all("url")] == urls

    row = editor.ctx.index.exact(f"{page}/url[1]")
    while not isinstance(row, ElementRow):
        row = row.parentWidget()
    click(qtbot, row.remove_button)
    assert [u.value for u in incident.all("url")] == [urls[0], urls[2]]
    assert editor.ctx.index.exact(f"{page}/url[1]").text() == urls[2]
    parsed = parse_report(serialize(editor.record.draft.report)).root
    assert [u.value for u in parsed.get("internetDetails").get("webPageIncident").all("url")] == [urls[0], urls[2]]

    assert editor.flush()
    stored = reports.load(editor.report_id).draft.report.get("internetDetails").get("webPageIncident")
    assert [u.value for u in stored.all("url")] == [urls[0], urls[2]]


def test_a_file_removed_from_the_form_leaves_the_report_and_is_logged(
    qtbot, open_editor, reports, items, workspace, tmp_path
):
    uploads = import_uploads(items, tmp_path)
    (first, _), (second, _) = (uploads[row["original_name"]] for row in UPLOADS)
    editor = open_editor(reports.create_draft([first, second]).report_id)
    editor.show_section("files")
    assert len(editor.files_page.cards) == 2

    with qtbot.waitSignal(editor.saved, timeout=10_000):
        click(qtbot, editor.files_page.cards[0].remove_button)
    assert [f.item_id for f in editor.record.draft.files] == [second]
    assert [c.index for c in editor.files_page.cards] == [0]
    documents = render_documents(editor.record)
    assert [d.name for d in documents] == ["report.xml", "fileDetails-01.xml"]
    assert b"IMG_4811.jpg" in documents[1].data and not any(b"IMG_4810.jpg" in d.data for d in documents)

    stored = reports.load(editor.report_id)
    assert [f.item_id for f in stored.draft.files] == [second]
    removed = [e.event for e in workspace.events() if e.event.type == EventType.REPORT_FILE_REMOVED]
    assert [(e.subject, e.data) for e in removed] == [(editor.report_id, {"item": first})]
    assert first in {item.item_id for item in items.list_items()}  # still in the queue
