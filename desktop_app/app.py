"""The composition root: the one place that builds the services, the QApplication and the windows.

Everything is constructed here and passed into constructors; nothing below fetches collaborators
from ``QApplication.instance()`` or a global. Start-up is: paths -> logging -> QApplication ->
settings -> crash handler -> open-and-unlock (or create, then show the recovery key) -> item
service and decoder pool -> CyberTipline link and report service -> main window. On the way out
the pools are drained, the decoder processes stopped and the workspace closed, which seals a
checkpoint.

Exit codes: 0 normal (including Quit at the unlock prompt), 1 a bug during start-up, 2 the
workspace cannot be opened (in use by another instance, too new, unsupported SQLite, ...).
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app import APP_NAME, __version__
from desktop_app.core.decoding.pool import DecoderPool
from desktop_app.core.domain.verification import Verification
from desktop_app.core.errors import EvidenceDeskError
from desktop_app.core.platform.logging_setup import configure_logging
from desktop_app.core.platform.paths import PROFILE_ENV, AppPaths
from desktop_app.core.platform.secrets import SecretStore, system_secret_store
from desktop_app.core.services.recipients import RecipientBook
from desktop_app.core.services.wiring import Services, build_services
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui import smoke
from desktop_app.ui.auto_lock import AutoLockController
from desktop_app.ui.crash import CrashHandler
from desktop_app.ui.dialogs.create_workspace import CreateWorkspaceDialog
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.interpreter import tuned_for_the_gui
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.media import preview_fetcher
from desktop_app.ui.pyside_fixes import shield_none
from desktop_app.ui.retention.install import install_preservation
from desktop_app.ui.retention.view import install_unlock_reminders
from desktop_app.ui.shutdown import ShutdownOnSignal
from desktop_app.ui.theme import apply_theme
from desktop_app.ui.worker import WorkerPool

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BUG, EXIT_CANNOT_OPEN = 0, 1, 2
# PyInstaller unpacks data files under sys._MEIPASS; from a source tree they sit beside the package.
_ROOT = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
ICON_PATH = _ROOT / "resources" / "icons" / "evidence-desk.svg"


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Our options; anything unrecognised is left for Qt (e.g. ``-platform offscreen``)."""
    parser = argparse.ArgumentParser(prog="evidence-desk-gui", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--profile-dir", help="keep every file (workspace, settings, logs) under this folder")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    # Release checks only (ui/smoke.py): a new workspace in a throw-away profile, one import, verify, exit.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_known_args(argv)


def show_startup_error(message: str) -> None:
    """Tell the reviewer why the app cannot start (before any window exists)."""
    QMessageBox.critical(None, APP_NAME, message)


def _application(qt_args: list[str]) -> QApplication:
    existing = QApplication.instance()
    # Tests (pytest-qt) and embedding hosts already have one; a second is not allowed.
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setOrganizationDomain("evidencedesk.org")
    app.setDesktopFileName("evidence-desk")
    if ICON_PATH.exists():
        app.setWindowIcon(QIcon(str(ICON_PATH)))
    else:
        log.warning("Application icon not found at %s", ICON_PATH)
    apply_theme(app)
    return app


def open_and_unlock(
    paths: AppPaths, pool: WorkerPool, secrets: SecretStore | None
) -> tuple[Workspace, Verification] | int:
    """Open the existing workspace and ask for the passphrase; an exit code if that does not happen."""
    try:
        workspace = Workspace.open(paths, secrets)
    except EvidenceDeskError as exc:
        log.warning("Cannot open the workspace: %s", exc.code)
        show_startup_error(exc.message)
        return EXIT_CANNOT_OPEN
    dialog = UnlockDialog(workspace, pool, cancel_text="Quit")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.verification is None:
        workspace.close()
        return EXIT_OK
    return workspace, dialog.verification


def create_new(paths: AppPaths, pool: WorkerPool, secrets: SecretStore | None) -> Workspace | int:
    """Create the workspace and show its recovery key once; an exit code if the reviewer gives up."""
    dialog = CreateWorkspaceDialog(paths, pool, secrets=secrets)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.workspace is None or dialog.recovery_key is None:
        return EXIT_OK
    RecoveryKeyDialog(dialog.recovery_key.text).exec()
    return dialog.workspace


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the process exit code."""
    shield_none()  # before any Qt call: see ui/pyside_fixes.py
    args, qt_args = parse_args(argv)
    if args.smoke_test and (refusal := smoke.check_profile(args.profile_dir or os.environ.get(PROFILE_ENV))):
        return smoke.refuse(refusal)
    paths = AppPaths.resolve(args.profile_dir)
    logging_setup = configure_logging(paths.logs)
    log.info("%s %s starting", APP_NAME, __version__)
    try:
        app = _application(qt_args)
        with tuned_for_the_gui(app):  # collections on this thread only, full ones on lock: ui/interpreter.py
            return _run(app, paths, logging_setup.ring_buffer.lines, args.smoke_test)
    finally:
        log.info("%s stopped", APP_NAME)
        logging_setup.close()


def _run(app: QApplication, paths: AppPaths, recent_log: "CrashHandler.RecentLog", smoke_test: bool = False) -> int:
    settings = AppSettings.load(paths.settings_file)
    crash = CrashHandler(recent_log)
    crash.install()
    pool = WorkerPool()
    secrets = system_secret_store()
    auto_lock = AutoLockController(settings.auto_lock_minutes)
    # Nothing starts until the first decoding job: the worker processes spawn on demand.
    decoders = DecoderPool()
    workspace: Workspace | None = None
    services: Services | None = None
    shutdown: ShutdownOnSignal | None = None
    stop_reason: list[str] = []  # why the app stopped, when a signal or the session ended it
    # Closing a start-up dialog must not end the app before the main window exists.
    app.setQuitOnLastWindowClosed(False)
    try:
        verification: Verification | None = None
        try:
            if smoke_test:
                workspace = smoke.create_workspace(paths, secrets)
            elif Workspace.exists(paths):
                opened = open_and_unlock(paths, pool, secrets)
                if isinstance(opened, int):
                    return opened
                workspace, verification = opened
            else:
                created = create_new(paths, pool, secrets)
                if isinstance(created, int):
                    return created
                workspace = created
        except Exception:
            crash.report_fatal(sys.exc_info())
            return EXIT_BUG
        services = build_services(workspace, settings, secrets, decoders.submit_analyse)
        window = MainWindow(
            workspace,
            settings,
            paths.settings_file,
            pool,
            auto_lock,
            services.items,
            preview_fetcher(services.items, decoders),
            verification,
            reports=services.reports,
            cybertipline=services.cybertipline,
            submissions=services.submissions,
            keyring_available=secrets is not None,
            hashlists=services.hashlists,
            bundles=services.bundles,
            recipients=RecipientBook(services.workspace),
        )
        install_unlock_reminders(window, services.lifecycle, pool, window.workspace_unlocked)
        install_preservation(window, services.lifecycle, pool)
        auto_lock.install(app)
        app.setQuitOnLastWindowClosed(True)

        def stop(reason: str) -> None:
            stop_reason.append(reason)
            window.close()  # as Quit does: drafts flushed, imports and uploads stopped resumably
            app.quit()

        shutdown = ShutdownOnSignal(app, stop)
        window.show()
        driver = smoke.SmokeTest(window, services.items, paths.data.parent / "smoke-test-input") if smoke_test else None
        if driver is not None:
            driver.start()
        status = app.exec()
        return status if driver is None else driver.exit_code
    finally:
        if shutdown is not None:
            shutdown.uninstall()
        auto_lock.uninstall()
        pool.wait_for_done()
        decoders.close()  # after the pools: no worker is waiting on a decoder any more
        if services is not None:
            services.close()  # stops the practice server if Practice was used
        if workspace is not None:
            workspace.close(stop_reason[0] if stop_reason else "")  # locks (the stop logged), seals
        crash.uninstall()
