"""SIGTERM and SIGINT stop the app as Quit does: the draft saved, the stop logged, a checkpoint sealed."""

import os
import signal

import pytest

from desktop_app.core.domain.events import EventType
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.reports import ReportService
from desktop_app.ui.shutdown import ShutdownOnSignal
from tests.conftest import PASSPHRASE


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_saves_the_draft_logs_the_stop_and_leaves_a_verifiable_log(
    qtbot, qapp, workspace, make_window, number
):
    reports = ReportService(workspace, ItemService(workspace))
    window = make_window(workspace, reports=reports)
    page = window.reports_page
    window.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(page.report_opened, timeout=10_000):
        page.new_report()
    editor = page.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=10_000)
    editor.autosave.stop()  # what is typed now is only in the form: the stop must save it
    qtbot.keyClicks(editor.ctx.index.exact("report/incidentSummary/platform"), "Example Forum")

    reasons: list[str] = []

    def stop(reason: str) -> None:  # what app.py does, then its finally: block
        reasons.append(reason)
        window.close()
        workspace.lock(reason)

    shutdown = ShutdownOnSignal(qapp, stop)
    try:
        os.kill(os.getpid(), number)
        qtbot.waitUntil(lambda: bool(reasons), timeout=10_000)
    finally:
        shutdown.uninstall()
    assert reasons == [signal.Signals(number).name]
    assert not workspace.is_unlocked

    workspace.unlock(PASSPHRASE, quiet=True)  # reading it back adds nothing
    last, seal = (logged.event for logged in workspace.events()[-2:])
    assert last.type == EventType.WORKSPACE_LOCKED and last.data == {"reason": signal.Signals(number).name}
    assert seal.type == EventType.CHECKPOINT_SIGNED and seal.data["size"] == len(workspace.events()) - 1
    assert workspace.verify_log(record=False).ok
    stored = reports.load(editor.report_id)
    assert stored.draft.report.get("incidentSummary").text("platform") == "Example Forum"
