"""Closing a widget while its worker calls are in flight must not end in the crash dialog.

The services are the real ones, with the calls under test held at a gate: the call has started on
the pool when the reviewer closes the editor or the dialog, and finishes (its work done, stored and
logged) only after the widget is gone. Before the worker bridge took a receiver, a slot captured in
a lambda (or bound to a plain Python helper) then ran against deleted C++ objects.
"""

import threading

import shiboken6
from PySide6.QtWidgets import QApplication

from desktop_app.core.cybertipline.endpoint import CredentialStore
from desktop_app.core.domain.events import EventType
from desktop_app.core.platform.secrets import MemorySecretStore
from desktop_app.core.services.cybertipline import CyberTiplineService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.report.reports_page import ReportsPage
from tests.cybertipline_emulator import PASSWORD, USERNAME

NCMEC_ID = 4564654


class Gate:
    """Holds calls until opened; says when a call has reached it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def hold(self) -> None:
        self.reached.set()
        assert self.opened.wait(20), "the test never opened the gate"


class HeldReports(ReportService):
    """The real report service; recording NCMEC's id and reading the queue wait at gates."""

    def __init__(self, *args, record_gate: Gate, queue_gate: Gate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.record_gate = record_gate
        self.queue_gate = queue_gate

    def record_ncmec_report_id(self, report_id, ncmec_report_id):
        self.record_gate.hold()
        return super().record_ncmec_report_id(report_id, ncmec_report_id)

    def queue_items(self):
        self.queue_gate.hold()
        return super().queue_items()


class HeldCyberTipline(CyberTiplineService):
    """The real CyberTipline service; the connection check waits at a gate."""

    def __init__(self, *args, gate: Gate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate

    def check_connection(self, credentials=None, endpoint=None):
        self.gate.hold()
        return super().check_connection(credentials, endpoint)


def gone(widget) -> bool:
    QApplication.sendPostedEvents(None, 0)  # runs the deferred deletes (DeferredDelete) too
    return not shiboken6.isValid(widget)


def settle(qtbot, pool) -> None:
    """Every worker done and every queued delivery (or drop) handled."""
    assert pool.wait_for_done(20_000)
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=10_000)
    QApplication.processEvents()


def test_closing_the_report_editor_and_its_picker_mid_request(qtbot, pool, workspace):
    record_gate, queue_gate = Gate(), Gate()
    reports = HeldReports(workspace, ItemService(workspace), record_gate=record_gate, queue_gate=queue_gate)
    report_id = reports.create_draft().report_id
    page = ReportsPage(reports, pool)
    qtbot.addWidget(page)
    page.show()
    editor = page.open_report(report_id)
    qtbot.waitUntil(lambda: editor.record is not None, timeout=10_000)

    # The picker (a dialog) is closed while it still reads the queue...
    picker = editor.controller.files.open_queue_picker()
    assert queue_gate.reached.wait(10)
    picker.reject()
    qtbot.waitUntil(lambda: gone(picker), timeout=5000)
    # ...and the editor is closed while NCMEC's report id is being recorded.
    editor.record_ncmec_report_id(str(NCMEC_ID))
    assert record_gate.reached.wait(10)
    page.close_editor()
    qtbot.waitUntil(lambda: gone(editor), timeout=5000)

    with qtbot.captureExceptions() as raised:
        queue_gate.opened.set()
        record_gate.opened.set()
        settle(qtbot, pool)
    assert raised == []
    # The work itself was not dropped: the id is stored, and logged.
    assert reports.load(report_id).ncmec_report_id == NCMEC_ID
    assert [e for e in workspace.events() if e.event.type == EventType.REPORT_NCMEC_ID_RECORDED]


def test_closing_the_cybertipline_dialog_mid_check(qtbot, make_window, workspace, cybertipline_emulator, pool):
    gate = Gate()
    credentials = CredentialStore(MemorySecretStore())
    service = HeldCyberTipline(workspace, credentials, cybertipline_emulator.url, gate=gate)
    window = make_window(workspace, cybertipline=service)
    dialog = window.menus.open_cybertipline_connection()
    dialog.username_edit.setText(USERNAME)
    dialog.password_edit.setText(PASSWORD)
    dialog.check_button.click()
    assert gate.reached.wait(10)
    dialog.reject()  # as the reviewer closing it: the window made it delete itself on close
    qtbot.waitUntil(lambda: gone(dialog), timeout=5000)

    with qtbot.captureExceptions() as raised:
        gate.opened.set()
        settle(qtbot, pool)
    assert raised == []
    checked = [e for e in workspace.events() if e.event.type == EventType.CYBERTIPLINE_CONNECTION_CHECKED]
    assert [e.event.data.get("error", "ok") for e in checked] == ["ok"]
    assert credentials.load(cybertipline_emulator.url) is None  # a check saves nothing
