import logging
import sys
import threading

import pytest
from PySide6.QtCore import qInfo
from PySide6.QtGui import QGuiApplication

from desktop_app import __version__
from desktop_app.ui.crash import CrashHandler, build_crash_report


def exc_info_of(exc):
    try:
        raise exc
    except type(exc):
        return sys.exc_info()


def test_report_has_version_traceback_and_recent_log():
    report = build_crash_report(exc_info_of(ValueError("boom")), ["line one", "line two"])
    assert __version__ in report
    assert "Traceback" in report and "ValueError: boom" in report
    assert report.rstrip().endswith("line one\nline two")


@pytest.mark.expect_log_warnings(r"desktop_app\.ui\.crash: Unexpected error")
def test_excepthook_shows_a_copyable_dialog_and_appends_further_crashes(qtbot):
    handler = CrashHandler(lambda: ["recent record"])
    handler.handle_exception(*exc_info_of(RuntimeError("first")))
    dialog = handler.dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "RuntimeError: first" in dialog.report() and "recent record" in dialog.report()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report()

    handler.handle_exception(*exc_info_of(KeyError("second")))
    assert handler.dialog is dialog and "KeyError: 'second'" in dialog.report()


@pytest.mark.expect_log_warnings(r"desktop_app\.ui\.crash: Unexpected error")
def test_install_routes_threads_and_qt_messages_then_uninstall_restores(qtbot, caplog):
    before = (sys.excepthook, threading.excepthook)
    handler = CrashHandler(lambda: [])
    handler.install()
    try:
        assert sys.excepthook == handler.handle_exception
        with caplog.at_level(logging.INFO, logger="qt"):
            qInfo("hello from Qt")
        assert any(r.name == "qt" and "hello from Qt" in r.getMessage() for r in caplog.records)

        def thread_bug():
            raise OSError("in a thread")

        thread = threading.Thread(target=thread_bug)
        thread.start()
        thread.join()
        # Reported from another thread: the dialog is built on the GUI thread via a queued signal.
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=3000)
        qtbot.addWidget(handler.dialog)
        assert "OSError: in a thread" in handler.dialog.report()
    finally:
        handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_paths_are_scrubbed_from_the_report(tmp_path):
    evidence = tmp_path / "Case 7" / "victim name.jpg"
    try:
        open(evidence)  # noqa: SIM115 - the error message is what this test wants
    except OSError:
        info = sys.exc_info()
    home = "/home/reviewer-name/.local/share/evidence-desk"
    report = build_crash_report(
        info,
        [
            f"WARNING desktop_app.core.settings: Settings file {home}/settings.json is unreadable",
            r"WARNING x: cannot open C:\Users\reviewer-name\Evidence\file.png (denied)",
            "INFO x: 3/4 done, N/A, see https://exttest.cybertip.org/ispws/status and ~/notes.txt",
        ],
    )
    assert "victim name" not in report and str(tmp_path) not in report and "reviewer-name" not in report
    assert "No such file or directory: '<path>'" in report
    assert "Settings file <path> is unreadable" in report and "cannot open <path> (denied)" in report
    # What support needs stays: our own frames by module path, ordinary slashes, the endpoint address.
    assert 'File "tests/ui/test_crash.py"' in report
    assert "3/4 done, N/A, see https://exttest.cybertip.org/ispws/status and <path>" in report
