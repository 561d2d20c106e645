"""Bundles and backups from the main window: the menu, a report's "Export bundle…", the address book,
backup and restore, and the reminder at unlock. Real workspace, real widgets offscreen."""

import os
import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox

from desktop_app.core.bundles.layout import RecipientRole
from desktop_app.core.crypto.age.keys import X25519Identity
from desktop_app.core.domain.events import EventType
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.services.backup import backup_overdue
from desktop_app.core.services.bundles import BundleService
from desktop_app.core.services.items import ItemService
from desktop_app.core.services.recipients import RecipientBook, fingerprint
from desktop_app.core.services.reports import ReportService
from desktop_app.core.services.workspace import Workspace
from desktop_app.core.settings import AppSettings
from desktop_app.ui.bundles import controller as bundles_controller
from desktop_app.ui.bundles.address_book import AddressBookDialog
from desktop_app.ui.bundles.backup_dialogs import BackupDialog, RestoreDialog
from desktop_app.ui.bundles.export_dialog import BundleExportDialog
from desktop_app.ui.bundles.verify_dialog import BundleVerifyDialog
from tests.conftest import PASSPHRASE
from tests.ui.helpers import report_with_two_files


@pytest.fixture
def bundle_window(make_window, workspace, tmp_path):
    """A main window with reports, bundles and the address book; one report in the list."""
    items, reports, report_id = report_with_two_files(workspace, tmp_path)
    bundles = BundleService(workspace, items, reports)
    settings = AppSettings(backup_reminder_days=0)  # the reminder has tests of its own
    window = make_window(
        workspace, items=items, reports=reports, settings=settings, bundles=bundles, recipients=RecipientBook(workspace)
    )
    return window, report_id


def _bundles_menu(window) -> QMenu:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[-2:] == ["&Bundles", "&Help"]  # before Help, after the others
    return menus["&Bundles"]


def test_the_bundles_menu_opens_each_dialog(qtbot, bundle_window):
    window, report_id = bundle_window
    texts = [a.text() for a in _bundles_menu(window).actions() if a.text()]
    assert texts == [
        "&Export chosen report as bundle…",
        "&Check a bundle…",
        "&Recipients address book…",
        "&Back up workspace…",
        "Re&store a backup…",
    ]
    actions = window.bundle_actions
    with qtbot.waitSignal(actions.message):
        actions.export_action.trigger()  # no report chosen yet: says what to do
    window.tabs.setCurrentWidget(window.reports_page)
    qtbot.waitUntil(lambda: len(window.reports_page.model.summaries) == 1, timeout=10_000)
    window.reports_page.table.selectRow(0)
    for action, kind in (
        (actions.export_action, BundleExportDialog),
        (actions.verify_action, BundleVerifyDialog),
        (actions.address_book_action, AddressBookDialog),
        (actions.backup_action, BackupDialog),
        (actions.restore_action, RestoreDialog),
    ):
        action.trigger()
        opened = [d for d in window.findChildren(kind) if d.isVisible()]
        assert len(opened) == 1, kind
        opened[0].close()
    export = actions.export_report()
    assert export is not None and report_id[:8] in export.windowTitle()
    assert export._second_person is None  # the setting is off
    export.close()
    window.settings = AppSettings(backup_reminder_days=0, second_person_confirmation=True)
    export = actions.export_report()
    assert export is not None and export._second_person is not None  # another reviewer must confirm
    export.close()


def test_locking_disables_what_needs_the_keys_but_not_checking_a_bundle(bundle_window):
    window, _ = bundle_window
    actions = window.bundle_actions
    window.lock_workspace()
    assert not actions.export_action.isEnabled() and not actions.backup_action.isEnabled()
    assert not actions.address_book_action.isEnabled()
    assert actions.verify_action.isEnabled() and actions.restore_action.isEnabled()
    window.unlock_dialog.close()


def test_a_reports_context_menu_offers_export_bundle(qtbot, bundle_window):
    window, report_id = bundle_window
    page = window.reports_page
    qtbot.waitUntil(lambda: len(page.model.summaries) == 1, timeout=10_000)
    menu = QMenu()
    for extend in page.report_menu_extensions:
        extend(menu, report_id)
    export = [a for a in menu.actions() if a.text() == "Export bundle…"]
    assert len(export) == 1
    export[0].trigger()
    dialogs = [d for d in window.findChildren(BundleExportDialog) if d.isVisible()]
    assert len(dialogs) == 1 and report_id[:8] in dialogs[0].windowTitle()
    dialogs[0].close()


def test_the_address_book_adds_imports_removes_and_fingerprints(qtbot, pool, workspace, tmp_path):
    book = RecipientBook(workspace)
    dialog = AddressBookDialog(pool, book)
    qtbot.addWidget(dialog)
    key = X25519Identity.generate()
    keygen_file = tmp_path / "their-key.txt"  # age-keygen's layout: the public key in a comment
    keygen_file.write_text(f"# created: 2026-12-06\n# public key: {key.recipient.text}\n")
    dialog.import_key_file(keygen_file)
    assert dialog.key_field.text() == key.recipient.text
    assert dialog.fingerprint_label.text() == fingerprint(key.recipient.text)
    dialog.name_field.setText("Det. Example, ICAC")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData(RecipientRole.LAW_ENFORCEMENT))
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.table.item(0, 2).text() == fingerprint(key.recipient.text)
    assert dialog.table.item(0, 1).text() == "Law enforcement"
    assert [e.name for e in book.list()] == ["Det. Example, ICAC"]

    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(key.text + "\n")
    dialog.import_key_file(secret_file)  # a secret key is never taken as an address
    assert "secret key" in dialog.message.text() and dialog.key_field.text() == ""

    dialog.table.selectRow(0)
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    assert book.list() == []


def test_the_desk_key_is_made_only_on_request_and_its_export_is_logged(qtbot, pool, workspace, tmp_path):
    book = RecipientBook(workspace)
    dialog = AddressBookDialog(pool, book)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=10_000)
    assert not book.has_desk_key() and dialog.create_desk_button.isVisible()
    assert not dialog.export_secret_button.isEnabled()
    dialog.create_desk_button.click()
    qtbot.waitUntil(lambda: "Fingerprint" in dialog.desk_label.text(), timeout=10_000)
    public = book.desk_recipient().text
    assert public in dialog.desk_label.text() and fingerprint(public) in dialog.desk_label.text()
    out = tmp_path / "desk-key.txt"
    dialog.export_desk_secret(out, "moving the desk to a new laptop")
    qtbot.waitUntil(lambda: "written" in dialog.message.text(), timeout=10_000)
    assert X25519Identity.parse(out.read_text().strip()).recipient.text == public
    if os.name != "nt":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = [e.event for e in workspace.events() if e.event.type is EventType.DESK_KEY_EXPORTED]
    assert exported and exported[0].data["reason"] == "moving the desk to a new laptop"


def test_backup_then_restore_from_the_dialogs(qtbot, pool, workspace, tmp_path):
    ItemService(workspace)  # an item-less workspace is still a workspace worth backing up
    key = X25519Identity.generate()
    backup = BackupDialog(pool, workspace, default_name=str(tmp_path / "backup.age"))
    qtbot.addWidget(backup)
    backup.key_button.setChecked(True)
    backup.keys_field.setText(key.recipient.text)
    backup.start_button.click()
    qtbot.waitUntil(lambda: "SHA-256" in backup.result_label.text(), timeout=60_000)
    assert (tmp_path / "backup.age").is_file()

    key_file = tmp_path / "key.txt"
    key_file.write_text(key.text + "\n")
    restore = RestoreDialog(pool)
    qtbot.addWidget(restore)
    restore.backup_field.setText(str(tmp_path / "backup.age"))
    restore.key_field.setText(str(key_file))
    restore.profile_field.setText(str(tmp_path / "restored"))
    restore.start_button.click()
    qtbot.waitUntil(lambda: "Restored" in restore.result_label.text(), timeout=60_000)
    restored = Workspace.open(AppPaths.resolve(tmp_path / "restored"))
    try:
        restored.unlock(PASSPHRASE)
        assert restored.workspace_id == workspace.workspace_id and restored.verify_log().ok
    finally:
        restored.close()


def test_backup_dialog_refuses_passphrases_that_differ(qtbot, pool, workspace, tmp_path):
    dialog = BackupDialog(pool, workspace, default_name=str(tmp_path / "b.age"))
    qtbot.addWidget(dialog)
    dialog.passphrase_field.setText("one passphrase")
    dialog.confirm_field.setText("another passphrase")
    dialog.start_button.click()
    assert "differ" in dialog.result_label.text() and not (tmp_path / "b.age").exists()


def _reminders(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible() and "backup" in box.windowTitle()]


@pytest.mark.parametrize(("days", "backed_up", "reminded"), [(7, False, True), (7, True, False), (0, False, False)])
def test_the_backup_reminder_at_unlock(qtbot, make_window, workspace, pool, days, backed_up, reminded):
    if backed_up:
        workspace.record(EventType.BACKUP_CREATED, {"output": "b.age", "recipients": 1})
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    window = make_window(
        workspace,
        items=items,
        reports=reports,
        settings=AppSettings(backup_reminder_days=days),
        bundles=BundleService(workspace, items, reports),
        recipients=RecipientBook(workspace),
    )
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=10_000)
    qtbot.wait(50)
    boxes = _reminders(window)
    assert bool(boxes) is reminded
    if boxes:
        assert not boxes[0].isModal() and "never been backed up" in boxes[0].text()
        window.lock_workspace()  # locking closes it with the other dialogs
        assert not _reminders(window)
        window.unlock_dialog.close()


def test_a_reminder_that_arrives_after_the_window_closed_is_not_shown(qtbot, make_window, workspace, pool, monkeypatch):
    """Seen in the UI loop: ``main()`` never returned, its window closed and the reminder up on its own."""
    release = threading.Event()
    read_backup_age = bundles_controller._backup_age

    def slow_read(ws):  # the real read, late: a loaded machine
        assert release.wait(20), "the test never released the read"
        return read_backup_age(ws)

    monkeypatch.setattr(bundles_controller, "_backup_age", slow_read)
    items = ItemService(workspace)
    reports = ReportService(workspace, items)
    window = make_window(
        workspace,
        items=items,
        reports=reports,
        settings=AppSettings(backup_reminder_days=7),
        bundles=BundleService(workspace, items, reports),
        recipients=RecipientBook(workspace),
    )
    assert pool.active_count > 0  # the read is still out
    window.close()
    release.set()
    qtbot.waitUntil(lambda: pool.active_count == 0, timeout=10_000)
    assert not _reminders(window)


def test_overdue_is_measured_in_days():
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert backup_overdue(None, 7, now)
    assert not backup_overdue(now - timedelta(days=6, hours=23), 7, now)
    assert backup_overdue(now - timedelta(days=7, minutes=1), 7, now)
    assert not backup_overdue(None, 0, now)


def test_the_reminder_interval_is_a_setting(tmp_path):
    path = tmp_path / "settings.json"
    AppSettings(backup_reminder_days=30).save(path)
    assert AppSettings.load(path).backup_reminder_days == 30
    with pytest.raises(ValueError):
        AppSettings(backup_reminder_days=-1)
