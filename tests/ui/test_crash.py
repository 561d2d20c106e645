import logging
import sys
import threading

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
