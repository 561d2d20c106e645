"""Screenshots of every screen, rendered offscreen from real widgets over a real workspace.

They are written to docs/screenshots/ only with EVIDENCE_DESK_SCREENSHOTS=1 (to refresh the
committed ones), otherwise to a temporary folder, so a normal test run never touches the tree.
"""

import os
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from desktop_app.core.crypto.keys import RecoveryKey
from desktop_app.core.domain.items import SourceFields
from desktop_app.core.services.workspace import Workspace
from desktop_app.ui.crash import build_crash_report
from desktop_app.ui.dialogs.crash_dialog import CrashDialog
from desktop_app.ui.dialogs.create_workspace import CreateWorkspaceDialog
from desktop_app.ui.dialogs.recovery_key import RecoveryKeyDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.main_window import LOG_TAB
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.helpers import populate, tamper_entry
from tests.ui.screens import distinct_colours, grab

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


@pytest.fixture
def reviewer_workspace(paths, pool):
    ws, _ = Workspace.create(paths, PASSPHRASE, "Sam Rivera", fast_kdf())
    yield ws
    pool.wait_for_done(10_000)
    ws.close()


def check(path: Path) -> None:
    image = QImage(str(path))
    assert path.stat().st_size > 0 and image.width() > 200 and image.height() > 150
    assert distinct_colours(path) > 3, f"{path.name} is (nearly) a single colour"


def test_create_dialog(qtbot, paths, pool, shots):
    dialog = CreateWorkspaceDialog(paths, pool, calibrate=fast_kdf)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reviewer_field, "Sam Rivera")
    qtbot.keyClicks(dialog.passphrase_field, "tidal-lantern-orchard-quietly")
    qtbot.keyClicks(dialog.confirm_field, "tidal-lantern-orchard-quietly")
    check(grab(dialog, shots / "create-workspace.png"))


def test_recovery_key_dialog(qtbot, shots):
    dialog = RecoveryKeyDialog(RecoveryKey(bytes(range(32))).text)  # a dummy key, never a real one
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "recovery-key.png"))


def test_unlock_dialog_plain_and_after_a_wrong_passphrase(qtbot, locked_workspace, pool, shots):
    dialog = UnlockDialog(locked_workspace, pool, cancel_text="Quit")
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "unlock.png"))

    qtbot.keyClicks(dialog.passphrase_field, "not my passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.unlock_button.isEnabled(), timeout=10_000)
    check(grab(dialog, shots / "unlock-wrong-passphrase.png"))

    dialog.show_mode(1)
    check(grab(dialog, shots / "unlock-recovery-key.png"))


def test_main_window(qtbot, reviewer_workspace, make_window, shots):
    populate(reviewer_workspace)
    window = make_window(reviewer_workspace)
    with qtbot.waitSignal(window.verification_finished, timeout=10_000):
        window.verify_log()
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
    window.tabs.setCurrentIndex(LOG_TAB)
    check(grab(window, shots / "main-window.png"))


@pytest.mark.expect_log_warnings(r"verification: custody log verification failed at entry \d+")
def test_main_window_after_tampering(qtbot, reviewer_workspace, make_window, shots):
    populate(reviewer_workspace)
    window = make_window(reviewer_workspace)
    tamper_entry(reviewer_workspace, 17)
    with qtbot.waitSignal(window.verification_finished, timeout=10_000):
        window.verify_log()
    qtbot.waitSignal(window.snapshot_loaded, timeout=10_000).wait()
    assert window.status_panel.verification_label.property("role") == "problem"
    window.tabs.setCurrentIndex(LOG_TAB)
    check(grab(window, shots / "main-window-tampered.png"))


def test_main_window_locked_and_settings(qtbot, reviewer_workspace, make_window, shots):
    window = make_window(reviewer_workspace)
    settings = window.menus.open_settings()
    check(grab(settings, shots / "settings.png"))
    settings.reject()
    window.lock_workspace("Locked after 10 idle minutes.")
    window.unlock_dialog.hide()  # the locked view itself, without the prompt on top
    check(grab(window, shots / "main-window-locked.png"))


def test_crash_dialog(qtbot, shots):
    try:
        raise RuntimeError("example failure for the screenshot")
    except RuntimeError:
        report = build_crash_report(
            sys.exc_info(), ["2026-03-01 09:00:00 INFO    desktop_app.app: Evidence Desk started"]
        )
    dialog = CrashDialog(report)
    qtbot.addWidget(dialog)
    check(grab(dialog, shots / "crash-dialog.png"))


# -- the queue (issue 3) ---------------------------------------------------------------------------


@pytest.fixture
def queue_window(decoders, reviewer_workspace, make_window):
    from desktop_app.core.services.items import ItemService
    from desktop_app.ui.media import preview_fetcher

    items = ItemService(reviewer_workspace, decoders.submit_analyse)
    return make_window(reviewer_workspace, items=items, fetch=preview_fetcher(items, decoders))


def flagged_folder(root: Path) -> Path:
    """A plausible day's intake, all synthetic: photos, a clip, a damaged file, a transcript."""
    from tests import synthetic_media

    folder = root / "report-2026-03-02"
    folder.mkdir(parents=True)
    for n in range(9):
        (folder / f"upload-{4810 + n}.jpg").write_bytes(synthetic_media.photo(480, 360, seed=n + 3))
    (folder / "clip-4821.mp4").write_bytes(synthetic_media.mp4(seconds=4.0, fps=5, width=320, height=240, seed=2))
    (folder / "upload-4822.jpg").write_bytes(synthetic_media.truncated(synthetic_media.photo(480, 360, seed=40), 0.25))
    return folder


def fill_queue(qtbot, window, folder: Path, rows: int) -> None:
    with qtbot.waitSignal(window.intake.import_finished, timeout=120_000):
        window.intake.import_paths([folder])
    fields = SourceFields(
        original_name=b"direct-messages.txt", uploader_screen_name="account-7731", message_id="dm-5521"
    )
    window.intake.add_text_item("synthetic transcript used for the screenshot", fields)
    review = window.review
    try:
        qtbot.waitUntil(lambda: not review.reloading and review.model.rowCount() == rows, timeout=30_000)
    except Exception:
        print(
            "DEBUG",
            review._loading,
            review._load_again,
            review.feeder.busy,
            review.model.rowCount(),
            [r.name for r in (review.model.row_at(i) for i in range(review.model.rowCount()))],
            len(review.items.list_items()),
            window.statusBar().currentMessage(),
        )
        raise
    qtbot.waitUntil(lambda: len(review.thumbnails.cache) >= 4 and review.thumbnails.idle, timeout=60_000)


def select_named(qtbot, window, name: str) -> None:
    review = window.review
    item_id = next(
        review.model.row_at(n).item_id for n in range(review.model.rowCount()) if review.model.row_at(n).name == name
    )
    assert review.queue.select_item(item_id)
    qtbot.waitUntil(lambda: review.viewer.item is not None and review.viewer.item.item_id == item_id)
    if review.viewer.wants_previews:
        qtbot.waitUntil(lambda: review.viewer.previews is not None, timeout=30_000)
    qtbot.waitUntil(lambda: review.thumbnails.idle, timeout=30_000)  # rows scrolled into view have theirs


def test_queue_blurred_and_revealed(qtbot, queue_window, tmp_path, shots):
    window = queue_window
    fill_queue(qtbot, window, flagged_folder(tmp_path), rows=12)
    window.queue_page.progress.hide()
    select_named(qtbot, window, "upload-4812.jpg")
    check(grab(window, shots / "queue-blurred.png"))

    select_named(qtbot, window, "upload-4822.jpg")
    assert window.review.viewer.problem.text().startswith("cannot render")
    check(grab(window, shots / "queue-cannot-render.png"))

    select_named(qtbot, window, "clip-4821.mp4")
    check(grab(window, shots / "queue-video-keyframes.png"))

    select_named(qtbot, window, "upload-4814.jpg")
    with qtbot.waitSignal(window.review.revealed, timeout=10_000):
        qtbot.mouseClick(window.review.viewer.reveal_button, Qt.MouseButton.LeftButton)
    check(grab(window, shots / "queue-revealed.png"))


def test_import_progress_mid_import(qtbot, queue_window, tmp_path, shots):
    window = queue_window
    fill_queue(qtbot, window, flagged_folder(tmp_path), rows=12)
    folder = tmp_path / "export-0302"
    folder.mkdir()
    for n in range(3000):
        (folder / f"attachment-{n:04d}.txt").write_bytes(f"synthetic attachment {n}\n".encode() * 40)
    grabbed = []
    started = time.monotonic()

    def grab_midway(progress):
        # After the first live re-read of the queue and once the estimate has settled.
        if not grabbed and progress.phase == "importing" and time.monotonic() - started > 2.5:
            grabbed.append(grab(window, shots / "import-progress.png"))
            window.intake.cancel()

    with qtbot.waitSignal(window.intake.import_finished, timeout=120_000):
        window.intake.import_paths([folder])
        window.intake.worker.progress.connect(grab_midway)
    assert grabbed
    check(grabbed[0])
