"""The Preservation page: the retention view with its actions, and the transparency figures.

Actions work on the row chosen in the retention table: renew or release one of its active holds,
destroy it (two steps), see a report's follow-ups. Placing a hold and an account's timeline need
no row. Every action is a dialog over a core service; the table reloads after each one.
"""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.domain.holds import Hold
from desktop_app.core.services.lifecycle import Lifecycle
from desktop_app.core.services.retention import RetentionRow
from desktop_app.core.services.second_person import ConfirmationCheck
from desktop_app.ui.retention.action_dialog import ActionDialog
from desktop_app.ui.retention.destruction_dialog import DestructionDialog
from desktop_app.ui.retention.followups_dialog import FollowUpTimelineDialog
from desktop_app.ui.retention.hold_dialogs import PlaceHoldDialog, ReleaseHoldDialog, RenewHoldDialog
from desktop_app.ui.retention.model import ROW_ROLE
from desktop_app.ui.retention.statistics_view import StatisticsWidget
from desktop_app.ui.retention.view import RetentionWidget
from desktop_app.ui.worker import WorkerPool

RETENTION_TAB, FIGURES_TAB = 0, 1


class PreservationPage(QWidget):
    """Retention (with hold, destruction and follow-up actions) and Transparency figures, as two tabs."""

    message = Signal(str)

    def __init__(
        self,
        lifecycle: Lifecycle,
        pool: WorkerPool,
        second_person: Callable[[], ConfirmationCheck | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.lifecycle = lifecycle
        self.pool = pool
        self._second_person = second_person
        self.dialog: ActionDialog | None = None  # the one open (tests and screenshots reach it here)
        self.retention = RetentionWidget(lifecycle, pool)
        self.figures = StatisticsWidget(lifecycle, pool)
        self.figures.message.connect(self.message)
        buttons = (
            ("Place a hold…", self.place_hold),
            ("Renew…", self.renew_hold),
            ("Release…", self.release_hold),
            ("Destroy…", lambda: self.destroy_evidence()),
            ("Follow-ups…", lambda: self.followups()),
            ("Account timeline…", lambda: self.account_timeline()),
        )
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[text] = button
        actions.addStretch(1)
        retention_page = QWidget()
        column = QVBoxLayout(retention_page)
        column.addLayout(actions)
        column.addWidget(self.retention, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(retention_page, "Retention")
        self.tabs.addTab(self.figures, "Transparency figures")
        self._figures_stale = True
        self.tabs.currentChanged.connect(self._figures_seen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def reload(self) -> None:
        """Read the retention rows again, and the figures when they are on screen (they read the whole log)."""
        self.retention.reload()
        self._figures_stale = True
        self._figures_seen()

    def _figures_seen(self) -> None:
        if self._figures_stale and self.tabs.currentIndex() == FIGURES_TAB:
            self._figures_stale = False
            self.figures.reload()

    def clear(self) -> None:
        """Forget everything shown (the workspace locked)."""
        self.retention.model.set_rows([])
        self.figures.clear()

    # -- the chosen row ----------------------------------------------------------------------------------

    def chosen_row(self) -> RetentionRow | None:
        """The retention row selected, if any."""
        index = self.retention.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, RetentionRow) else None

    def _active_holds(self) -> list[Hold]:
        row = self.chosen_row()
        rows = [row] if row is not None else self.retention.model.rows
        found = {h.hold_id: h for r in rows if not r.review_due and r.destroyed_at is None for h in r.holds}
        return list(found.values())

    # -- actions -----------------------------------------------------------------------------------------

    def _open(self, dialog: ActionDialog) -> ActionDialog:
        self.dialog = dialog
        dialog.succeeded.connect(lambda _: self.reload())
        dialog.open()
        return dialog

    def place_hold(self, report_id: str = "") -> ActionDialog:
        """The Place-a-hold dialog, on ``report_id`` or the chosen row."""
        row = self.chosen_row()
        if not report_id and row is not None:
            report_id = row.subject_id if row.kind == "report" else ""
        items = [row.subject_id] if row is not None and row.kind == "item" and not report_id else []
        return self._open(PlaceHoldDialog(self.lifecycle.holds, self.pool, report_id, items, self))

    def renew_hold(self) -> ActionDialog:
        """Renew one of the chosen row's active holds (any listed hold when no row is chosen)."""
        return self._open(RenewHoldDialog(self.lifecycle.holds, self._active_holds(), self.pool, self))

    def release_hold(self) -> ActionDialog:
        """Release one of the chosen row's active holds, with a reason."""
        return self._open(ReleaseHoldDialog(self.lifecycle.holds, self._active_holds(), self.pool, self))

    def destroy_evidence(self, target: str = "") -> ActionDialog:
        """The two-step destruction of ``target`` or the chosen row."""
        row = self.chosen_row()
        target = target or (row.subject_id if row is not None else "")
        return self._open(DestructionDialog(self.lifecycle.destruction, self.pool, target, self._second_person(), self))

    def followups(self, report_id: str = "") -> ActionDialog | None:
        """The follow-up timeline of ``report_id``, the chosen report row, or a report id asked for."""
        row = self.chosen_row()
        if not report_id and row is not None and row.kind == "report":
            report_id = row.subject_id
        if not report_id:
            report_id, ok = QInputDialog.getText(self, "Follow-ups", "Report id:")
            if not ok or not report_id.strip():
                return None
        return self._open(FollowUpTimelineDialog(self.lifecycle.followups, self.pool, report_id.strip(), parent=self))

    def account_timeline(self, account: str = "") -> ActionDialog | None:
        """The follow-ups of every report naming a reported account."""
        if not account:
            account, ok = QInputDialog.getText(self, "Account timeline", "Account id or screen name:")
            if not ok or not account.strip():
                return None
        return self._open(
            FollowUpTimelineDialog(self.lifecycle.followups, self.pool, account=account.strip(), parent=self)
        )
