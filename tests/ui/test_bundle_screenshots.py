"""The bundle screens as a reviewer sees them on a 1366x768 laptop and a 1920x1080 monitor.

Each dialog is drawn over the main window at that screen size, centred as the window manager
places it. Written to docs/screenshots/ only with EVIDENCE_DESK_SCREENSHOTS=1.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.bundles.layout import Profile, RecipientRole
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.progress import run_to_completion
from desktop_app.core.services.bundles import BundleService, ExportRequest
from desktop_app.core.services.recipients import RecipientBook
from desktop_app.core.settings import AppSettings
from desktop_app.ui.bundles.address_book import AddressBookDialog
from desktop_app.ui.bundles.verify_dialog import BundleVerifyDialog
from tests.ui.helpers import report_with_two_files
from tests.ui.screens import distinct_colours

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENS = [(1366, 768), (1920, 1080)]


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("EVIDENCE_DESK_SCREENSHOTS") == "1" else tmp_path / "screenshots"


def on_screen(window: QWidget, dialog: QWidget, size: tuple[int, int], path: Path) -> Path:
    """The window filling a screen of ``size`` with ``dialog`` centred over it, saved as a PNG."""
    window.resize(*size)
    dialog.show()
    dialog.resize(min(dialog.width(), size[0] - 80), min(dialog.height(), size[1] - 80))
    for _ in range(3):
        QApplication.processEvents()
    screen = window.grab()
    picture = dialog.grab()
    painter = QPainter(screen)
    painter.fillRect(screen.rect(), QColor(0, 0, 0, 70))  # the window behind a dialog, as it looks dimmed
    corner = QPoint((screen.width() - picture.width()) // 2, (screen.height() - picture.height()) // 2)
    painter.setPen(QColor(90, 90, 90))
    painter.drawRect(corner.x() - 1, corner.y() - 1, picture.width() + 1, picture.height() + 1)
    painter.drawPixmap(corner, picture)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    assert screen.save(str(path), "PNG")
    return path


@pytest.fixture
def desk(make_window, workspace, tmp_path):
    items, reports, report_id = report_with_two_files(workspace, tmp_path)
    bundles = BundleService(workspace, items, reports)
    book = RecipientBook(workspace)
    for name, role in (
        ("Det. J. Doe, State ICAC Task Force", RecipientRole.LAW_ENFORCEMENT),
        ("NCMEC Law Enforcement Liaison", RecipientRole.NCMEC),
        ("Outside counsel, Example LLP", RecipientRole.COUNSEL),
    ):
        book.add(name, role, X25519Identity.generate().recipient.text)
    book.desk_recipient()
    window = make_window(
        workspace,
        items=items,
        reports=reports,
        settings=AppSettings(backup_reminder_days=0),
        bundles=bundles,
        recipients=book,
    )
    window.tabs.setCurrentWidget(window.reports_page)
    return window, bundles, report_id


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog_screenshot(qtbot, pool, desk, tmp_path, shots, size, monkeypatch):
    monkeypatch.chdir(tmp_path)  # short, readable file names in the picture
    window, _, report_id = desk
    dialog = window.bundle_actions.export_report(report_id)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.book_box.count() == 4, timeout=10_000)
    dialog.book_box.setCurrentIndex(1)
    dialog.book_box.activated.emit(1)
    assert dialog.recipient_field.text() == "Det. J. Doe, State ICAC Task Force"
    dialog.basis_field.setText("18 U.S.C. 2258A(g)(4)(A): request of the investigating agency, case 26-0412")
    dialog.output_field.setText(f"report-{report_id[:8]}.age")
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "SHA-256" in dialog.result_label.text(), timeout=60_000)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=5_000)
    path = on_screen(window, dialog, size, shots / f"bundle-export-{size[0]}x{size[1]}.png")
    assert distinct_colours(path) > 5
    dialog.close()


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_address_book_screenshot(qtbot, pool, desk, shots, size):
    window, _, _ = desk
    dialog = window.bundle_actions.address_book()
    assert isinstance(dialog, AddressBookDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3 and "Fingerprint" in dialog.desk_label.text(), timeout=10_000)
    path = on_screen(window, dialog, size, shots / f"bundle-address-book-{size[0]}x{size[1]}.png")
    assert distinct_colours(path) > 5
    dialog.close()


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_verification_result_screenshot(qtbot, pool, desk, tmp_path, shots, size, monkeypatch):
    monkeypatch.chdir(tmp_path)
    window, bundles, report_id = desk
    key = X25519Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(key.text + "\n")
    out = tmp_path / "bundle.age"
    request = ExportRequest("ICAC Task Force", RecipientRole.LAW_ENFORCEMENT, Profile.FULL_EVIDENCE, "agency request")
    run_to_completion(bundles.export_report(report_id, [key.recipient], out, request))
    dialog = window.bundle_actions.verify_bundle()
    assert isinstance(dialog, BundleVerifyDialog)
    dialog.bundle_field.setText(out.name)
    dialog.key_field.setText(key_file.name)
    dialog.expected_key_field.setText(window.workspace.verifier_key())
    dialog.check_button.click()
    qtbot.waitUntil(lambda: "Intact" in dialog.verdict.text(), timeout=60_000)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=5_000)
    assert not dialog.differences.isVisible()
    dialog.adjustSize()
    path = on_screen(window, dialog, size, shots / f"bundle-verify-{size[0]}x{size[1]}.png")
    assert distinct_colours(path) > 5
    dialog.close()
