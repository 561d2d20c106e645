"""``evidence-desk-gui --smoke-test --profile-dir DIR``: the app's own end-to-end check, no person needed.

Release builds are checked frozen by starting them this way (``packaging/smoke_test.py``): the
composition root builds everything as usual, except that the workspace is created here with a
random passphrase instead of through the create dialog (the one step that needs a person). Then,
through the real main window: a generated picture is imported (hashed, encrypted into the vault,
PDQ from a sandboxed decoder process), the item is read back, the custody log is verified, and the
window is closed the normal way, which seals a checkpoint. One line per step goes to standard
output; the exit code says whether every step passed.

It refuses to run without an explicit profile folder, so it can never write into a reviewer's
real workspace.
"""

import logging
import secrets
import sys
import warnings
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

from desktop_app.core.domain.items import Item
from desktop_app.core.domain.verification import Verification
from desktop_app.core.intake.summary import ImportSummary
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.platform.secrets import SecretStore
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class ItemLister(Protocol):
    """What the smoke test reads back (``ItemService.list_items``)."""

    def list_items(self) -> list[Item]: ...  # noqa: D102


EXIT_PASSED, EXIT_FAILED = 0, 3
TIME_LIMIT_MS = 180_000  # a cold decoder start on a busy 2-core CI runner is the slow part
PICTURE_NAME = "smoke-test-picture.png"


def say(message: str) -> None:
    """One step's outcome on standard output (the frozen GUI has no other channel to the runner)."""
    print(f"smoke-test: {message}", flush=True)


def create_workspace(paths: AppPaths, secret_store: SecretStore | None) -> Workspace:
    """A new workspace with a random passphrase that nobody will need again."""
    # Python warnings go to the log like everything else, where the runner treats them as failures.
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    workspace, _recovery = Workspace.create(paths, secrets.token_urlsafe(24), "smoke test", secrets=secret_store)
    say(f"workspace created in {paths.workspace}")
    return workspace


def draw_picture(path: Path, size: int = 512) -> Path:
    """A picture with enough structure for a meaningful PDQ hash (gradients and shapes)."""
    image = QImage(size, size, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(size, size))
    gradient.setColorAt(0, QColor("#1d3557"))
    gradient.setColorAt(1, QColor("#f1faee"))
    painter.fillRect(image.rect(), gradient)
    painter.setPen(Qt.PenStyle.NoPen)
    for index in range(12):
        painter.setBrush(QColor.fromHsv((index * 29) % 360, 200, 120 + index * 10))
        step = size / 12
        painter.drawEllipse(QRectF(index * step * 0.8, (11 - index) * step * 0.7, step * 2.5, step * 1.5))
    painter.end()
    # The stubs say bytes; PySide6 accepts only str at run time (bytes raises ValueError).
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"could not write {path}")
    return path


class SmokeTest(QObject):
    """Drives the main window through import -> read back -> verify -> close; see the module docstring."""

    def __init__(self, window: MainWindow, items: ItemLister, workdir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.items = items
        self.workdir = workdir
        self.exit_code = EXIT_FAILED  # until every step has passed
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(lambda: self._finish(f"not done after {TIME_LIMIT_MS // 1000} s"))

    def start(self) -> None:
        """Begin once the event loop runs."""
        self._deadline.start(TIME_LIMIT_MS)
        QTimer.singleShot(0, self._import)

    def _import(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        picture = draw_picture(self.workdir / PICTURE_NAME)
        self.window.intake.import_finished.connect(self._imported)
        self.window.intake.import_paths([picture])

    def _imported(self, outcome: object) -> None:
        self.window.intake.import_finished.disconnect(self._imported)
        if not isinstance(outcome, ImportSummary):
            self._finish(f"import failed: {outcome!r}")
            return
        if outcome.items_added != 1 or outcome.problems or outcome.analysed != 1:
            added, problems, analysed = outcome.items_added, len(outcome.problems), outcome.analysed
            self._finish(f"import: {added} added, {problems} with problems, {analysed} analysed (want 1, 0, 1)")
            return
        stored = self.items.list_items()
        analysis = stored[0].analysis if len(stored) == 1 else None
        if analysis is None or analysis.pdq is None:
            self._finish("the imported item has no PDQ hash")
            return
        digests = stored[0].digests
        sha256 = digests.sha256[:16] if digests else "?"
        say(f"imported 1 picture: sha256 {sha256}..., pdq {analysis.pdq.hex[:16]}... quality {analysis.pdq.quality}")
        self.window.verification_finished.connect(self._verified)
        self.window.verify_log()

    def _verified(self, verification: object) -> None:
        if not isinstance(verification, Verification) or not verification.ok:
            self._finish(f"custody log verification failed: {verification!r}")
            return
        say(f"custody log verified: {verification.entries} entries intact")
        self.exit_code = EXIT_PASSED
        self._finish("")

    def _finish(self, failure: str) -> None:
        self._deadline.stop()
        if failure:
            self.exit_code = EXIT_FAILED
            say(f"FAILED: {failure}")
            log.error("Smoke test failed: %s", failure)
        else:
            say("passed")
        self.window.close()  # the normal way out: pools drained, decoders stopped, checkpoint sealed


def check_profile(profile_dir: str | None) -> str | None:
    """Why the smoke test may not run here, or None."""
    if not profile_dir:
        return "--smoke-test needs --profile-dir (or EVIDENCE_DESK_PROFILE_DIR): it never touches a real profile"
    if Workspace.exists(AppPaths.resolve(profile_dir)):
        return f"--smoke-test needs an empty profile; {profile_dir} already holds a workspace"
    return None


def refuse(reason: str) -> int:
    """Say why and give the failing exit code."""
    print(f"smoke-test: {reason}", file=sys.stderr, flush=True)
    return EXIT_FAILED
